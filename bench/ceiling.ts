/**
 * The ceiling side of the benchmark: a Worker for the minimal workflow (bench/ceilingWorkflow.ts), created inside the
 * bench process on its own task queue of the stack's dev server, and a client that drives it straight through
 * @temporalio/client with the calls an application makes: submit (update-with-start), accept, two opinions at once.
 */
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { workerTuning } from '../worker.ts';
import { benchCeiling, ceilingAccept, ceilingOpinion, ceilingSubmit } from './ceilingWorkflow.ts';

const CEILING_TASK_QUEUE = 'bench-ceiling';

type WorkerTuning = ReturnType<typeof workerTuning>;

export interface Ceiling {
  /** The Worker's effective settings (SDK defaults filled in). */
  settings: { maxCachedWorkflows: number; workflowSlots: string; localActivitySlots: string };
  /** One application's worth of Updates; `timed` measures each call under its name. */
  runOne(id: string, timed: <T>(name: string, fn: () => Promise<T>) => Promise<T>): Promise<void>;
  stop(): Promise<void>;
}

function slots(supplier: unknown): string {
  const s = supplier as { type?: string; numSlots?: number } | undefined;
  return s?.type === 'fixed-size' ? String(s.numSlots) : (s?.type ?? '?');
}

export async function startCeiling(address: string, namespace: string, tuning: WorkerTuning): Promise<Ceiling> {
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue: CEILING_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./ceilingWorkflow.ts', import.meta.url)),
    identity: `bench-ceiling-${process.pid}`,
    ...tuning,
    shutdownGraceTime: '5 seconds',
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const tuner = worker.options.tuner as unknown as Record<string, unknown>;

  return {
    settings: {
      maxCachedWorkflows: worker.options.maxCachedWorkflows,
      workflowSlots: slots(tuner.workflowTaskSlotSupplier),
      localActivitySlots: slots(tuner.localActivityTaskSlotSupplier),
    },
    async runOne(id, timed) {
      // The same options as the API's submitCase: the id is the case, a retry reaches the same workflow.
      const start = new WithStartWorkflowOperation(benchCeiling, {
        workflowId: id,
        taskQueue: CEILING_TASK_QUEUE,
        args: [],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      await timed('ceiling submit (update-with-start)', () =>
        client.workflow.executeUpdateWithStart(ceilingSubmit, {
          args: [id],
          updateId: `submit:${id}`,
          startWorkflowOperation: start,
        }),
      );
      const handle = await start.workflowHandle();
      await timed('ceiling accept', () => handle.executeUpdate(ceilingAccept, { args: ['bench'] }));
      const replies = await Promise.all(
        ['opinion 1', 'opinion 2'].map((opinion) =>
          timed('ceiling opinion', () => handle.executeUpdate(ceilingOpinion, { args: [opinion] })),
        ),
      );
      if (!replies.includes('approved')) throw new Error(`ceiling workflow ${id}: no approval in ${replies}`);
    },
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export const ceilingId = (round: string, i: number) => `ceiling-${round}-${i}-${randomUUID()}`;
