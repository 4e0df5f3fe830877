/**
 * Signed checkpoints in PostgreSQL (`checkpoints`, append-only): publishing one over every case's signed head, and
 * reading the latest one, one by id, and the latest that covers a case with its inclusion proof.
 * The Merkle tree and the payload are integrity/checkpoint.ts.
 */
import { sign } from 'node:crypto';
import { desc, eq, sql as dsql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { checkpoints } from '../db/schema.ts';
import type { KeyRing } from '../infra/keyRing.ts';
import { verifyWithKeySet } from '../integrity/keySet.ts';
import {
  checkAgainstCheckpoint,
  checkpointPayload,
  inclusionProof,
  proofHolds,
  merkleRoot,
  sortLeaves,
  type CheckpointInclusion,
  type CheckpointLeaf,
} from '../integrity/checkpoint.ts';

export interface PublishedCheckpoint {
  id: number;
  at: string;
  cases: number;
  root: string;
  keyId: string;
  signature: string;
}

const iso = (value: string) => new Date(value).toISOString();

type Row = typeof checkpoints.$inferSelect;
const header = (r: Row): PublishedCheckpoint => ({
  id: r.id,
  at: iso(r.at),
  cases: r.cases,
  root: r.root,
  keyId: r.keyId,
  signature: r.signature,
});

/** Sign and append a checkpoint over the heads signed at every case's last step. */
export async function publishCheckpoint(db: Database, keys: KeyRing, atMs: number): Promise<PublishedCheckpoint> {
  const key = await keys.current();
  const heads = await db.$client<Array<{ case_no: string; head_seq: number; head_hash: string }>>`
    SELECT case_no, head_seq, head_hash FROM cases WHERE head_seq IS NOT NULL AND head_hash IS NOT NULL`;
  const leaves = sortLeaves(heads.map((h) => ({ caseNo: h.case_no, seq: h.head_seq, hash: h.head_hash })));
  const [next] = await db.$client<
    Array<{ id: string }>
  >`SELECT nextval(pg_get_serial_sequence('checkpoints', 'id')) AS id`;
  const id = Number(next?.id);
  const at = new Date(atMs).toISOString();
  const root = merkleRoot(leaves);
  const signature = sign(
    null,
    Buffer.from(checkpointPayload({ id, at, cases: leaves.length, root }), 'utf8'),
    key.privateKey,
  ).toString('base64');
  const [row] = await db
    .insert(checkpoints)
    .values({ id, at, cases: leaves.length, root, heads: leaves, keyId: key.keyId, signature })
    .returning();
  return header(row as Row);
}

export async function latestCheckpoint(db: Database): Promise<PublishedCheckpoint | undefined> {
  const [row] = await db.select().from(checkpoints).orderBy(desc(checkpoints.id)).limit(1);
  return row && header(row);
}

export async function checkpointById(db: Database, id: number): Promise<PublishedCheckpoint | undefined> {
  const [row] = await db.select().from(checkpoints).where(eq(checkpoints.id, id));
  return row && header(row);
}

function inclusion(row: Row, caseNo: string): CheckpointInclusion | undefined {
  const found = inclusionProof(row.heads as CheckpointLeaf[], caseNo);
  return found && { ...header(row), ...found };
}

/** A given checkpoint's proof for one case (undefined: no such checkpoint, or the case is not in it). */
export async function checkpointInclusion(
  db: Database,
  id: number,
  caseNo: string,
): Promise<CheckpointInclusion | undefined> {
  const [row] = await db.select().from(checkpoints).where(eq(checkpoints.id, id));
  return row && inclusion(row, caseNo);
}

/** The latest checkpoint that holds a head for the case, with its proof. */
export async function latestCovering(db: Database, caseNo: string): Promise<CheckpointInclusion | undefined> {
  const [row] = await db
    .select()
    .from(checkpoints)
    .where(
      dsql`jsonb_path_exists(${checkpoints.heads}, '$[*] ? (@.caseNo == $c)', jsonb_build_object('c', ${caseNo}::text))`,
    )
    .orderBy(desc(checkpoints.id))
    .limit(1);
  return row && inclusion(row, caseNo);
}

/**
 * Publish on a timer (CHECKPOINT_INTERVAL_MINUTES). With several API processes, a PostgreSQL advisory lock lets one
 * of them publish per round.
 */
export function startCheckpoints(
  db: Database,
  keys: KeyRing,
  now: () => number,
  intervalMinutes: number,
  log: (message: string, error?: unknown) => void,
): { stop: () => Promise<void> } {
  if (!(intervalMinutes > 0)) return { stop: async () => undefined };
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    await db.$client.begin(async (tx) => {
      const [lock] = await tx<Array<{ ok: boolean }>>`SELECT pg_try_advisory_xact_lock(7242001) AS ok`;
      if (!lock?.ok) return;
      await publishCheckpoint(db, keys, now());
    });
  };
  const timer = setInterval(() => {
    running = round().catch((error) => log('checkpoint not published', error));
  }, intervalMinutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

export interface CheckpointFinding {
  checkpoint: { id: number; at: string; seq: number; keyId: string } | null;
  problems: Array<{ kind: string; seq?: number; message: string; recorded?: unknown; expected?: unknown }>;
}

/**
 * The case's record against the latest checkpoint that covers it: the checkpoint's signature (by a key of the set
 * valid at its time), its proof for the case, and the record reaching the head it holds.
 */
export async function checkCaseCheckpoint(
  db: Database,
  keys: KeyRing,
  caseNo: string,
  events: Array<{ seq: number; hash: string | null }>,
): Promise<CheckpointFinding> {
  const found = await latestCovering(db, caseNo);
  if (!found) return { checkpoint: null, problems: [] };
  const checkpoint = { id: found.id, at: found.at, seq: found.leaf.seq, keyId: found.keyId };
  const signed = verifyWithKeySet(
    await keys.published(),
    checkpointPayload(found),
    found.signature,
    found.keyId,
    found.at,
  );
  if (!signed.valid || !proofHolds(found.leaf, found.proof, found.root)) {
    return {
      checkpoint,
      problems: [
        {
          kind: 'checkpoint_signature_invalid',
          message: `第 ${found.id} 号检查点的签名或其对本办件的包含证明不成立（检查点被改动）`,
        },
      ],
    };
  }
  const problem = checkAgainstCheckpoint(events, found.leaf, found.id);
  return { checkpoint, problems: problem ? [problem] : [] };
}
