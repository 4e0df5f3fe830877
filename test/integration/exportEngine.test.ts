/**
 * The export's chain head comes from the engine: a case whose workflow has completed is still exported with the
 * head its workflow ended with (a Query on a closed workflow), and with no worker to answer the API refuses with
 * 503 engine_unavailable rather than export a file whose head nobody confirmed. Its own stack: finished cases close
 * after 1 s, and the worker is killed.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import { checkExport, type CaseFileExport } from '../../integrity/exportCheck.ts';
import { useOwnStack } from './ownStack.ts';
import { applicationBody, newKey } from './http.ts';

const own = useOwnStack('export-engine', { CASE_CLOSE_GRACE_MS: '1000', ENGINE_TIMEOUT_MS: '3000' });
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: own.stack.temporalAddress });
  temporal = new Client({ connection, namespace: own.stack.namespace });
});

afterAll(async () => {
  await connection?.close();
});

/** An immediate matter: approved at the window with its certificate, then picked up, so the case closes. */
async function closedCase(): Promise<string> {
  const guide = (await own.api.get('/matters/BUSINESS_REGISTRATION')).body;
  const required: string[] = guide.materials.filter((m: any) => m.required).map((m: any) => m.code);
  const clerk = own.api.as('clerk1');
  const submitted = await clerk.post(
    '/applications',
    applicationBody({ matters: ['BUSINESS_REGISTRATION'], materials: required }),
    { 'idempotency-key': newKey() },
  );
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const caseNo: string = submitted.body.caseNo;
  const accepted = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
  expect(accepted.body.status).toBe('approved');
  const delivered = await clerk.post(`/applications/${caseNo}/delivery`, { method: 'pickup' });
  expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
  return caseNo;
}

describe('the chain head of an export', () => {
  it('comes from a completed workflow too', async () => {
    const caseNo = await closedCase();
    await waitUntil(async () => (await temporal.workflow.getHandle(caseNo).describe()).status.name === 'COMPLETED', {
      what: `workflow ${caseNo} completed`,
      timeoutMs: 30_000,
    });
    const reply = await own.api.as('auditor1').get(`/applications/${caseNo}/export`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const doc = reply.body as CaseFileExport;
    expect(doc.status).toBe('approved');
    expect(doc.events.at(-1)?.type).toBe('delivered');
    expect(doc.chainHead).toEqual({ seq: doc.events.length, hash: doc.events.at(-1)?.hash });
    expect(checkExport(doc)).toMatchObject({ intact: true, certificates: 1 });
  });

  it('without an engine to confirm it, no export: 503 engine_unavailable', async () => {
    const caseNo = await closedCase();
    const auditor = own.api.as('auditor1');
    // signed in before the worker goes: the answer below is about the engine, not the session
    expect((await auditor.get('/auth/me')).status).toBe(200);
    await own.stack.killWorker('SIGKILL');
    const reply = await auditor.get(`/applications/${caseNo}/export`);
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ code: 'engine_unavailable' });
    expect(reply.body.message).toMatch(/审批引擎/);
  });
});
