/** The Temporal dev server (`temporal server start-dev`): the whole engine in one process, state in a SQLite file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { stopChild, waitUntil } from './processes.ts';

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

interface DevServerOptions {
  cli: string;
  dataDir: string;
  port: number;
  /** The Web UI's port; none: headless. */
  uiPort?: number;
  namespace?: string;
  /** SQLite pragmas (`name=value`) instead of DEV_SERVER_PRAGMAS (the benchmark tries others). */
  pragmas?: string[];
  /** More `start-dev` arguments, e.g. `--dynamic-config-value KEY=JSON` (the benchmark's BENCH_DEV_SERVER_ARGS). */
  extraArgs?: string[];
  /** How long the engine keeps a closed case's history (default DEFAULT_RETENTION_DAYS). */
  retentionDays?: number;
}

/**
 * The dev server keeps a closed workflow's history for 24 hours by default. A closed case still needs it: a rating
 * days later or a revocation years later reopens the case from its last run, and the auditor's chain check reads
 * the head the workflow holds. Ten years (an approval file's usual archive period, 档案保管期限) unless configured.
 */
const DEFAULT_RETENTION_DAYS = 3650;

/**
 * The SQLite pragmas: WAL lets readers and the one writer work at once, and synchronous=FULL syncs the WAL at every
 * commit. NORMAL (sync at checkpoints only) may lose the last commits in a power cut while PostgreSQL already holds
 * their steps: the engine would then run those steps again. A benchmark may relax it (BENCH_SQLITE_PRAGMAS).
 */
export const DEV_SERVER_PRAGMAS = ['journal_mode=WAL', 'synchronous=FULL'];

export function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    path.join(options.dataDir, 'temporal.sqlite'),
    '--log-level',
    'warn',
    ...(options.pragmas ?? DEV_SERVER_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]),
    ...(options.extraArgs ?? []),
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  return args;
}

/** The dev server ended or never answered while starting. */
export class DevServerStartError extends Error {}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningTemporal> {
  await mkdir(options.dataDir, { recursive: true });
  const log = createWriteStream(path.join(options.dataDir, 'temporal.log'), { flags: 'a' });
  const child = spawn(options.cli, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitForNamespace(address, options.namespace ?? 'default', child);
  } catch (error) {
    // What the server said is the only clue (a port taken between choosing and binding, a locked file): keep it.
    await stopChild(child, 'SIGKILL');
    log.end();
    const said = await readFile(path.join(options.dataDir, 'temporal.log'), 'utf8').catch(() => '');
    const tail = said.trim().split('\n').slice(-5).join('\n');
    throw new DevServerStartError(`${(error as Error).message}${tail ? `:\n${tail}` : ''}`);
  }
  await setRetention(address, options.namespace ?? 'default', options.retentionDays ?? DEFAULT_RETENTION_DAYS);
  return {
    address,
    ...(options.uiPort ? { uiUrl: `http://127.0.0.1:${options.uiPort}` } : {}),
    process: child,
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  };
}

async function setRetention(address: string, namespace: string, days: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(`${days} days`) },
    });
  } finally {
    await connection.close();
  }
}

/** Ready means: the frontend answers and the namespace exists. */
async function waitForNamespace(address: string, namespace: string, child?: ChildProcess): Promise<void> {
  await waitUntil(
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await connection.close();
      }
    },
    { what: `Temporal server at ${address}`, timeoutMs: 60_000, ...(child ? { child } : {}) },
  );
}
