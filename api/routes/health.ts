import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';
import Type from 'typebox';
import type { ApiDeps } from '../app.ts';

export const healthRoutes =
  (deps: ApiDeps): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: {
          summary: '健康检查：PostgreSQL 与 Temporal 均可用时为 ok',
          response: {
            200: Type.Object({ status: Type.Literal('ok') }),
            503: Type.Object(
              { status: Type.Literal('unavailable'), postgres: Type.Boolean(), temporal: Type.Boolean() },
              { description: '某个组件不可用' },
            ),
          },
        },
      },
      async (_request, reply) => {
        const [database, engine] = await Promise.all([
          deps.db.execute(sql`SELECT 1`).then(
            () => true,
            () => false,
          ),
          deps.temporal
            .withDeadline(Date.now() + 2000, () => deps.temporal.workflowService.getSystemInfo({}))
            .then(
              () => true,
              () => false,
            ),
        ]);
        if (database && engine) return { status: 'ok' };
        return reply.status(503).send({ status: 'unavailable', postgres: database, temporal: engine });
      },
    );
  };
