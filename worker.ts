/**
 * The Temporal worker hosting the case workflows and their activities. Runs on its own (`npm run worker`) or under the
 * launcher; its settings come from infra/config.ts (docs/configuration.md). `--workflows-path <module>` (test harness
 * only) hosts another workflow module, e.g. the upgrade test's v2.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.ts';
import { createDatabase } from './db/client.ts';
import { loadSettings, required, type Settings } from './infra/config.ts';
import { createKeyRing } from './infra/keyRing.ts';
import { loadSigningKey } from './infra/signingKey.ts';
import { connectionOptions, temporalSettings } from './infra/temporalConfig.ts';
import { activityTelemetry, workerRuntimeOptions, workflowInterceptorModules } from './infra/workerTelemetry.ts';

export const defaultWorkflowsPath = fileURLToPath(new URL('./workflows/caseWorkflow.ts', import.meta.url));

/** The worker's capacity and scheduling settings (the benchmark gives its ceiling Worker the same). */
export function workerTuning(worker: Settings['worker']) {
  const { cacheSize: cache, workflowSlots, activitySlots } = worker;
  return {
    ...(cache !== undefined ? { maxCachedWorkflows: cache } : {}),
    ...(workflowSlots !== undefined ? { maxConcurrentWorkflowTaskExecutions: workflowSlots } : {}),
    ...(activitySlots !== undefined ? { maxConcurrentLocalActivityExecutions: activitySlots } : {}),
    // A case's next task goes first to the worker that cached it; if that worker died, the engine moves the task to
    // the shared queue after this long (default 10 s, during which the case answers nothing).
    stickyQueueScheduleToStartTimeout: '3 seconds',
  } satisfies Partial<WorkerOptions>;
}

/** Knobs only the test harness turns (command-line flags, not configuration). */
export interface WorkerTestOptions {
  workflowsPath?: string;
}

export async function startWorker(config: Settings, testing: WorkerTestOptions = {}) {
  const settings = temporalSettings(config.temporal);
  const databaseUrl = required(config.databaseUrl, 'DATABASE_URL', 'the PostgreSQL of the case record');
  const database = createDatabase(databaseUrl, { max: config.worker.dbPool, ...config.database });
  const connection = await NativeConnection.connect(connectionOptions(settings));
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowsPath: testing.workflowsPath ?? defaultWorkflowsPath,
    activities: createActivities(
      database.db,
      createKeyRing(database.db, loadSigningKey(config.signing, config.dataDir), config.signing.keysDir),
    ),
    identity: `worker-${process.pid}`,
    interceptors: { workflowModules: workflowInterceptorModules, activity: [activityTelemetry] },
    ...workerTuning(config.worker),
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
  const settings = loadSettings();
  const { values } = parseArgs({ options: { 'workflows-path': { type: 'string' } } });
  Runtime.install(workerRuntimeOptions(settings.worker));
  const workflowsPath = values['workflows-path'];
  const started = await startWorker(settings, workflowsPath ? { workflowsPath } : {});
  console.log(`worker polling task queue ${settings.temporal.taskQueue}`);
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
