/**
 * A closed case rebuilt from the legal record, for when the engine no longer holds it (past the namespace's
 * retention) and a command must reopen it (a rating, a revocation). Only an intact record is trusted: the chain
 * must verify against the head signed at the case's last step.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { caseEvents, cases } from '../db/schema.ts';
import { evolve, type CaseEvent, type CaseState } from '../rules/caseModel.ts';
import { headPayload, verifyChain, type ChainHead } from '../integrity/hashChain.ts';
import { verifyWithKeySet, type PublishedKey } from '../integrity/keySet.ts';

export type RecordedCase = { state: CaseState; chain: ChainHead } | 'not_intact' | undefined;

export async function recordedCase(db: Database, keys: PublishedKey[], caseNo: string): Promise<RecordedCase> {
  const [row] = await db
    .select({
      seq: cases.headSeq,
      hash: cases.headHash,
      signature: cases.headSignature,
      keyId: cases.headKeyId,
      signedAt: cases.headSignedAt,
    })
    .from(cases)
    .where(eq(cases.caseNo, caseNo));
  if (!row) return undefined;
  if (row.seq === null || !row.hash || !row.signature) return 'not_intact'; // a case recorded before heads were signed
  const head = { seq: row.seq, hash: row.hash };
  const rows = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(asc(caseEvents.seq));
  // The workflow stamped ISO instants; PostgreSQL gives its own text form: the state must read as the workflow's.
  const events = rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  // Signed at the step that recorded the head's event, by a key of the set valid then.
  const signedAt =
    row.signedAt ?? events.find((e) => e.seq === head.seq)?.at ?? events.at(-1)?.at ?? new Date(0).toISOString();
  if (!verifyWithKeySet(keys, headPayload(caseNo, head), row.signature, row.keyId, signedAt).valid) return 'not_intact';
  if (verifyChain(caseNo, events, head).length > 0) return 'not_intact';
  let state: CaseState | undefined;
  for (const e of events) state = evolve(state, { type: e.type, at: e.at, actor: e.actor, data: e.data } as CaseEvent);
  return state ? { state, chain: head } : undefined;
}
