/**
 * Signed checkpoints over every case head: published on a timer (CHECKPOINT_INTERVAL_MINUTES) and on demand, public
 * with a case's inclusion proof, carried in the case file export and checked offline; and the reason they exist: a
 * case's rows and signed head restored from an older copy verify on their own, but the audit reports that the record
 * no longer reaches the head the latest checkpoint holds for it.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import { checkpointPayload, proofHolds } from '../../integrity/checkpoint.ts';
import { verifyWithKeySet } from '../../integrity/keySet.ts';
import { useOwnStack } from './ownStack.ts';
import { caseInReview } from './http.ts';
import { verifyExport, writeJson } from './trustHelpers.ts';

const own = useOwnStack('checkpoints', { CHECKPOINT_INTERVAL_MINUTES: '0.05' });

it('checkpoints cover the heads; a case rolled back to an older copy is reported by the audit', async () => {
  const api = own.api;
  const auditor = api.as('auditor1');
  const { caseNo, tasks } = await caseInReview(api);
  // The older copy: the case row (with its signed head) and its tasks as they stand in review.
  const [olderCase] = await own.sql`SELECT * FROM cases WHERE case_no = ${caseNo}`;
  const olderTasks = await own.sql`SELECT * FROM review_tasks WHERE case_no = ${caseNo}`;
  for (const task of tasks) {
    const reply = await api
      .as(`reviewer.${task.department}`)
      .post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(reply.status).toBe(200);
  }
  const [last] = await own.sql`SELECT max(seq)::int AS seq FROM case_events WHERE case_no = ${caseNo}`;
  expect(last!.seq).toBeGreaterThan(olderCase!.last_seq);

  // The timer publishes one that covers the case at its latest head (no request needed).
  let latest: { id: number } | undefined;
  await waitUntil(
    async () => {
      const reply = await api.get('/checkpoints/latest');
      if (reply.status !== 200) return false;
      const proof = await api.get(`/checkpoints/${reply.body.id}?caseNo=${caseNo}`);
      latest = reply.body;
      return proof.status === 200 && proof.body.leaf.seq === last!.seq;
    },
    { what: 'a checkpoint over the case head', timeoutMs: 30_000 },
  );
  // And on demand by the administrator only.
  expect((await auditor.post('/admin/checkpoints', {})).status).toBe(403);
  const published = await api.as('admin1').post('/admin/checkpoints', {});
  expect(published.status).toBe(201);
  expect(published.body.id).toBeGreaterThan(latest!.id);
  expect((await api.get('/checkpoints/999999')).body.code).toBe('checkpoint_not_found');

  // The proof and the signature check with nothing but the published key set.
  const withProof = (await api.get(`/checkpoints/${published.body.id}?caseNo=${caseNo}`)).body;
  expect(withProof.leaf).toMatchObject({ caseNo, seq: last!.seq });
  expect(proofHolds(withProof.leaf, withProof.proof, withProof.root)).toBe(true);
  const keys = (await api.get('/certificates/public-key')).body.keys;
  expect(
    verifyWithKeySet(keys, checkpointPayload(withProof), withProof.signature, withProof.keyId, withProof.at),
  ).toMatchObject({ valid: true });
  expect(proofHolds({ ...withProof.leaf, seq: withProof.leaf.seq - 1 }, withProof.proof, withProof.root)).toBe(false);

  // The export carries the latest covering checkpoint; the offline verifier checks the record reaches it.
  const exported = (await auditor.get(`/applications/${caseNo}/export`)).body;
  expect(exported.checkpoint).toMatchObject({ leaf: { caseNo, seq: last!.seq } });
  const run = await verifyExport([writeJson(exported)]);
  expect(run.stdout).toContain('完整 (intact)');
  expect(run.stdout).toMatch(/检查点 \(checkpoint\) \d+/);
  expect(run.code).toBe(0);

  // The engine forgets the case (past retention): the audit stands on the signed head, intact, checkpoint agreeing.
  const connection = own.temporal.connection;
  await connection.workflowService.deleteWorkflowExecution({
    namespace: own.stack.namespace,
    workflowExecution: { workflowId: caseNo },
  });
  await waitUntil(
    async () => {
      try {
        await own.temporal.workflow.getHandle(caseNo).describe();
        return false;
      } catch (error) {
        return error instanceof WorkflowNotFoundError;
      }
    },
    { what: `workflow ${caseNo} deleted`, timeoutMs: 30_000 },
  );
  const before = (await auditor.get(`/applications/${caseNo}/audit`)).body;
  expect(before).toMatchObject({ intact: true, chain: { headSource: 'signed_record' } });
  expect(before.checkpoint.checkpoint).toMatchObject({ seq: last!.seq });

  // Restore the older copy, as someone with the database's superuser would: newer events gone, the older signed
  // head and read models back. Chain and signed head agree with each other again; only the checkpoint remembers.
  await own.sql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await tx`DELETE FROM case_events WHERE case_no = ${caseNo} AND seq > ${olderCase!.last_seq}`;
    await tx`DELETE FROM review_tasks WHERE case_no = ${caseNo}`;
    await tx`INSERT INTO review_tasks ${tx(olderTasks as never)}`;
    await tx`UPDATE cases SET status = ${olderCase!.status}, last_seq = ${olderCase!.last_seq},
               head_seq = ${olderCase!.head_seq}, head_hash = ${olderCase!.head_hash},
               head_signature = ${olderCase!.head_signature}, head_key_id = ${olderCase!.head_key_id},
               accepted_on = ${olderCase!.accepted_on}, statutory_due = ${olderCase!.statutory_due},
               promised_due = ${olderCase!.promised_due}, snapshot = ${olderCase!.snapshot}
             WHERE case_no = ${caseNo}`;
  });
  const after = (await auditor.get(`/applications/${caseNo}/audit`)).body;
  expect(after.chain.problems).toEqual([]);
  expect(after.derivation.problems).toEqual([]);
  expect(after.intact).toBe(false);
  expect(after.problems).toEqual([
    expect.objectContaining({
      source: 'checkpoint',
      kind: 'checkpoint_rollback',
      seq: last!.seq,
      recorded: olderCase!.last_seq,
      expected: last!.seq,
    }),
  ]);
});
