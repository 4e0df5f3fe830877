/**
 * A deliberately nondeterministic change, for the replay test's own proof that it catches one: a workflow
 * interceptor that sleeps for a millisecond before every local activity, i.e. before the case workflow writes its
 * record. Bundled together with the real `workflows/caseWorkflow.ts`, the code then issues a timer where every
 * recorded history has the record's marker. Never used by a worker.
 */
import { sleep, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleLocalActivity(input, next) {
        await sleep(1);
        return next(input);
      },
    },
  ],
});
