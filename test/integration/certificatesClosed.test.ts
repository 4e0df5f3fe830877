/**
 * Revoking the certificate of a case whose workflow has already closed: the case is reopened (a new run of the same
 * workflow id, update-with-start, starting from the closed run's carried state), the revocation is recorded once
 * (same Idempotency-Key, same answer, one event, also after the reopened run has closed) and the case closes again.
 * A rejected revocation reopens nothing; other commands still answer 409 case_closed. Its own stack: finished cases
 * close after 1 s, and a PUBLIC_BASE_URL for the printed verification link.
 */
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import { beforeAll, expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import type { CaseWorkflowResult } from '../../workflows/caseMessages.ts';
import { useOwnStack } from './ownStack.ts';
import { caseInReview, login, newKey, type Client as Api } from './http.ts';

const PUBLIC_BASE_URL = 'https://zwfw.example.gov.cn/';
const own = useOwnStack('certificates-closed', { CASE_CLOSE_GRACE_MS: '1000', PUBLIC_BASE_URL });
let api: Api;
let sql: postgres.Sql;
let temporal: Client;

beforeAll(async () => {
  api = own.api;
  sql = own.sql;
  temporal = own.temporal;
});

async function runs(caseNo: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const run of temporal.workflow.list({ query: `WorkflowId = '${caseNo}'` })) ids.push(run.runId);
  return ids;
}

async function waitClosed(caseNo: string): Promise<void> {
  const handle = temporal.workflow.getHandle(caseNo);
  await waitUntil(async () => (await handle.describe()).status.name === 'COMPLETED', {
    what: `workflow ${caseNo} to complete`,
    timeoutMs: 60_000,
  });
}

