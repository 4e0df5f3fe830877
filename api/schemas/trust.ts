/** Key rotation and checkpoints. */
import Type from 'typebox';
import { Instant, nullable } from './common.ts';

const Key = Type.Object({
  keyId: Type.String(),
  publicKeyPem: Type.String(),
  validFrom: nullable(Instant),
  validUntil: nullable(Instant),
});

export const Rotation = Type.Object({ retired: Type.String(), current: Key, keys: Type.Array(Key) });

export const Checkpoint = Type.Object({
  id: Type.Integer(),
  at: Instant,
  cases: Type.Integer(),
  root: Type.String({ description: 'Merkle root (SHA-256, hex) over the cases’ heads sorted by case number' }),
  keyId: Type.String(),
  signature: Type.String({
    description: 'Ed25519 (base64) over JCS {kind: "case-heads-checkpoint", id, at, cases, root}',
  }),
});

export const CheckpointWithProof = Type.Object({
  ...Checkpoint.properties,
  leaf: Type.Optional(Type.Object({ caseNo: Type.String(), seq: Type.Integer(), hash: Type.String() })),
  index: Type.Optional(Type.Integer()),
  proof: Type.Optional(Type.Array(Type.Object({ side: Type.String(), hash: Type.String() }))),
});
