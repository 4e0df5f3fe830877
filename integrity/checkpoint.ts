/**
 * Signed checkpoints (检查点): at a fixed interval the centre signs one Merkle root over every case's chain head, and
 * keeps every checkpoint (append-only). A case's record rolled back to an earlier signed head (rows and head restored
 * from an old copy) still verifies on its own, but no longer reaches the head a later checkpoint holds for it.
 *
 * Leaves: SHA-256 of 0x00 ‖ JCS `{caseNo, seq, hash}`, sorted by case number; inner nodes SHA-256 of
 * 0x01 ‖ left ‖ right (raw bytes); an odd node is carried up unchanged. The signature (Ed25519, base64) covers the
 * JCS of `{kind: 'case-heads-checkpoint', id, at, cases, root}`. Pure: node:crypto hashing only.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ChainedEvent } from './hashChain.ts';

export interface CheckpointLeaf {
  caseNo: string;
  seq: number;
  hash: string;
}

export interface ProofStep {
  side: 'left' | 'right';
  hash: string;
}

export interface CheckpointHeader {
  id: number;
  at: string;
  cases: number;
  root: string;
}

/** A checkpoint with one case's leaf and the path from it to the root. */
export interface CheckpointInclusion extends CheckpointHeader {
  keyId: string;
  signature: string;
  leaf: CheckpointLeaf;
  index: number;
  proof: ProofStep[];
}

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

export function leafHash(leaf: CheckpointLeaf): string {
  const json = canonicalize({ caseNo: leaf.caseNo, seq: leaf.seq, hash: leaf.hash }) as string;
  return sha(Buffer.from([0]), Buffer.from(json, 'utf8')).toString('hex');
}

function parent(left: string, right: string): string {
  return sha(Buffer.from([1]), Buffer.from(left, 'hex'), Buffer.from(right, 'hex')).toString('hex');
}

export function sortLeaves(leaves: CheckpointLeaf[]): CheckpointLeaf[] {
  return [...leaves].sort((a, b) => (a.caseNo < b.caseNo ? -1 : a.caseNo > b.caseNo ? 1 : 0));
}

/** The levels of the tree, leaves first; the root of no leaves is SHA-256 of nothing. */
function levels(leaves: CheckpointLeaf[]): string[][] {
  const result = [leaves.map(leafHash)];
  for (let level = result[0] as string[]; level.length > 1;) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? (level[i] as string) : parent(level[i] as string, right));
    }
    result.push(next);
    level = next;
  }
  return result;
}

/** The Merkle root over the leaves (sorted here by case number). */
export function merkleRoot(leaves: CheckpointLeaf[]): string {
  if (leaves.length === 0) return sha().toString('hex');
  return levels(sortLeaves(leaves)).at(-1)?.[0] as string;
}

/** The path from the case's leaf to the root, or undefined when the case is not in the checkpoint. */
export function inclusionProof(
  leaves: CheckpointLeaf[],
  caseNo: string,
): { leaf: CheckpointLeaf; index: number; proof: ProofStep[] } | undefined {
  const sorted = sortLeaves(leaves);
  const index = sorted.findIndex((l) => l.caseNo === caseNo);
  const leaf = sorted[index];
  if (!leaf) return undefined;
  const proof: ProofStep[] = [];
  let i = index;
  for (const level of levels(sorted).slice(0, -1)) {
    const sibling = i % 2 === 0 ? level[i + 1] : level[i - 1];
    if (sibling !== undefined) proof.push({ side: i % 2 === 0 ? 'right' : 'left', hash: sibling });
    i = Math.floor(i / 2);
  }
  return { leaf, index, proof };
}

/** Whether the proof leads from the leaf to the root. */
export function proofHolds(leaf: CheckpointLeaf, proof: ProofStep[], root: string): boolean {
  let hash = leafHash(leaf);
  for (const step of proof) {
    if (!/^[0-9a-f]{64}$/.test(step.hash)) return false;
    hash = step.side === 'left' ? parent(step.hash, hash) : parent(hash, step.hash);
  }
  return hash === root;
}

/** What a checkpoint's signature covers. */
export function checkpointPayload(c: CheckpointHeader): string {
  return canonicalize({ kind: 'case-heads-checkpoint', id: c.id, at: c.at, cases: c.cases, root: c.root }) as string;
}

export type CheckpointProblemKind = 'checkpoint_rollback' | 'checkpoint_head_mismatch';

export interface CheckpointProblem {
  kind: CheckpointProblemKind;
  seq: number;
  message: string;
  recorded?: unknown;
  expected?: unknown;
}

/**
 * Does the case's record still reach the head the checkpoint holds for it? The record may have grown since (later
 * steps), never shrunk, and its event at that sequence number must have that hash.
 */
export function checkAgainstCheckpoint(
  events: Array<Pick<ChainedEvent, 'seq' | 'hash'>>,
  leaf: CheckpointLeaf,
  checkpointId: number,
): CheckpointProblem | undefined {
  const last = events.at(-1)?.seq ?? 0;
  if (last < leaf.seq) {
    return {
      kind: 'checkpoint_rollback',
      seq: leaf.seq,
      message: `第 ${checkpointId} 号检查点记录该办件已有 ${leaf.seq} 条事件，现存记录只到第 ${last} 条（记录被回滚到更早的状态）`,
      recorded: last,
      expected: leaf.seq,
    };
  }
  const event = events.find((e) => e.seq === leaf.seq);
  if (event?.hash !== leaf.hash) {
    return {
      kind: 'checkpoint_head_mismatch',
      seq: leaf.seq,
      message: `第 ${leaf.seq} 条事件的哈希与第 ${checkpointId} 号检查点所记不符（记录被改写）`,
      recorded: event?.hash ?? null,
      expected: leaf.hash,
    };
  }
  return undefined;
}
