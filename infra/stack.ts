/**
 * The whole system on one machine: PostgreSQL (embedded unless DATABASE_URL is given), the Temporal dev server
 * (unless TEMPORAL_ADDRESS points at a cluster), the worker and the API as child processes. Used by `npm start`, the
 * test suite and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations, createDatabase } from '../db/client.ts';
import { seedDemoUsers } from '../api/auth/users.ts';
import { loadCatalogue, readCatalogueFile } from '../db/catalogue.ts';
import { freePort } from './ports.ts';
import { devKeyFile, ensureKeyFile } from './signingKey.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.ts';
import { stopChild, waitUntil } from './processes.ts';
import { findTemporalCli } from './temporalCli.ts';
import { readSettings, SETTING_NAMES } from './config.ts';
import { DevServerStartError, startTemporalDevServer, type RunningTemporal } from './temporalServer.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface StackOptions {
  dataDir: string;
  apiPort?: number;
  /** The dev server's gRPC port (default: a free one) and Web UI port (default: none, headless). */
  temporalPort?: number;
  temporalUiPort?: number;
  /** Dev server tuning (the benchmark): SQLite pragmas instead of DEV_SERVER_PRAGMAS, extra `start-dev` arguments. */
  devServerPragmas?: string[];
  devServerExtraArgs?: string[];
  /** Settings (docs/configuration.md) over process.env, for the launcher, the worker and the API alike. */
  env?: Record<string, string>;
  /** Test harness only: new cases continue as new after this many history events. */
  caseHistoryLimit?: number;
  /** Where child output goes; default: files in dataDir/logs. */
  inheritOutput?: boolean;
  startApi?: boolean;
}

export interface Stack {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  apiUrl: string;
  uiUrl?: string;
  /** The environment the worker and the API run with. */
  env: Record<string, string>;
  /** Where the worker's and the API's output goes (`worker.log`, `api.log`), unless it is inherited. */
  logDir: string;
  worker: ChildProcess;
  /** The dev server, when the stack started one (none when TEMPORAL_ADDRESS is given). */
  temporal?: RunningTemporal;
  /** `workflowsPath` (test harness only): another workflow module, e.g. the upgrade test's changed code. */
  startWorker(testing?: { workflowsPath?: string }): Promise<ChildProcess>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  restartTemporal(kill?: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** A TypeScript entry point as a child process with an IPC channel (the worker reports `ready` on it). */
export function spawnTs(
  script: string,
  env: Record<string, string>,
  output: 'inherit' | WriteStream,
  args: string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: output === 'inherit' ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (output !== 'inherit') {
    child.stdout?.pipe(output, { end: false });
    child.stderr?.pipe(output, { end: false });
  }
  return child;
}

/** Spawn a worker and wait until it polls its task queue. */
async function spawnWorker(
  env: Record<string, string>,
  output: 'inherit' | WriteStream,
  args: string[] = [],
): Promise<ChildProcess> {
  const child = spawnTs('worker.ts', env, output, args);
  let ready = false;
  child.on('message', (message) => {
    if (message === 'ready') ready = true;
  });
  await waitUntil(async () => ready, { what: 'worker', child, timeoutMs: 120_000 });
  return child;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const unknown = Object.keys(options.env ?? {}).filter((name) => !SETTING_NAMES.includes(name));
  if (unknown.length > 0) throw new Error(`not a setting (docs/configuration.md): ${unknown.join(', ')}`);
  const config = readSettings({ ...process.env, ...options.env });
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const output = (name: string): 'inherit' | WriteStream =>
    options.inheritOutput ? 'inherit' : createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });

