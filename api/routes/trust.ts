/**
 * Lasting trust: the administrator's key rotation (密钥轮换) and checkpoint publication, and the public checkpoints
 * (检查点) — signed Merkle roots over every case's chain head — with a case's inclusion proof.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { rotateSigningKey } from '../../infra/keyRing.ts';
import type { ApiDeps } from '../app.ts';
import { checkpointById, checkpointInclusion, latestCheckpoint, publishCheckpoint } from '../checkpointStore.ts';
import { ApiError } from '../errors.ts';
import { keyRingOf } from '../keys.ts';
import { errors } from '../schemas.ts';
import { Checkpoint, CheckpointWithProof, Rotation } from '../schemas/trust.ts';

const strict = { additionalProperties: false } as const;
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, strict);
const CaseQuery = Type.Object(
  { caseNo: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' })) },
  strict,
);

const RotationBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, description: '轮换原因（例行轮换、密钥疑似泄露等）' }) },
  strict,
);

const noCheckpoint = (message: string, field?: string) => new ApiError(404, 'checkpoint_not_found', message, field);

export const trustRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/admin/signing-keys/rotation',
      {
        config: { access: 'keys.rotate' },
        schema: {
          summary: '轮换签名密钥：生成新密钥并自此启用，当前密钥停用（已签的不变）',
          body: RotationBody,
          response: { 201: Rotation, ...errors(422, 503) },
        },
      },
      async (request, reply) => {
        const reason = request.body.reason.trim();
        if (!reason) throw new ApiError(422, 'reason_required', '轮换密钥必须说明原因', 'reason');
        if (!deps.keysDir || !deps.keys) {
          throw new ApiError(503, 'rotation_unavailable', '本服务未配置密钥目录（SIGNING_KEYS_DIR），无法轮换密钥');
        }
        const rotated = await rotateSigningKey(deps.db, deps.signingKey, deps.keysDir, deps.clock.now(), reason);
        deps.keys.invalidate();
        return reply.code(201).send({ ...rotated, keys: await deps.keys.published() });
      },
    );

    app.post(
      '/admin/checkpoints',
      {
        config: { access: 'checkpoint.publish' },
        schema: {
          summary: '立即发布一个检查点（平时按 CHECKPOINT_INTERVAL_MINUTES 定时发布）',
          response: { 201: Checkpoint },
        },
      },
      async (_request, reply) =>
        reply.code(201).send(await publishCheckpoint(deps.db, keyRingOf(deps), deps.clock.now())),
    );

    app.get(
      '/checkpoints/latest',
      {
        config: { access: 'checkpoint.read' },
        schema: {
          summary: '最新的检查点（全部办件链头的默克尔根，中心签名）',
          response: { 200: Checkpoint, ...errors(404) },
        },
      },
      async () => (await latestCheckpoint(deps.db)) ?? Promise.reject(noCheckpoint('尚未发布任何检查点')),
    );

    app.get(
      '/checkpoints/:id',
      {
        config: { access: 'checkpoint.read' },
        schema: {
          summary: '某一检查点；给出 caseNo 时附该办件链头及其包含证明',
          params: IdParams,
          querystring: CaseQuery,
          response: { 200: CheckpointWithProof, ...errors(404) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { caseNo } = request.query;
        if (caseNo === undefined) {
          return (await checkpointById(deps.db, id)) ?? Promise.reject(noCheckpoint(`检查点 ${id} 不存在`, 'id'));
        }
        const found = await checkpointInclusion(deps.db, id, caseNo);
        if (!found) throw noCheckpoint(`检查点 ${id} 不存在，或不含办件 ${caseNo}`, 'caseNo');
        return found;
      },
    );
  };
