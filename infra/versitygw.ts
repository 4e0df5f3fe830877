/**
 * Versity's S3 gateway (`versitygw posix <dir>`, Apache-2.0): a real S3-compatible server over a folder, for the
 * tests of the S3 file store. The version is pinned here, and only here.
 *
 * Found in this order: `VERSITYGW` (a path), `versitygw` on PATH, the per-user cache
 * (`$XDG_CACHE_HOME` or `~/.cache`, then `yimen/versitygw-<version>/versitygw`: outside the clone, so a fresh clone
 * or CI's second run reuses it). Missing everywhere: built there with `go install` (about 5 minutes on 2 cores).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stopChild, waitUntil } from './processes.ts';

const VERSITYGW_VERSION = '1.8.0';

const goCommand = (bin: string) =>
  `GOBIN=${bin} go install github.com/versity/versitygw/cmd/versitygw@v${VERSITYGW_VERSION}`;

function versitygwCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'yimen', `versitygw-${VERSITYGW_VERSION}`);
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'versitygw');
    if (dir && executable(candidate)) return candidate;
  }
  return undefined;
}

/** Build the pinned gateway into the cache (a staging folder renamed into place, so a half build is never used). */
async function build(installDir: string, log: (line: string) => void): Promise<string> {
  const binary = path.join(installDir, 'versitygw');
  await mkdir(path.dirname(installDir), { recursive: true });
  const staging = `${installDir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  log(
    `versitygw ${VERSITYGW_VERSION} not found: building it into ${installDir} (first time only, several minutes) ...`,
  );
  const result = spawnSync('sh', ['-c', goCommand(staging)], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(path.join(staging, 'versitygw'))) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      [
        `Could not build versitygw ${VERSITYGW_VERSION} (${result.stderr?.trim().split('\n').pop() ?? result.error?.message}).`,
        `Build it by hand with:  ${goCommand(installDir)}`,
        'or set VERSITYGW to the path of a versitygw binary.',
      ].join('\n'),
    );
  }
  try {
    await rename(staging, installDir);
  } catch (error) {
    // Another process built it meanwhile: use theirs.
    await rm(staging, { recursive: true, force: true });
    if (!executable(binary)) throw error;
  }
  return binary;
}

export async function findVersitygw(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.log(line),
): Promise<string> {
  // A test tool, not the system's configuration: it reads its one variable itself.
  const given = env === process.env ? process.env.VERSITYGW : env.VERSITYGW;
  if (given) {
    if (!executable(given)) throw new Error(`VERSITYGW=${given} is not an executable file`);
    return given;
  }
  const found = onPath(env);
  if (found) return found;
  const installDir = versitygwCacheDir(env);
  const cached = path.join(installDir, 'versitygw');
  if (executable(cached)) return cached;
  return build(installDir, log);
}

export interface RunningVersitygw {
  /** `http://127.0.0.1:<port>`: the S3 endpoint. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface VersitygwOptions {
  binary: string;
  /** The gateway's root: each sub-folder is a bucket. */
  dataDir: string;
  port: number;
  /** Where its output goes (appended); default: `<dataDir>/../versitygw.log`. */
  logFile?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** Starts `versitygw posix` on loopback and waits until it answers HTTP. */
export async function startVersitygw(options: VersitygwOptions): Promise<RunningVersitygw> {
  const accessKeyId = options.accessKeyId ?? 'yimen-test';
  const secretAccessKey = options.secretAccessKey ?? 'yimen-test-secret-key';
  const region = 'us-east-1';
  await mkdir(options.dataDir, { recursive: true });
  const output = createWriteStream(options.logFile ?? `${path.resolve(options.dataDir)}.versitygw.log`, { flags: 'a' });
  const child = spawn(
    options.binary,
    ['--port', `127.0.0.1:${options.port}`, '--region', region, '--quiet', 'posix', options.dataDir],
    {
      // The root account's keys through the environment, not the command line (which `ps` shows to everyone).
      env: { ...process.env, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(output, { end: false });
  child.stderr?.pipe(output, { end: false });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    await stopChild(child);
    output.end();
  };
  try {
    // Any HTTP answer (an anonymous request is refused with 403) means it is serving.
    await waitUntil(async () => (await fetch(endpoint)).status > 0, { what: 'versitygw', child, timeoutMs: 30_000 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, accessKeyId, secretAccessKey, region, process: child, stop };
}

// `node --import tsx infra/versitygw.ts` (CI, before the tests): find or build it, and print where it is.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await findVersitygw());
}
