/**
 * The case workflow on a local Temporal dev server (the pinned CLI, started by `@temporalio/testing`), hosted by a
 * Worker with the real workflow bundle and an in-memory `recordCase`: these tests are about the workflow's own logic
 * (timers, continue-as-new, reopening, retried Updates), not about the record, which the integration suite covers.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import type { ChainedCaseEvent } from '../../activities/recordCase.ts';
import type { ClockParams } from '../../infra/clock.ts';
import { loadSettings } from '../../infra/config.ts';
import { findTemporalCli } from '../../infra/temporalCli.ts';
import { waitUntil } from '../../infra/processes.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { caseUpdates, type CaseWorkflowInput } from '../../workflows/caseMessages.ts';
import type { caseWorkflow } from '../../workflows/caseWorkflow.ts';

const workflowsPath = fileURLToPath(new URL('../../workflows/caseWorkflow.ts', import.meta.url));

/** Every event the workflow asked to record, per case, in the order it asked. */
class Recorder {
  readonly events = new Map<string, ChainedCaseEvent[]>();
  calls = 0;

  async recordCase(events: ChainedCaseEvent[], state: CaseState): Promise<void> {
    this.calls += 1;
    this.events.set(state.caseNo, [...(this.events.get(state.caseNo) ?? []), ...events]);
  }

  of(caseNo: string): ChainedCaseEvent[] {
    return this.events.get(caseNo) ?? [];
  }
}

export interface Harness {
  env: TestWorkflowEnvironment;
  recorder: Recorder;
  taskQueue: string;
  start(input: CaseWorkflowInput): Promise<WorkflowHandle<typeof caseWorkflow>>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  // createLocal's default downloads the CLI at run time; the project's pinned one works offline.
  const path = await findTemporalCli(loadSettings().temporal.cli);
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path }, extraArgs: ['--headless'] },
  });
  const recorder = new Recorder();
  const taskQueue = 'case-workflow-test';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowsPath,
    activities: { recordCase: recorder.recordCase.bind(recorder) },
  });
  const running = worker.run();
  return {
    env,
    recorder,
    taskQueue,
    start: (input) =>
      env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
        workflowId: input.caseNo,
        taskQueue,
        args: [input],
      }),
    close: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** The clock of a case whose virtual "now" is `virtualNowMs` as the test starts, `speed` times real time. */
export function clockAt(virtualNowMs: number, speed = 1): ClockParams {
  return { startMs: virtualNowMs, anchorMs: Date.now(), speed };
}

export { caseUpdates };

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  await waitUntil(async () => check(), { what, timeoutMs });
}
