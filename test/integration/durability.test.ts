/**
 * Crashes mid-case: the worker SIGKILLed while a case waits for opinions, and the Restate server SIGKILLed and
 * restarted. Each case still finishes with exactly one certificate per matter and a gap-free, duplicate-free record.
 * This file runs its own stack so that killing processes cannot disturb the other tests.
 */
import { useOwnStack } from './ownStack.ts';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/stack.ts';
import { caseInReview, type Client } from './http.ts';

const own = useOwnStack('crash');
let stack: Stack;
let api: Client;
let sql: postgres.Sql;

beforeAll(() => {
  ({ stack, api } = own);
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end();
});

async function expectCleanRecord(caseNo: string, matters: string[]) {
  const events = await sql<{ seq: number; type: string }[]>`
    SELECT seq, type FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === 'certificate_issued')).toHaveLength(matters.length);
  expect(events.filter((e) => e.type === 'case_approved')).toHaveLength(1);
  const certificates = await sql<{ matter: string }[]>`SELECT matter FROM certificates WHERE case_no = ${caseNo}`;
  expect(certificates.map((c) => c.matter).sort()).toEqual([...matters].sort());
  const view = await api.get(`/applications/${caseNo}`);
  expect(view.body.status).toBe('approved');
  expect(view.body.certificates).toHaveLength(matters.length);
}

describe('durability', () => {
  it('survives the worker being SIGKILLed while cases wait for opinions', async () => {
    const cases = await Promise.all([caseInReview(api), caseInReview(api), caseInReview(api)]);
    for (const { tasks } of cases) {
      expect((await api.post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve', reviewerId: 'r1' })).status).toBe(
        200,
      );
    }
    await stack.killWorker('SIGKILL');
    // Opinions sent while the worker is down wait in Restate and complete once it is back.
    const pending = cases.map(({ tasks }) =>
      api.post(`/tasks/${tasks[1]!.id}/opinion`, { decision: 'approve', reviewerId: 'r2' }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    await stack.startWorker();
    const replies = await Promise.all(pending);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const { caseNo } of cases) await expectCleanRecord(caseNo, ['OUTDOOR_AD_PERMIT']);
  });

  it('survives the Restate server being SIGKILLed and restarted mid-case', async () => {
    const cases = await Promise.all([caseInReview(api), caseInReview(api)]);
    for (const { tasks } of cases) {
      await api.post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve', reviewerId: 'r1' });
    }
    await stack.restartRestate(true);
    expect((await api.get('/health')).status).toBe(200);
    for (const { tasks } of cases) {
      const reply = await api.post(`/tasks/${tasks[1]!.id}/opinion`, { decision: 'approve', reviewerId: 'r2' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    for (const { caseNo } of cases) await expectCleanRecord(caseNo, ['OUTDOOR_AD_PERMIT']);
  });
});
