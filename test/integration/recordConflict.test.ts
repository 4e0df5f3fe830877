/**
 * The record step run again for a (case, seq) already written: the same events change nothing and pass; events that
 * differ (another time, so another hash) are refused loudly, non-retryable, and the stored record stays as it was.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, expect, it, inject } from 'vitest';
import { CASE_RECORD_CONFLICT, recordCase, type ChainedCaseEvent } from '../../activities/recordCase.ts';
import { createDatabase } from '../../db/client.ts';
import { signingKeyFromPem } from '../../infra/signingKey.ts';
import { eventHash } from '../../integrity/hashChain.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { applicationBody, client, newKey } from './http.ts';

const clerk = client(inject('apiUrl')).as('clerk1');
const { db, sql, close } = createDatabase(inject('databaseUrl'), { max: 2 });
afterAll(close);
const key = signingKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);

async function storedStep(caseNo: string): Promise<{ events: ChainedCaseEvent[]; state: CaseState }> {
  const [row] = await sql<{ snapshot: CaseState }[]>`SELECT snapshot FROM cases WHERE case_no = ${caseNo}`;
  const stored = await sql<
    { seq: number; type: string; at: string | Date; actor: unknown; data: unknown; prev_hash: string; hash: string }[]
  >`SELECT seq, type, at, actor, data, prev_hash, hash FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
  const events = stored.map(
    (e) =>
      ({
        seq: e.seq,
        type: e.type,
        at: new Date(e.at).toISOString(),
        actor: e.actor,
        data: e.data,
        prevHash: e.prev_hash,
        hash: e.hash,
      }) as ChainedCaseEvent,
  );
  return { events, state: row!.snapshot };
}

it('a retried step with identical events passes; one whose hash differs is refused naming case and seq', async () => {
  const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const caseNo = submitted.body.caseNo as string;
  const { events, state } = await storedStep(caseNo);
  expect(events.length).toBeGreaterThan(0);

  await expect(recordCase(db, key, events, state)).resolves.toBeUndefined();

  const last = events.at(-1)!;
  const later = { ...last, at: new Date(Date.parse(last.at) + 1000).toISOString() } as ChainedCaseEvent;
  later.hash = eventHash(caseNo, { ...later, seq: last.seq! }, last.prevHash!);
  expect(later.hash).not.toBe(last.hash);
  const refused = await recordCase(db, key, [...events.slice(0, -1), later], state).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(ApplicationFailure);
  const failure = refused as ApplicationFailure;
  expect(failure.type).toBe(CASE_RECORD_CONFLICT);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain(caseNo);
  expect(failure.message).toContain(`seq ${last.seq}`);

  // Nothing of the refused step was written: the first events stay.
  expect((await storedStep(caseNo)).events).toEqual(events);
});