  let postgresServer: RunningPostgres | undefined;
  let temporal: RunningTemporal | undefined;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const stopAll = async () => {
    if (api) await stopChild(api);
    if (worker) await stopChild(worker);
    if (temporal) await temporal.stop();
    if (postgresServer) await postgresServer.stop();
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const port = config.postgresPort ?? (await freePort());
      postgresServer = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port });
      databaseUrl = postgresServer.url;
    }

    const { namespace, taskQueue } = config.temporal;
    let temporalPort = options.temporalPort ?? (await freePort());
    const startDevServer = async () =>
      startTemporalDevServer({
        cli: await findTemporalCli(config.temporal.cli),
        dataDir: path.join(dataDir, 'temporal'),
        port: temporalPort,
        ...(options.temporalUiPort ? { uiPort: options.temporalUiPort } : {}),
        namespace,
        ...(options.devServerPragmas ? { pragmas: options.devServerPragmas } : {}),
        ...(options.devServerExtraArgs ? { extraArgs: options.devServerExtraArgs } : {}),
        retentionDays: config.temporal.retentionDays,
      });
    let temporalAddress = config.temporal.address;
    if (!temporalAddress) {
      try {
        temporal = await startDevServer();
      } catch (error) {
        // A free port chosen here, or one the server picks for itself, can be taken by another process before the
        // server binds it (several stacks start at once in the test suite): one more try on fresh ports.
        if (!(error instanceof DevServerStartError) || options.temporalPort !== undefined) throw error;
        console.warn(`the Temporal dev server did not start (${error.message}); trying once more on another port`);
        temporalPort = await freePort();
        temporal = await startDevServer();
      }
      temporalAddress = temporal.address;
    }

    await runMigrations(databaseUrl);
    const seeded = createDatabase(databaseUrl, { max: 1 });
    try {
      const catalogue = await readCatalogueFile(config.catalogueFile);
      await loadCatalogue(seeded.db, catalogue);
      if (config.demoUsers) await seedDemoUsers(seeded.db, catalogue, config.demoPassword);
    } finally {
      await seeded.close();
    }

    const apiPort = options.apiPort ?? config.api.port;
    // The certificate key: configured, or a development key kept in the data folder (created here, once, so the
    // worker that signs and the API that verifies read the same one).
    const keyFile = config.signing.keyFile ?? devKeyFile(dataDir);
    if (!config.signing.key) ensureKeyFile(keyFile);
    const env: Record<string, string> = {
      ...(options.env ?? {}),
      ...(config.signing.key ? {} : { CERTIFICATE_SIGNING_KEY_FILE: keyFile }),
      // The API's file store and the development key live in the stack's data folder.
      DATA_DIR: options.env?.DATA_DIR || dataDir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PORT: String(apiPort),
      MIGRATE_ON_START: 'false',
      // Every process must read the same virtual time: anchor it once, here.
      CLOCK_ANCHOR: String(config.clock.anchorMs ?? Date.now()),
    };

    const stack: Stack = {
      databaseUrl,
      temporalAddress,
      namespace,
      taskQueue,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      ...(temporal?.uiUrl ? { uiUrl: temporal.uiUrl } : {}),
      env,
      logDir,
      worker: undefined as unknown as ChildProcess,
      ...(temporal ? { temporal } : {}),
      async startWorker(testing = {}) {
        const args = testing.workflowsPath ? ['--workflows-path', testing.workflowsPath] : [];
        worker = await spawnWorker(env, output('worker'), args);
        stack.worker = worker;
        return worker;
      },
      async killWorker(signal = 'SIGKILL') {
        if (worker) await stopChild(worker, signal);
      },
      async restartTemporal(kill = true) {
        if (!temporal) throw new Error('Temporal is external (TEMPORAL_ADDRESS); cannot restart it');
        await temporal.stop(kill ? 'SIGKILL' : 'SIGTERM');
        temporal = await startDevServer();
        stack.temporal = temporal;
      },
      stop: stopAll,
    };

    await stack.startWorker();
    if (options.startApi !== false) {
      const args = options.caseHistoryLimit ? ['--case-history-limit', String(options.caseHistoryLimit)] : [];
      api = spawnTs('server.ts', env, output('api'), args);
      const child = api;
      await waitUntil(async () => (await fetch(`${stack.apiUrl}/health/ready`)).status === 200, {
        what: 'API',
        child,
        timeoutMs: 60_000,
      });
    }
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
