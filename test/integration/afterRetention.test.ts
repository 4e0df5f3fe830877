/**
 * When the engine no longer holds a closed case (past the namespace's retention; simulated here by deleting the
 * workflow execution), the auditor's chain check falls back to the head signed at the last step, and a rating or a
 * revocation reopens the case from its record, but only from an intact one.
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import { applicationBody, client, newKey } from './http.ts';

const api = client(inject('apiUrl'));
const auditor = api.as('auditor1');
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await sql.end({ timeout: 5 });
});

/** A refused case (traffic police), then its workflow deleted from the engine. */
async function forgottenCase() {
  const clerk = api.as('clerk1');
  const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  const caseNo: string = submitted.body.caseNo;
  await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
  const tasks = (await auditor.get(`/tasks?caseNo=${caseNo}&status=open`)).body as Array<{
    id: string;
    department: string;
  }>;
  const police = tasks.find((t) => t.department === 'TRAFFIC_POLICE');
  const refused = await api.as('reviewer.TRAFFIC_POLICE').post(`/tasks/${police?.id}/opinion`, {
    decision: 'refuse',
    reason: '遮挡交通信号灯',
  });
  expect(refused.body.status).toBe('refused');
  await connection.workflowService.deleteWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: caseNo },
  });
  await waitUntil(
    async () => {
      try {
        await temporal.workflow.getHandle(caseNo).describe();
        return false;
      } catch (error) {
        return error instanceof WorkflowNotFoundError;
      }
    },
    { what: `workflow ${caseNo} deleted`, timeoutMs: 30_000 },
  );
  return { caseNo, queryCode: submitted.body.queryCode as string };
}

async function tamper(statement: (tx: postgres.TransactionSql) => Promise<unknown>) {
  await sql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await statement(tx);
  });
}

describe('a case the engine has forgotten', () => {
  it('audits against the signed head, and a rating reopens it from the record; the chain continues', async () => {
    const { caseNo, queryCode } = await forgottenCase();
    const before = (await auditor.get(`/applications/${caseNo}/audit`)).body;
    expect(before.chain.headSource).toBe('signed_record');
    expect(before.problems).toEqual([]);
    expect(before.intact).toBe(true);

    const rated = await api
      .withCode(queryCode)
      .post(
        `/applications/${caseNo}/rating`,
        { level: 'dissatisfied', comment: '理由没讲清楚' },
        { 'idempotency-key': newKey() },
      );
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    expect(rated.body.followUp.department).toBe('TRAFFIC_POLICE');
    const after = (await auditor.get(`/applications/${caseNo}/audit`)).body;
    expect(after.chain.headSource).toBe('engine');
    expect(after.chain.head.seq).toBeGreaterThan(before.chain.head.seq);
    expect(after.intact).toBe(true);
    // the reopened run holds the whole case: its live state equals the record's fold
    const live = (await auditor.get(`/applications/${caseNo}/state`)).body;
    const replayed = (await auditor.get(`/applications/${caseNo}/replay`)).body;
    expect(replayed).toMatchObject({ ...live });
  });

  it('a tail deleted after the engine forgot the case is still caught by the signed head; nothing reopens', async () => {
    const { caseNo, queryCode } = await forgottenCase();
    await tamper(
      (tx) => tx`DELETE FROM case_events WHERE case_no = ${caseNo} AND seq = (
      SELECT max(seq) FROM case_events WHERE case_no = ${caseNo})`,
    );
    const audit = (await auditor.get(`/applications/${caseNo}/audit`)).body;
    expect(audit.intact).toBe(false);
    expect(audit.chain.problems.map((p: any) => p.kind)).toContain('tail_missing');
    const rated = await api
      .withCode(queryCode)
      .post(`/applications/${caseNo}/rating`, { level: 'satisfied' }, { 'idempotency-key': newKey() });
    expect(rated.status).toBe(409);
    expect(rated.body.code).toBe('record_not_intact');
  });

  it('an edited signed head is reported; a whole rewritten chain cannot borrow it', async () => {
    const { caseNo } = await forgottenCase();
    await tamper((tx) => tx`UPDATE cases SET head_hash = ${'f'.repeat(64)} WHERE case_no = ${caseNo}`);
    const audit = (await auditor.get(`/applications/${caseNo}/audit`)).body;
    expect(audit.intact).toBe(false);
    expect(audit.chain.headSource).toBeNull();
    expect(audit.chain.problems.map((p: any) => p.kind)).toEqual(
      expect.arrayContaining(['head_signature_invalid', 'head_unavailable']),
    );
  });
});
