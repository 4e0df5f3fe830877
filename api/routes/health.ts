import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { withTimeout } from '../../infra/timeout.ts';
import type { ApiDeps } from '../app.ts';

/** Each dependency gets this long to answer a readiness check: a probe must answer well within its own timeout. */
export const READY_TIMEOUT_MS = 2000;

export const healthRoutes =
  (deps: ApiDeps): FastifyPluginAsync =>
  async (app) => {
    // Liveness: the process answers. It checks nothing else, so an outage of PostgreSQL or Temporal does not get
    // the API restarted by its supervisor (it recovers by itself when they come back).
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: {
          summary: '存活检查：进程可应答即为 ok（不检查依赖）',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' }),
    );
    // Readiness: can it serve? Both dependencies, each with a short timeout; 503 names the part that failed.
    app.get(
      '/health/ready',
      {
        config: { access: 'public' },
        schema: {
          summary: '就绪检查：PostgreSQL 与 Temporal 均在时限内应答时为 ok，否则 503 并指明哪一项不可用',
          response: {
            200: Type.Object({ status: Type.Literal('ok'), postgres: Type.Boolean(), temporal: Type.Boolean() }),
            503: Type.Object(
              { status: Type.Literal('unavailable'), postgres: Type.Boolean(), temporal: Type.Boolean() },
              { description: '某个组件不可用' },
            ),
          },
        },
      },
      async (request, reply) => {
        const [postgres, temporal] = await Promise.all([
          withTimeout(deps.db.execute(sql`SELECT 1`), READY_TIMEOUT_MS, 'PostgreSQL').then(
            () => true,
            (error: unknown) => (request.log.warn({ err: error }, 'readiness: PostgreSQL failed'), false),
          ),
          deps.temporal
            .withDeadline(Date.now() + READY_TIMEOUT_MS, () => deps.temporal.workflowService.getSystemInfo({}))
            .then(
              () => true,
              (error: unknown) => (request.log.warn({ err: error }, 'readiness: Temporal failed'), false),
            ),
        ]);
        if (postgres && temporal) return { status: 'ok', postgres, temporal };
        return reply.status(503).send({ status: 'unavailable', postgres, temporal });
      },
    );
  };
