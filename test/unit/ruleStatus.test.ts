/** How the API answers a rule's violation: one table, 422 for any code it does not list. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleError, ruleStatus } from '../../api/ruleStatus.ts';

/** Every code a rule can give, read from the sources of rules/ (calls of `violation(` and `refuse(`). */
function codesInRules(): string[] {
  const dir = new URL('../../rules/', import.meta.url);
  const files = [
    ...readdirSync(dir).filter((f) => f.endsWith('.ts')),
    ...readdirSync(new URL('decisions/', dir)).map((f) => `decisions/${f}`),
  ];
  const codes = files.flatMap((f) => {
    const source = readFileSync(new URL(f, dir), 'utf8');
    return [
      ...source.matchAll(/\b(?:violation|refuse)\(\s*'([a-z_]+)'/g),
      ...source.matchAll(/\['(task_[a-z_]+)',/g),
    ].map((m) => m[1]!);
  });
  return [...new Set(codes)].sort();
}

/** The codes that mean bad input for the case as it stands (the default). */
const INVALID_INPUT = [
  'commitment_not_allowed',
  'deficiencies_required',
  'due_in_past',
  'invalid_date',
  'invalid_field',
  'material_not_handed_in',
  'materials_required',
  'not_deficient',
  'reason_required',
  'tracking_number_required',
  'unknown_material',
];

describe('rule codes to HTTP statuses', () => {
  it('every code in rules/ is either listed with its status or one of the known invalid-input codes', () => {
    const codes = codesInRules();
    expect(codes.length).toBeGreaterThan(40);
    const unlisted = codes.filter((c) => ruleStatus(c) === 422);
    expect(unlisted).toEqual(INVALID_INPUT);
  });

  it('not found, forbidden and conflicts', () => {
    expect(ruleStatus('case_not_found')).toBe(404);
    expect(ruleStatus('task_not_found')).toBe(404);
    expect(ruleStatus('not_issuing_department')).toBe(403);
    expect(ruleStatus('already_decided')).toBe(409);
    expect(ruleStatus('task_cancelled')).toBe(409);
  });

  it('an unknown code is 422', () => {
    expect(ruleStatus('some_future_rule')).toBe(422);
  });

  it('a status recorded with an old failure is ignored: the table decides', () => {
    const old = { status: 422, code: 'case_not_found', message: '办件不存在', field: 'caseNo' };
    const error = ruleError(old);
    expect(error).toMatchObject({ statusCode: 404, code: 'case_not_found', message: '办件不存在', field: 'caseNo' });
  });
});
