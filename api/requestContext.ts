/**
 * The request id of the HTTP request being served, wherever its code runs (AsyncLocalStorage): the engine calls
 * read it to put it into their Temporal headers (api/engineCalls.ts) without every route passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { saneRequestId } from '../infra/requestId.ts';

const context = new AsyncLocalStorage<{ requestId: string }>();

export const currentRequestId = (): string | undefined => context.getStore()?.requestId;

/** Fastify's own request id: the client's `X-Request-Id` when sane, else a new UUID; logged as `requestId`. */
export const requestIdOptions = {
  genReqId: (request) => saneRequestId(request.headers['x-request-id']) ?? randomUUID(),
  requestIdLogLabel: 'requestId',
} satisfies FastifyServerOptions;

/** Echo the id in the answer and make it the context of everything the request runs. */
export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    context.run({ requestId: request.id }, done);
  });
}
