/**
 * The tamper-evident record (防篡改): every event of a case carries the SHA-256 of the event before it, so changing,
 * deleting or reordering any row breaks the chain; the chain head (last sequence number and hash) is also held by
 * the case's workflow, outside PostgreSQL, so a rewritten chain or a cut tail shows too.
 *
 * Encoding: the hash of event n is SHA-256 (hex) over the RFC 8785 canonical JSON (JCS) of
 * `{ caseNo, seq, type, at, actor, data, prev }`, where `at` is the ISO-8601 UTC instant with milliseconds and `prev`
 * is the hash of event n-1 (64 zeros for the first). Pure: runs in the workflow sandbox and offline verifiers.
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Actor } from '../rules/caseModel.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

/** An event as the record holds it, with its place in the chain. */
export interface ChainedEvent {
  seq: number;
  type: string;
  at: string;
  actor: Actor | unknown;
  data: unknown;
  prevHash: string | null;
  hash: string | null;
}

function canonicalEvent(
  caseNo: string,
  e: { seq: number; type: string; at: string; actor: unknown; data: unknown },
  prev: string,
): string {
  const encoded = canonicalize({
    caseNo,
    seq: e.seq,
    type: e.type,
    at: new Date(e.at).toISOString(),
    actor: e.actor,
    data: e.data,
    prev,
  });
  if (encoded === undefined) throw new Error(`event ${e.seq} of ${caseNo} cannot be encoded`);
  return encoded;
}

function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function eventHash(
  caseNo: string,
  e: { seq: number; type: string; at: string; actor: unknown; data: unknown },
  prev: string,
): string {
  return sha256Hex(canonicalEvent(caseNo, e, prev));
}

/** Chain a step's new events onto the head; returns each event's (prev, hash) and the new head. */
export function extendChain<E extends { type: string; at: string; actor: unknown; data: unknown }>(
  caseNo: string,
  head: ChainHead | undefined,
  firstSeq: number,
  events: E[],
): { chained: Array<E & { seq: number; prevHash: string; hash: string }>; head: ChainHead } {
  let prev = head?.hash ?? GENESIS_HASH;
  const chained = events.map((e, i) => {
    const seq = firstSeq + i;
    const hash = eventHash(caseNo, { ...e, seq }, prev);
    const row = { ...e, seq, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  const last = chained.at(-1);
  return { chained, head: last ? { seq: last.seq, hash: last.hash } : (head ?? { seq: 0, hash: GENESIS_HASH }) };
}

type ChainProblemKind =
  | 'sequence_gap'
  | 'hash_missing'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'head_mismatch'
  | 'tail_missing'
  | 'head_unavailable'
  | 'unconfirmed_events'
  | 'head_signature_invalid';

export interface ChainProblem {
  kind: ChainProblemKind;
  seq?: number;
  message: string;
  recorded?: unknown;
  expected?: unknown;
}

/**
 * Check a case's events (in the order the record returns them, by sequence number) against their hashes and
 * against the head the engine holds. Reports every problem found, each with the sequence number it concerns.
 */
export function verifyChain(
  caseNo: string,
  events: ChainedEvent[],
  head: ChainHead | undefined | null,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    if (e.seq !== expectedSeq) {
      problems.push({
        kind: 'sequence_gap',
        seq: e.seq,
        message: `事件序号不连续：应为 ${expectedSeq}，记录为 ${e.seq}（事件被删除或调换）`,
        recorded: e.seq,
        expected: expectedSeq,
      });
    }
    expectedSeq = e.seq + 1;
    if (!e.hash || !e.prevHash) {
      problems.push({ kind: 'hash_missing', seq: e.seq, message: `事件 ${e.seq} 没有哈希值` });
      prev = e.hash ?? prev;
      continue;
    }
    if (e.prevHash !== prev) {
      problems.push({
        kind: 'prev_hash_mismatch',
        seq: e.seq,
        message: `事件 ${e.seq} 记录的前一事件哈希与前一事件不符（前面的事件被删除、调换或改动）`,
        recorded: e.prevHash,
        expected: prev,
      });
    }
    const actual = eventHash(caseNo, e, e.prevHash);
    if (actual !== e.hash) {
      problems.push({
        kind: 'hash_mismatch',
        seq: e.seq,
        message: `事件 ${e.seq}（${e.type}）的内容与其哈希不符（内容被改动）`,
        recorded: e.hash,
        expected: actual,
      });
    }
    prev = e.hash;
  }
  const last = events.at(-1);
  if (!head) {
    problems.push({ kind: 'head_unavailable', message: '无法从审批引擎取得链头，只校验了数据库内部的链' });
  } else if (!last || last.seq < head.seq) {
    problems.push({
      kind: 'tail_missing',
      seq: head.seq,
      message: `审批引擎记录的最后事件为第 ${head.seq} 条，数据库只有 ${last?.seq ?? 0} 条（末尾事件被删除）`,
      recorded: last?.seq ?? 0,
      expected: head.seq,
    });
  } else {
    const atHead = events.find((e) => e.seq === head.seq);
    if (!atHead || atHead.hash !== head.hash) {
      problems.push({
        kind: 'head_mismatch',
        seq: head.seq,
        message: `第 ${head.seq} 条事件的哈希与审批引擎持有的链头不符（链被整体重写）`,
        recorded: atHead?.hash ?? null,
        expected: head.hash,
      });
    }
    if (last.seq > head.seq) {
      problems.push({
        kind: 'unconfirmed_events',
        seq: head.seq + 1,
        message: `第 ${head.seq + 1} 条之后的事件不在审批引擎的链中（数据库中被追加）`,
        recorded: last.seq,
        expected: head.seq,
      });
    }
  }
  return problems;
}

/**
 * What the signed chain head covers: the RFC 8785 JCS of `{ kind: 'case-chain-head', caseNo, seq, hash }`, signed
 * with the centre's Ed25519 key by the recording activity at every step and kept with the case row. Within the
 * engine's retention the workflow's own head is the stronger check (a database writer cannot touch it); after it, the
 * signature still proves the head was the system's (though not that it was the latest one signed).
 */
export function headPayload(caseNo: string, head: ChainHead): string {
  return canonicalize({ kind: 'case-chain-head', caseNo, seq: head.seq, hash: head.hash }) as string;
}
