/**
 * The whole system on one machine: PostgreSQL (embedded unless DATABASE_URL is given), a Restate server (spawned
 * from node_modules unless RESTATE_INGRESS_URL/RESTATE_ADMIN_URL are given), the worker and the API as child
 * processes. Used by `npm start`, the test suite and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations, createDatabase } from '../db/client.ts';
import { loadCatalogue, readCatalogueFile } from '../db/catalogue.ts';
import { freePort } from './ports.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.ts';
import { registerDeployment, startRestateServer, stopChild, waitUntil, type RunningRestate } from './restate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface StackOptions {
  dataDir: string;
  apiPort?: number;
  workerPort?: number;
  /** Extra environment for the worker and API (e.g. CLOCK_START, CLOCK_SPEED). */
  env?: Record<string, string>;
  /** Where child output goes; default: files in dataDir/logs. */
  inheritOutput?: boolean;
  startApi?: boolean;
  /** Restate's ports; default: free ones. A persistent data folder wants the same ports every time. */
  restatePorts?: { ingress: number; admin: number; node: number };
}

export interface Stack {
  databaseUrl: string;
  ingressUrl: string;
  adminUrl: string;
  apiUrl: string;
  workerUrl: string;
  env: Record<string, string>;
  worker: ChildProcess;
  restate?: RunningRestate;
  startWorker(): Promise<void>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  restartRestate(kill?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export function spawnTs(script: string, env: Record<string, string>, output: 'inherit' | WriteStream): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  if (output !== 'inherit') {
    child.stdout?.pipe(output, { end: false });
    child.stderr?.pipe(output, { end: false });
  }
  return child;
}

async function waitForHttp(url: string, child: ChildProcess, what: string, ok = (s: number) => s < 500) {
  await waitUntil(async () => ok((await fetch(url)).status), { what, child, timeoutMs: 60_000 });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const output = (name: string): 'inherit' | WriteStream =>
    options.inheritOutput ? 'inherit' : createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });

  let postgresServer: RunningPostgres | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    postgresServer = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: await freePort() });
    databaseUrl = postgresServer.url;
  }

  let restate: RunningRestate | undefined;
  let ingressUrl = process.env.RESTATE_INGRESS_URL;
  let adminUrl = process.env.RESTATE_ADMIN_URL;
  const restatePorts = options.restatePorts ?? {
    ingress: await freePort(),
    admin: await freePort(),
    node: await freePort(),
  };
  if (!ingressUrl || !adminUrl) {
    restate = await startRestateServer({ baseDir: path.join(dataDir, 'restate'), ports: restatePorts });
    ingressUrl = restate.ingressUrl;
    adminUrl = restate.adminUrl;
  }

  await runMigrations(databaseUrl);
  const seeded = createDatabase(databaseUrl, { max: 1 });
  try {
    await loadCatalogue(seeded.db, await readCatalogueFile(process.env.CATALOGUE_FILE || undefined));
  } finally {
    await seeded.close();
  }

  const workerPort = options.workerPort ?? (await freePort());
  const apiPort = options.apiPort ?? Number(process.env.PORT ?? 3000);
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    RESTATE_INGRESS_URL: ingressUrl,
    RESTATE_ADMIN_URL: adminUrl,
    WORKER_PORT: String(workerPort),
    PORT: String(apiPort),
    MIGRATE_ON_START: 'false',
    // The SDK logs two lines per invocation at INFO: noise and CPU at this volume.
    RESTATE_LOGGING: process.env.RESTATE_LOGGING ?? 'WARN',
    // Every process must read the same virtual time: anchor it once, here.
    CLOCK_ANCHOR: process.env.CLOCK_ANCHOR ?? String(Date.now()),
    ...(process.env.CLOCK_START ? { CLOCK_START: process.env.CLOCK_START } : {}),
    ...(process.env.CLOCK_SPEED ? { CLOCK_SPEED: process.env.CLOCK_SPEED } : {}),
    ...options.env,
  };
  const workerUrl = `http://127.0.0.1:${workerPort}`;

  const stack: Stack = {
    databaseUrl,
    ingressUrl,
    adminUrl,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    workerUrl,
    env,
    worker: undefined as unknown as ChildProcess,
    ...(restate ? { restate } : {}),
    async startWorker() {
      // The worker registers itself with Restate once it listens (RESTATE_ADMIN_URL is set).
      stack.worker = spawnTs('worker.ts', env, output('worker'));
      await waitUntil(
        async () => {
          const r = await fetch(`${adminUrl}/deployments`);
          const body = (await r.json()) as { deployments: Array<{ uri?: string }> };
          return body.deployments.some((d) => d.uri?.replace(/\/$/, '') === workerUrl);
        },
        { what: 'worker', child: stack.worker, timeoutMs: 60_000 },
      );
    },
    async killWorker(signal = 'SIGKILL') {
      await stopChild(stack.worker, signal);
    },
    async restartRestate(kill = true) {
      if (!restate) throw new Error('Restate is external; cannot restart it');
      await stopChild(restate.process, kill ? 'SIGKILL' : 'SIGTERM');
      restate = await startRestateServer({ baseDir: path.join(dataDir, 'restate'), ports: restatePorts });
      stack.restate = restate;
    },
    async stop() {
      if (api) await stopChild(api);
      if (stack.worker) await stopChild(stack.worker);
      if (restate) await restate.stop();
      if (postgresServer) await postgresServer.stop();
    },
  };

  await stack.startWorker();
  await registerDeployment(adminUrl, workerUrl);
  let api: ChildProcess | undefined;
  if (options.startApi !== false) {
    api = spawnTs('server.ts', env, output('api'));
    await waitForHttp(`${stack.apiUrl}/health`, api, 'API', (s) => s === 200);
  }
  return stack;
}
