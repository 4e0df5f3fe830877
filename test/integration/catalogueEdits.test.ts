/**
 * Catalogue edits over HTTP (PATCH /matters/:code, admins only): a changed promised limit applies to cases received
 * after it, while a case already received keeps the catalogue it was received under; an edit that would make the
 * catalogue inconsistent (a promised limit beyond the statutory one) is 422 and changes nothing. The shared stack; the
 * matter is put back after the file.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { applicationBody, client, newKey } from './http.ts';
import { TEST_TODAY } from './clock.ts';

const api = client(inject('apiUrl'));
const admin = api.as('admin1');
const clerk = api.as('clerk1');
const MATTER = 'OUTDOOR_AD_PERMIT';
let promised: number;
let statutory: number;

beforeAll(async () => {
  const matter = (await api.get(`/matters/${MATTER}`)).body;
  promised = matter.promisedLimitDays;
  statutory = matter.guide.timeLimit.statutoryWorkingDays;
});

afterAll(async () => {
  const restored = await admin.patch(`/matters/${MATTER}`, { promisedLimitDays: promised });
  if (restored.status !== 200) throw new Error(`matter not restored: ${JSON.stringify(restored.body)}`);
});

async function submit() {
  const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  return submitted.body.caseNo as string;
}

const accept = (caseNo: string) => clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });

describe('editing a matter of the catalogue', () => {
  it('a shorter promised limit applies to cases received after the edit; one received before keeps its own', async () => {
    expect(promised).toBeGreaterThan(2);
    const receivedBefore = await submit();

    const edited = await admin.patch(`/matters/${MATTER}`, { promisedLimitDays: promised - 2 });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.promisedLimitDays).toBe(promised - 2);
    expect((await api.get(`/matters/${MATTER}`)).body.promisedLimitDays).toBe(promised - 2);

    const receivedAfter = await submit();
    const before = await accept(receivedBefore);
    const after = await accept(receivedAfter);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    // the case received before the edit: the limit it was received under
    expect(before.body.deadlines.promisedDue).toBe(addWorkingDays(TEST_TODAY, promised));
    expect(before.body.tasks.every((t: { due: string }) => t.due === addWorkingDays(TEST_TODAY, promised))).toBe(true);
    // the case received after it: the new limit
    expect(after.body.deadlines.promisedDue).toBe(addWorkingDays(TEST_TODAY, promised - 2));
    expect(after.body.tasks.every((t: { due: string }) => t.due === addWorkingDays(TEST_TODAY, promised - 2))).toBe(
      true,
    );
    // the statutory limit is the law's, untouched by either
    expect(before.body.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, statutory));
    expect(after.body.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, statutory));
  });

  it('a promised limit beyond the statutory one is 422 catalogue_invalid and leaves the matter as it was', async () => {
    const current = (await api.get(`/matters/${MATTER}`)).body;
    const unchanged = { promisedLimitDays: current.promisedLimitDays };
    const versionBefore = (await admin.patch(`/matters/${MATTER}`, unchanged)).body.catalogueVersion as number;
    const refused = await admin.patch(`/matters/${MATTER}`, { promisedLimitDays: statutory + 1 });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body).toMatchObject({ code: 'catalogue_invalid', field: 'promisedLimitDays' });
    expect(refused.body.message).toContain('目录不一致');
    expect((await api.get(`/matters/${MATTER}`)).body).toEqual(current);

    // no catalogue version was used up by the refused edit: the next good edit is the next version
    const next = await admin.patch(`/matters/${MATTER}`, unchanged);
    expect(next.status).toBe(200);
    expect(next.body.catalogueVersion).toBe(versionBefore + 1);
  });

  it('out of range or unknown fields are 400 naming the field; an unknown matter 404', async () => {
    const negative = await admin.patch(`/matters/${MATTER}`, { promisedLimitDays: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.field).toBe('promisedLimitDays');
    const extra = await admin.patch(`/matters/${MATTER}`, { statutoryLimitDays: 5 });
    expect(extra.status).toBe(400);
    const unknown = await admin.patch('/matters/NO_SUCH_MATTER', { promisedLimitDays: 5 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('matter_not_found');
  });
});
