/**
 * Backfill (`npm run backfill`): cases recorded before the supervision read models and the signed head existed are
 * given them from their event log. Here real cases are made, their read-model rows and signed heads wiped (as a
 * database from before those features would have them), the command run twice: the first run rebuilds every figure
 * as it was, the second changes nothing.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { headPayload } from '../../integrity/hashChain.ts';
import { verifyWithKeySet } from '../../integrity/keySet.ts';
import { useOwnStack } from './ownStack.ts';
import { caseInReview } from './http.ts';
import { approvedCase } from './trustHelpers.ts';

const own = useOwnStack('backfill');
const root = fileURLToPath(new URL('../..', import.meta.url));

function runBackfill(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'backfill'],
      { cwd: root, env: { ...process.env, ...own.stack.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** Every figure the backfill must bring back, in a stable order. */
async function figures() {
  const sql = own.sql;
  return {
    cases: await sql`SELECT case_no, status, last_seq, head_seq, head_hash, accepted_on, statutory_due, promised_due,
                            snapshot FROM cases ORDER BY case_no`,
    supervisionCases: await sql`SELECT * FROM supervision_cases ORDER BY case_no`,
    daily: await sql`SELECT * FROM supervision_daily ORDER BY grain, day, "window", department, matter`,
    days: await sql`SELECT * FROM supervision_daily_days ORDER BY 1, 2, 3, 4, 5, 6`,
    tasks: await sql`SELECT * FROM review_tasks ORDER BY id`,
  };
}

it('rebuilds wiped read models and signed heads from the event log, and a second run changes nothing', async () => {
  const api = own.api;
  const approved = await approvedCase(api);
  const inReview = await caseInReview(api);
  const refused = await caseInReview(api);
  const police = refused.tasks.find((t) => t.department === 'TRAFFIC_POLICE')!;
  const refusal = await api
    .as('reviewer.TRAFFIC_POLICE')
    .post(`/tasks/${police.id}/opinion`, { decision: 'refuse', reason: '遮挡交通信号灯' });
  expect(refusal.status).toBe(200);
  const caseNos = [approved.caseNo, inReview.caseNo, refused.caseNo];
  const original = await figures();
  expect(original.supervisionCases).toHaveLength(3);
  expect(original.daily.length).toBeGreaterThan(0);

  // As before the read models and signed heads existed.
  await own.sql.begin(async (tx) => {
    await tx`DELETE FROM supervision_cases`;
    await tx`DELETE FROM supervision_daily`;
    await tx`DELETE FROM supervision_daily_days`;
    await tx`DELETE FROM review_tasks`;
    await tx`UPDATE cases SET head_seq = NULL, head_hash = NULL, head_signature = NULL, head_key_id = NULL`;
  });
  expect((await own.sql`SELECT count(*)::int AS n FROM supervision_cases`)[0]!.n).toBe(0);

  const first = await runBackfill();
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout.split('\n')[0]!)).toEqual({
    cases: 3,
    readModels: 3,
    headsSigned: 3,
    unchanged: 0,
    unfoldable: [],
  });
  expect(first.stdout).toContain('补录完成');
  expect(await figures()).toEqual(original);
  const signed = await own.sql`SELECT case_no, head_signature, head_key_id, head_signed_at FROM cases ORDER BY case_no`;
  for (const row of signed)
    expect(row).toMatchObject({ head_signature: expect.any(String), head_key_id: expect.any(String) });

  const second = await runBackfill();
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout.split('\n')[0]!)).toEqual({
    cases: 3,
    readModels: 0,
    headsSigned: 0,
    unchanged: 3,
    unfoldable: [],
  });
  expect(await figures()).toEqual(original);
  expect(
    await own.sql`SELECT case_no, head_signature, head_key_id, head_signed_at FROM cases ORDER BY case_no`,
  ).toEqual(signed);

  // The backfilled heads verify with the published key set, dated when the backfill signed them.
  const keys = (await api.get('/certificates/public-key')).body.keys;
  for (const row of await own.sql`SELECT case_no, head_seq, head_hash, head_signature, head_key_id, head_signed_at
                                   FROM cases ORDER BY case_no`) {
    const payload = headPayload(row.case_no, { seq: row.head_seq, hash: row.head_hash });
    expect(
      verifyWithKeySet(keys, payload, row.head_signature, row.head_key_id, row.head_signed_at.getTime()).valid,
    ).toBe(true);
  }
  for (const caseNo of caseNos) {
    const audit = (await api.as('auditor1').get(`/applications/${caseNo}/audit`)).body;
    expect(audit.intact, JSON.stringify(audit.problems)).toBe(true);
  }
});
