/** A stack of the file's own (for tests that kill processes, run a fast clock or deploy a second worker). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { startStack, type Stack } from '../../infra/stack.ts';
import { TEST_CLOCK_START } from './clock.ts';
import { client, type Client } from './http.ts';

/** Starts the stack before the file's tests and removes it after; read `stack` and `api` inside tests. */
export function useOwnStack(name: string, env: Record<string, string> = {}) {
  const handle = {} as { stack: Stack; api: Client };
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), `approvals-${name}-`));
    handle.stack = await startStack({
      dataDir,
      apiPort: await freePort(),
      env: { CLOCK_START: TEST_CLOCK_START, ...env },
    });
    handle.api = client(handle.stack.apiUrl);
  });
  afterAll(async () => {
    await handle.stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return handle;
}
