/**
 * A closed case rebuilt from the legal record, for when the engine no longer holds it (past the namespace's
 * retention) and a command must reopen it (a rating, a revocation). Only an intact record is trusted: the chain
 * must verify against the head signed at the case's last step.
 */
import { verify, type KeyObject } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { caseEvents, cases } from '../db/schema.ts';
import { evolve, type CaseEvent, type CaseState } from '../rules/caseModel.ts';
import { headPayload, verifyChain, type ChainHead } from '../integrity/hashChain.ts';

export type RecordedCase = { state: CaseState; chain: ChainHead } | 'not_intact' | undefined;

export async function recordedCase(db: Database, publicKey: KeyObject, caseNo: string): Promise<RecordedCase> {
  const [row] = await db
    .select({ seq: cases.headSeq, hash: cases.headHash, signature: cases.headSignature })
    .from(cases)
    .where(eq(cases.caseNo, caseNo));
  if (!row) return undefined;
  if (row.seq === null || !row.hash || !row.signature) return 'not_intact'; // a case recorded before heads were signed
  const head = { seq: row.seq, hash: row.hash };
  const signature = Buffer.from(row.signature, 'base64');
  if (signature.length !== 64 || !verify(null, Buffer.from(headPayload(caseNo, head)), publicKey, signature)) {
    return 'not_intact';
  }
  const rows = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(asc(caseEvents.seq));
  // The workflow stamped ISO instants; PostgreSQL gives its own text form: the state must read as the workflow's.
  const events = rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  if (verifyChain(caseNo, events, head).length > 0) return 'not_intact';
  let state: CaseState | undefined;
  for (const e of events) state = evolve(state, { type: e.type, at: e.at, actor: e.actor, data: e.data } as CaseEvent);
  return state ? { state, chain: head } : undefined;
}
