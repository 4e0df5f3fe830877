/**
 * Backfill: cases recorded before a read model (supervision facts and rollups, review tasks, ratings, the case row's
 * snapshot) or the signed chain head existed got them only at their next step. This brings every case up to date
 * from its event log alone, through the recording statement the worker uses (activities/recordCase.ts), so the
 * figures are the ones the steps would have written. Idempotent: a case whose rows already agree with its fold is
 * not written at all, so a second run changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { writeCaseRecord } from '../activities/recordCase.ts';
import type { SigningKey } from '../infra/signingKey.ts';
import { replay, type CaseEvent } from '../rules/caseModel.ts';
import type { Database } from './client.ts';

export interface BackfillReport {
  /** Cases with at least one event. */
  cases: number;
  /** Cases whose read models were (re)written from the fold. */
  readModels: number;
  /** Cases whose chain head was signed now (none yet, or behind the record). */
  headsSigned: number;
  /** Cases left as they were. */
  unchanged: number;
  /** Cases whose events do not fold (reported, never written: see their audit). */
  unfoldable: string[];
}

interface CaseRow {
  last_seq: number;
  snapshot: unknown;
  head_seq: number | null;
  head_hash: string | null;
  head_signature: string | null;
  head_key_id: string | null;
  head_signed_at: Date | null;
}

export async function backfill(db: Database, key: SigningKey, nowMs: number): Promise<BackfillReport> {
  const sql = db.$client;
  const report: BackfillReport = { cases: 0, readModels: 0, headsSigned: 0, unchanged: 0, unfoldable: [] };
  const caseNos = await sql<Array<{ case_no: string }>>`SELECT DISTINCT case_no FROM case_events ORDER BY case_no`;
  for (const { case_no: caseNo } of caseNos) {
    report.cases++;
    const rows = await sql<
      Array<{ seq: number; type: string; at: Date; actor: unknown; data: unknown; hash: string | null }>
    >`
      SELECT seq, type, at, actor, data, hash FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
    let state;
    try {
      state = replay(
        rows.map(
          (r) => ({ type: r.type, at: new Date(r.at).toISOString(), actor: r.actor, data: r.data }) as CaseEvent,
        ),
      );
    } catch {
      state = undefined;
    }
    if (!state) {
      report.unfoldable.push(caseNo);
      continue;
    }
    const last = rows.at(-1);
    const [row] = await sql<CaseRow[]>`
      SELECT last_seq, snapshot, head_seq, head_hash, head_signature, head_key_id, head_signed_at
      FROM cases WHERE case_no = ${caseNo}`;
    const [counts] = await sql<Array<{ sv: number | null; tasks: number; rating: number }>>`
      SELECT (SELECT last_seq FROM supervision_cases WHERE case_no = ${caseNo}) AS sv,
             (SELECT count(*)::int FROM review_tasks WHERE case_no = ${caseNo}) AS tasks,
             (SELECT count(*)::int FROM ratings WHERE case_no = ${caseNo}) AS rating`;
    const readModelsStale =
      !row ||
      row.last_seq !== state.seq ||
      !isDeepStrictEqual(JSON.parse(JSON.stringify(row.snapshot)), JSON.parse(JSON.stringify(state))) ||
      counts?.sv !== state.seq ||
      counts.tasks !== state.tasks.length ||
      (state.rating !== undefined && counts.rating === 0);
    const head = last?.hash ? { seq: last.seq, hash: last.hash } : undefined;
    const headStale =
      head !== undefined && (!row?.head_signature || row.head_seq !== head.seq || row.head_hash !== head.hash);
    if (!readModelsStale && !headStale) {
      report.unchanged++;
      continue;
    }
    const kept =
      !headStale && row?.head_signature && row.head_seq !== null && row.head_hash !== null
        ? {
            signedHead: {
              seq: row.head_seq,
              hash: row.head_hash,
              signature: row.head_signature,
              keyId: row.head_key_id,
              signedAt: row.head_signed_at ? new Date(row.head_signed_at).toISOString() : null,
            },
          }
        : { signedAt: new Date(nowMs).toISOString() };
    await writeCaseRecord(db, key, state, [], head, kept);
    if (readModelsStale) report.readModels++;
    if (headStale) report.headsSigned++;
  }
  return report;
}
