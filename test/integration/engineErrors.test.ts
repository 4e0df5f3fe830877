/**
 * How engine answers reach the API: a rule violation is rejected by the Update's validator before anything is
 * written (no history event, no row); an unknown case is a 404; a case whose workflow has closed is a 409; the same
 * Idempotency-Key after the case closed still finds the same case. Its own stack: finished cases close after 1 s.
 */
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import { useOwnStack } from './ownStack.ts';
import { applicationBody, caseInReview, newKey, type Client as Api } from './http.ts';

const own = useOwnStack('engine-errors', { CASE_CLOSE_GRACE_MS: '1000' });
let api: Api;
let sql: postgres.Sql;
let temporal: Client;

beforeAll(async () => {
  api = own.api;
  sql = own.sql;
  temporal = own.temporal;
});

async function historyLength(caseNo: string): Promise<number> {
  const history = await temporal.workflow.getHandle(caseNo).fetchHistory();
  return history.events?.length ?? 0;
}

async function rowCounts(caseNo: string) {
  const [row] = await sql`SELECT (SELECT count(*) FROM case_events WHERE case_no = ${caseNo})::int AS events,
                                 (SELECT last_seq FROM cases WHERE case_no = ${caseNo}) AS "lastSeq"`;
  return row;
}

describe('rule violations are rejected before anything is written', () => {
  it('accepting an incomplete application: 409, no history event, no row', async () => {
    const submitted = await api
      .as('clerk1')
      .post('/applications', applicationBody({ materials: ['OUTDOOR_AD_APPLICATION'] }), {
        'idempotency-key': newKey(),
      });
    const caseNo = submitted.body.caseNo;
    const historyBefore = await historyLength(caseNo);
    const rowsBefore = await rowCounts(caseNo);
    const reply = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'materials_missing', field: 'decision' });
    expect(await historyLength(caseNo)).toBe(historyBefore);
    expect(await rowCounts(caseNo)).toEqual(rowsBefore);
    // and the case still takes a valid command afterwards
    const notice = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'supplement' });
    expect(notice.status).toBe(200);
    expect(notice.body.status).toBe('awaiting_supplement');
  });

  it('a second opinion on the same task: 409, no history event', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    const reviewer = api.as(`reviewer.${tasks[0]!.department}`);
    expect((await reviewer.post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve' })).status).toBe(200);
    const historyBefore = await historyLength(caseNo);
    const again = await reviewer.post(`/tasks/${tasks[0]!.id}/opinion`, {
      decision: 'refuse',
      reason: 'x',
    });
    expect(again.status).toBe(409);
    expect(await historyLength(caseNo)).toBe(historyBefore);
  });
});

describe('unknown and closed cases', () => {
  it('a command to an unknown case or task is a 404 with a code', async () => {
    const unknownCase = await api.as('clerk1').post('/applications/SQ20260302999999/withdrawal', {});
    expect(unknownCase.status).toBe(404);
    expect(unknownCase.body).toMatchObject({ code: 'case_not_found', field: 'caseNo' });
    // a task id names its department (…-<matter>-<department>): the reviewer of that department gets the 404
    const unknownTask = await api
      .as('reviewer.SAMR')
      .post('/tasks/SQ20260302999999-X-SAMR/opinion', { decision: 'approve' });
    expect(unknownTask.status).toBe(404);
    expect(unknownTask.body.code).toBe('task_not_found');
    expect((await api.as('clerk1').get('/applications/SQ20260302999999/state')).status).toBe(404);
  });

  it('once its workflow has closed, a case answers 409 case_closed and keeps its record', async () => {
    const key = newKey();
    const body = applicationBody();
    const submitted = await api.as('clerk1').post('/applications', body, { 'idempotency-key': key });
    const caseNo = submitted.body.caseNo;
    const withdrawn = await api
      .withCode(submitted.body.queryCode)
      .post(`/applications/${caseNo}/withdrawal`, { reason: '不再需要' });
    expect(withdrawn.body.status).toBe('withdrawn');
    // the workflow ends after its grace period (1 s here)
    const handle = temporal.workflow.getHandle(caseNo);
    await waitUntil(async () => (await handle.describe()).status.name === 'COMPLETED', {
      what: `workflow ${caseNo} to complete`,
      timeoutMs: 30_000,
    });
    const late = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'case_closed', field: 'caseNo' });

    // the same key after the case closed: the same case and no second workflow run. While the engine keeps the
    // closed run, it answers the submission's Update with its first answer (the case as it was received).
    const retry = await api.as('clerk1').post('/applications', body, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.body.caseNo).toBe(caseNo);
    expect(retry.body.queryCode).toBe(submitted.body.queryCode);
    expect(retry.body.case).toEqual(submitted.body.case);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const runs = [];
    for await (const run of temporal.workflow.list({ query: `WorkflowId = '${caseNo}'` })) runs.push(run.runId);
    expect(runs).toHaveLength(1);
    const events = await sql`SELECT seq, type FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
    expect(events.filter((e) => e.type === 'received')).toHaveLength(1);

    // the live state of a closed case is still answered (the worker replays it)
    const state = await api.as('clerk1').get(`/applications/${caseNo}/state`);
    expect(state.status).toBe(200);
    expect(state.body.status).toBe('withdrawn');
  });
});
