/**
 * The Temporal worker hosting the case workflows and their activities. Runs on its own (`npm run worker`) or under the
 * launcher. Env: DATABASE_URL and TEMPORAL_ADDRESS (required); TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TLS / API key
 * (infra/temporalConfig.ts); WORKER_DB_POOL (10), WORKER_CACHE_SIZE, WORKER_WORKFLOW_SLOTS, WORKER_ACTIVITY_SLOTS,
 * WORKER_LOG_LEVEL (WARN); CERTIFICATE_SIGNING_KEY / CERTIFICATE_SIGNING_KEY_FILE / DATA_DIR (infra/signingKey.ts);
 * WORKFLOWS_PATH (test-only: another workflow module, e.g. the upgrade test's v2).
 */
import { fileURLToPath } from 'node:url';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities } from './activities/index.ts';
import { createDatabase } from './db/client.ts';
import { requireEnv } from './infra/env.ts';
import { signingKeyFromEnv } from './infra/signingKey.ts';
import { connectionOptions, temporalSettings } from './infra/temporalConfig.ts';

export const defaultWorkflowsPath = fileURLToPath(new URL('./workflows/caseWorkflow.ts', import.meta.url));

const optionalNumber = (value: string | undefined) => (value ? Number(value) : undefined);

/** The worker's capacity and scheduling settings (the benchmark gives its ceiling Worker the same). */
export function workerTuning(env: NodeJS.ProcessEnv = process.env) {
  const cache = optionalNumber(env.WORKER_CACHE_SIZE);
  const workflowSlots = optionalNumber(env.WORKER_WORKFLOW_SLOTS);
  const activitySlots = optionalNumber(env.WORKER_ACTIVITY_SLOTS);
  return {
    ...(cache !== undefined ? { maxCachedWorkflows: cache } : {}),
    ...(workflowSlots !== undefined ? { maxConcurrentWorkflowTaskExecutions: workflowSlots } : {}),
    ...(activitySlots !== undefined ? { maxConcurrentLocalActivityExecutions: activitySlots } : {}),
    // A case's next task goes first to the worker that cached it; if that worker died, the engine moves the task to
    // the shared queue after this long (default 10 s, during which the case answers nothing).
    stickyQueueScheduleToStartTimeout: '3 seconds',
  } satisfies Partial<WorkerOptions>;
}

export async function startWorker(env: NodeJS.ProcessEnv = process.env) {
  const settings = temporalSettings(env);
  const database = createDatabase(requireEnv(env, 'DATABASE_URL'), { max: Number(env.WORKER_DB_POOL ?? 10) });
  const connection = await NativeConnection.connect(connectionOptions(settings));
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowsPath: env.WORKFLOWS_PATH || defaultWorkflowsPath,
    activities: createActivities(database.db, signingKeyFromEnv(env)),
    identity: `worker-${process.pid}`,
    ...workerTuning(env),
    shutdownGraceTime: '5 seconds',
  });
  const running = worker.run();
  return {
    worker,
    running,
    close: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await database.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  Runtime.install({ logger: new DefaultLogger((process.env.WORKER_LOG_LEVEL as LogLevel) || 'WARN') });
  const started = await startWorker();
  console.log(`worker polling task queue ${temporalSettings().taskQueue}`);
  // The launcher waits for this message before it sends work.
  process.send?.('ready');
  const stop = async () => {
    await started.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  started.running.catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
