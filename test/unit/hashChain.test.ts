/**
 * verifyChain (integrity/hashChain.ts) on a real case's record: each kind of tampering gives its own problem, at the
 * place it happened; the untouched record and the engine's head agree.
 */
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, eventHash, verifyChain, type ChainProblem } from '../../integrity/hashChain.ts';
import { CASE_NO, fullReviewPath, type RecordRow } from './auditPaths.ts';

const path = fullReviewPath();
const fresh = () => structuredClone(path.record());
const kinds = (problems: ChainProblem[]) => problems.map((p) => `${p.kind}@${p.seq ?? '-'}`);

/** Rewrite every hash from the first row on, as someone with write access to the table could. */
function rechain(rows: RecordRow[]): void {
  let prev = GENESIS_HASH;
  for (const r of rows) {
    r.prevHash = prev;
    r.hash = eventHash(CASE_NO, r, prev);
    prev = r.hash;
  }
}

describe('verifyChain', () => {
  it('an untouched record matches its hashes and the head the engine holds', () => {
    const { rows, head } = fresh();
    expect(rows.length).toBeGreaterThan(20);
    expect(head).toEqual({ seq: rows.length, hash: rows.at(-1)?.hash });
    expect(verifyChain(CASE_NO, rows, head)).toEqual([]);
  });

  it('hash_mismatch: a changed payload', () => {
    const { rows, head } = fresh();
    (rows[4]!.data as Record<string, unknown>).reason = '改过的理由';
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual([`hash_mismatch@5`]);
  });

  it('a time edited is a changed payload too (the instant is in the hash)', () => {
    const { rows, head } = fresh();
    rows[2]!.at = '2026-07-06T01:00:00.000Z';
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual([`hash_mismatch@3`]);
  });

  it('sequence_gap and prev_hash_mismatch: a deleted middle event', () => {
    const { rows, head } = fresh();
    rows.splice(6, 1);
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual([`sequence_gap@8`, `prev_hash_mismatch@8`]);
  });

  it('tail_missing: the last events deleted', () => {
    const { rows, head } = fresh();
    rows.splice(-2, 2);
    const problems = verifyChain(CASE_NO, rows, head);
    expect(kinds(problems)).toEqual([`tail_missing@${head.seq}`]);
    expect(problems[0]).toMatchObject({ recorded: head.seq - 2, expected: head.seq });
  });

  it('every event deleted: the engine still knows the case had a record', () => {
    const { head } = fresh();
    expect(kinds(verifyChain(CASE_NO, [], head))).toEqual([`tail_missing@${head.seq}`]);
  });

  it('two events swapped (their sequence numbers exchanged)', () => {
    const { rows, head } = fresh();
    const [a, b] = [rows[5]!, rows[6]!];
    [a.seq, b.seq] = [b.seq, a.seq];
    rows.splice(5, 2, b, a);
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual([
      'prev_hash_mismatch@6',
      'hash_mismatch@6',
      'prev_hash_mismatch@7',
      'hash_mismatch@7',
      'prev_hash_mismatch@8',
    ]);
  });

  it('head_mismatch: the whole chain recomputed after an edit; only the engine’s head shows it', () => {
    const { rows, head } = fresh();
    (rows[1]!.data as Record<string, unknown>).statutoryDue = '2026-12-31';
    rechain(rows);
    expect(kinds(verifyChain(CASE_NO, rows, null)).filter((k) => !k.startsWith('head_unavailable'))).toEqual([]);
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual([`head_mismatch@${head.seq}`]);
  });

  it('hash_missing: a row without its hashes', () => {
    const { rows, head } = fresh();
    rows[3]!.hash = null;
    rows[3]!.prevHash = null;
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual(['hash_missing@4', 'prev_hash_mismatch@5']);
  });

  it('unconfirmed_events: rows appended past the head the engine holds', () => {
    const { rows, head } = fresh();
    const extra = { ...structuredClone(rows.at(-1)!), seq: head.seq + 1, prevHash: head.hash };
    extra.hash = eventHash(CASE_NO, extra, head.hash);
    rows.push(extra);
    expect(kinds(verifyChain(CASE_NO, rows, head))).toEqual([`unconfirmed_events@${head.seq + 1}`]);
  });

  it('head_unavailable: without the engine only the record’s own chain is checked', () => {
    const { rows } = fresh();
    expect(kinds(verifyChain(CASE_NO, rows, undefined))).toEqual(['head_unavailable@-']);
  });
});
