import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { errors, fileReply } from '../schemas.ts';
import type { ApiMetrics } from '../metrics.ts';

/**
 * Who may scrape: with METRICS_TOKEN set, whoever sends it as a bearer token; without it, only a client on this
 * machine (the socket's own address, not a forwarded one). Staff roles play no part: a scraper is no staff member,
 * and the figures name no person.
 */
export function mayScrape(request: Pick<FastifyRequest, 'headers'> & { socketAddress?: string }, token?: string) {
  if (token !== undefined) {
    const given = Buffer.from(request.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  return isLoopback(request.socketAddress);
}

export const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));

export const metricsRoutes =
  (metrics: ApiMetrics, token: string | undefined): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/metrics',
      {
        config: { access: 'public' },
        schema: {
          summary: 'Prometheus 指标（文本格式）：本机访问，或设置 METRICS_TOKEN 后凭 Bearer 令牌访问',
          response: { 200: fileReply('Prometheus 文本格式的指标', 'text/plain'), ...errors(403) },
        },
      },
      async (request, reply) => {
        if (!mayScrape({ headers: request.headers, socketAddress: request.raw.socket.remoteAddress }, token)) {
          throw new ApiError(403, 'metrics_forbidden', '无权读取监控指标：请在本机访问或提供 METRICS_TOKEN 令牌');
        }
        const text = await metrics.registry.metrics();
        return reply.type(metrics.registry.contentType).send(text);
      },
    );
  };
