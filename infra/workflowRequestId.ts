/**
 * Workflow interceptors (bundled with the workflow, registered by worker.ts): the request id that came with an
 * Update in its Temporal header goes on to the local activity that Update schedules (the record step), so the
 * worker's log line of that step names the HTTP request that caused it. Headers are not commands: the workflow's
 * history and its replay stay the same, and the workflow's code and inputs do not change.
 */
import { currentUpdateInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { requestIdOf, withRequestId } from './requestId.ts';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Several Updates can be in flight at once: each keeps its own id until its handler returns.
  const byUpdate = new Map<string, string>();
  return {
    inbound: [
      {
        async handleUpdate(input, next) {
          const requestId = requestIdOf(input.headers);
          if (requestId) byUpdate.set(input.updateId, requestId);
          try {
            return await next(input);
          } finally {
            byUpdate.delete(input.updateId);
          }
        },
      },
    ],
    outbound: [
      {
        scheduleLocalActivity(input, next) {
          const updateId = currentUpdateInfo()?.id;
          const requestId = updateId ? byUpdate.get(updateId) : undefined;
          return next({ ...input, headers: withRequestId(input.headers, requestId) });
        },
      },
    ],
  };
};
