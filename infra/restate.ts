/** A Restate server spawned from the binary inside the `@restatedev/restate-server` npm package, on loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RestatePorts {
  ingress: number;
  admin: number;
  node: number;
}

export interface RunningRestate {
  ingressUrl: string;
  adminUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function restateBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@restatedev/restate-server-${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}`;
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'restate-server');
}

export async function startRestateServer(options: { baseDir: string; ports: RestatePorts }): Promise<RunningRestate> {
  await mkdir(options.baseDir, { recursive: true });
  const configFile = path.join(options.baseDir, 'restate.toml');
  // Small footprint for a 2-core machine; telemetry off (these networks reach nothing outside).
  await writeFile(
    configFile,
    [
      'disable-telemetry = true',
      'default-num-partitions = 4',
      'rocksdb-total-memory-size = "512 MiB"',
      'log-disable-ansi-codes = true',
      '[admin]',
      `bind-port = ${options.ports.admin}`,
      '[admin.query-engine]',
      'memory-size = "128 MiB"',
      '[ingress]',
      `bind-port = ${options.ports.ingress}`,
      '',
    ].join('\n'),
  );
  const log = createWriteStream(path.join(options.baseDir, 'restate.log'), { flags: 'a' });
  const child = spawn(
    restateBinary(),
    [
      '--config-file',
      configFile,
      '--base-dir',
      options.baseDir,
      '--node-name',
      'approvals',
      '--bind-ip',
      '127.0.0.1',
      '--bind-port',
      String(options.ports.node),
      '--listen-mode',
      'tcp',
      '--no-logo',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const adminUrl = `http://127.0.0.1:${options.ports.admin}`;
  const ingressUrl = `http://127.0.0.1:${options.ports.ingress}`;
  await waitUntil(
    async () => (await fetch(`${adminUrl}/health`)).ok && (await fetch(`${ingressUrl}/restate/health`)).ok,
    {
      what: 'Restate server',
      child,
    },
  );
  return {
    adminUrl,
    ingressUrl,
    process: child,
    stop: () => stopChild(child),
  };
}

/** Tell Restate where the worker endpoint is (idempotent; `force` replaces a same-URI deployment after a code change). */
export async function registerDeployment(adminUrl: string, workerUrl: string, force = true): Promise<void> {
  const response = await fetch(`${adminUrl}/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri: workerUrl, force }),
  });
  if (!response.ok)
    throw new Error(`registering ${workerUrl} with Restate failed: ${response.status} ${await response.text()}`);
}

export async function waitUntil(
  check: () => Promise<boolean>,
  options: { what: string; timeoutMs?: number; child?: ChildProcess },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (options.child && options.child.exitCode !== null) {
      throw new Error(`${options.what} exited with code ${options.child.exitCode}`);
    }
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${options.what} did not become ready in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