/** Every task approved by the reviewer of its department. */
async function approveAll(tasks: Array<{ id: string; department: string }>): Promise<void> {
  for (const task of tasks) {
    const reply = await api
      .as(`reviewer.${task.department}`)
      .post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
}

async function revocationEvents(caseNo: string) {
  return sql`SELECT seq, prev_hash, hash FROM case_events WHERE case_no = ${caseNo} AND type = 'certificate_revoked'`;
}

it('a closed case is reopened for a revocation, records it once, and closes again', async () => {
  const { caseNo, tasks } = await caseInReview(api);
  await approveAll(tasks);
  const clerk = api.as('clerk1');
  const delivered = await clerk.post(`/applications/${caseNo}/delivery`, { method: 'pickup' });
  expect(delivered.status).toBe(200);
  const certificateNo: string = delivered.body.certificates[0].certificateNo;
  await waitClosed(caseNo);
  expect(await runs(caseNo)).toHaveLength(1);
  const [lastBefore] = await sql`SELECT seq, hash FROM case_events WHERE case_no = ${caseNo} ORDER BY seq DESC LIMIT 1`;

  // Ordinary commands stay refused on a closed case.
  const late = await clerk.post(`/applications/${caseNo}/withdrawal`, { reason: 'x' });
  expect(late.status).toBe(409);
  expect(late.body.code).toBe('case_closed');

  // A revocation the rules reject is answered from the closed run's state: no new run.
  const path = `/certificates/${certificateNo}/revocation`;
  const body = { department: 'CITY_MANAGEMENT', reason: '许可依法被撤销' };
  const head = api.as('head.CITY_MANAGEMENT');
  const other = await api
    .as('head.TRAFFIC_POLICE')
    .post(path, { ...body, department: 'TRAFFIC_POLICE' }, { 'idempotency-key': newKey() });
  expect(other.status).toBe(403);
  expect(other.body.code).toBe('not_issuing_department');
  expect(await runs(caseNo)).toHaveLength(1);

  const key = newKey();
  const revoked = await head.post(path, body, { 'idempotency-key': key });
  expect(revoked.status).toBe(200);
  expect(revoked.body.certificate.revoked).toMatchObject({
    department: 'CITY_MANAGEMENT',
    reason: '许可依法被撤销',
    by: 'head.CITY_MANAGEMENT',
  });
  expect(revoked.body.case).toMatchObject({ status: 'approved', delivery: { method: 'pickup' } });
  expect(await runs(caseNo)).toHaveLength(2);

  // The same key while the reopened run is open, then after it has closed: the same answer, one event, no third run.
  const retry = await head.post(path, body, { 'idempotency-key': key });
  expect(retry.status).toBe(200);
  expect(retry.body).toEqual(revoked.body);
  await waitClosed(caseNo);
  const result = (await temporal.workflow.getHandle(caseNo).result()) as CaseWorkflowResult;
  expect(result.status).toBe('approved');
  expect(result.carried?.state.certificates[0]?.revoked).toEqual(revoked.body.certificate.revoked);
  const afterClose = await head.post(path, body, { 'idempotency-key': key });
  expect(afterClose.status).toBe(200);
  expect(afterClose.body).toEqual(revoked.body);
  expect(await runs(caseNo)).toHaveLength(2);

  // One event, continuing the case's sequence and hash chain from where the closed run left it.
  const events = await revocationEvents(caseNo);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ seq: lastBefore!.seq + 1, prev_hash: lastBefore!.hash });

  // A new key is a new command: already revoked (409), decided from the closed run's state, again no new run.
  const again = await head.post(path, body, { 'idempotency-key': newKey() });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('certificate_already_revoked');
  expect(await runs(caseNo)).toHaveLength(2);

  const verified = (await api.get(`/certificates/${certificateNo}/verify`)).body;
  expect(verified.status).toBe('revoked');
  expect(verified.revocation).toMatchObject({ department: { code: 'CITY_MANAGEMENT' }, reason: '许可依法被撤销' });
  const view = (await clerk.get(`/applications/${caseNo}`)).body;
  expect(view.certificates[0].revoked).toEqual(revoked.body.certificate.revoked);
  // the revocation and the holder's written notice
  expect(view.lastSeq).toBe(lastBefore!.seq + 2);

  // The printed page points at the public address (PUBLIC_BASE_URL), not the address the request came to.
  const page = await (
    await fetch(`${own.stack.apiUrl}/certificates/${certificateNo}/print`, {
      headers: { authorization: `Bearer ${await login(own.stack.apiUrl, 'clerk1')}` },
    })
  ).text();
  expect(page).toContain(`https://zwfw.example.gov.cn/verify/${certificateNo}`);
  expect(page).not.toContain(own.stack.apiUrl);
  expect(page).toContain('已注销');
});

it('a run that ended without a result (terminated by an operator) is reopened from its state asked by Query', async () => {
  const { caseNo, tasks } = await caseInReview(api);
  await approveAll(tasks);
  const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
  const certificateNo: string = view.certificates[0].certificateNo;
  const handle = temporal.workflow.getHandle(caseNo);
  await handle.terminate('operator test');
  expect((await handle.describe()).status.name).toBe('TERMINATED');
  const [lastBefore] = await sql`SELECT seq, hash FROM case_events WHERE case_no = ${caseNo} ORDER BY seq DESC LIMIT 1`;

  const revoked = await api
    .as('head.CITY_MANAGEMENT')
    .post(
      `/certificates/${certificateNo}/revocation`,
      { department: 'CITY_MANAGEMENT', reason: '依法撤回许可' },
      { 'idempotency-key': newKey() },
    );
  expect(revoked.status).toBe(200);
  expect(revoked.body.certificate.revoked.reason).toBe('依法撤回许可');
  expect(await runs(caseNo)).toHaveLength(2);
  const events = await revocationEvents(caseNo);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ seq: lastBefore!.seq + 1, prev_hash: lastBefore!.hash });
  // the reopened run holds the case again: asked live, it answers with the revocation
  expect((await handle.describe()).status.name).toBe('RUNNING');
  const live = await api.as('auditor1').get(`/applications/${caseNo}/state`);
  expect(live.status).toBe(200);
  expect(live.body.certificates[0].revoked).toEqual(revoked.body.certificate.revoked);
});
