/**
 * Counting failures, not requests (wrong passwords, wrong query codes), with @fastify/rate-limit's own store: once
 * `max` failures from one key fall within the window, further attempts answer 429 until it passes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';

export interface FailureLimit {
  /** 429 when the key has used up its failures. */
  check(request: FastifyRequest): Promise<void>;
  /** Counts one failure. */
  fail(request: FastifyRequest): Promise<void>;
}

const FAILURE_WINDOW_MS = 15 * 60_000;

export function failureLimit(
  app: FastifyInstance,
  max: number,
  key: (request: FastifyRequest) => string,
  message: string,
): FailureLimit {
  const limiter = app.createRateLimit({ max, timeWindow: FAILURE_WINDOW_MS, keyGenerator: key });
  return {
    async check(request) {
      const state = await limiter(request, { increment: false });
      if (!state.isAllowed && state.remaining <= 0) {
        throw new ApiError(
          429,
          'too_many_failures',
          `${message}，请在 ${Math.max(1, Math.ceil(state.ttl / 60_000))} 分钟后重试`,
        );
      }
    },
    async fail(request) {
      await limiter(request);
    },
  };
}
