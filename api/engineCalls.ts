/**
 * One place for every call from the API to Temporal (a client interceptor, installed on the API's Client): each
 * call is timed into `engine_call_duration_seconds`, and each carries the request id of the HTTP request it serves
 * in its Temporal headers, so the worker's log of the step it causes names that request.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { withRequestId } from '../infra/requestId.ts';
import type { ApiMetrics } from './metrics.ts';
import { currentRequestId } from './requestContext.ts';

export function engineCallInterceptor(metrics: ApiMetrics): WorkflowClientInterceptor {
  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = await call();
      outcome = 'ok';
      return result;
    } finally {
      metrics.observeEngineCall(operation, outcome, (performance.now() - started) / 1000);
    }
  };
  return {
    start: (input, next) =>
      timed('start', () => next({ ...input, headers: withRequestId(input.headers, currentRequestId()) })),
    startUpdate: (input, next) =>
      timed('update', () => next({ ...input, headers: withRequestId(input.headers, currentRequestId()) })),
    startUpdateWithStart: (input, next) =>
      timed('update_with_start', () =>
        next({
          ...input,
          workflowStartHeaders: withRequestId(input.workflowStartHeaders, currentRequestId()),
          updateHeaders: withRequestId(input.updateHeaders, currentRequestId()),
        }),
      ),
    query: (input, next) => timed('query', () => next(input)),
    describe: (input, next) => timed('describe', () => next(input)),
    signal: (input, next) => timed('signal', () => next(input)),
  };
}
