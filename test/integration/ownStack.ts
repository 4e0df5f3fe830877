/** A stack of the file's own (for tests that kill processes, run a fast clock or deploy a second worker). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { startStack, type Stack, type StackOptions } from '../../infra/stack.ts';
import { TEST_CLOCK_START } from './clock.ts';
import { client, type Client } from './http.ts';

/**
 * Starts the stack before the file's tests and removes it after; read `stack`, `api`, `sql` (its PostgreSQL) and
 * `temporal` (a client of its engine) inside tests. `env`: settings (docs/configuration.md); `testing`: the knobs
 * that are no configuration.
 */
export function useOwnStack(
  name: string,
  env: Record<string, string> = {},
  testing: Pick<StackOptions, 'caseHistoryLimit'> = {},
) {
  const handle = {} as { stack: Stack; api: Client; sql: postgres.Sql; temporal: TemporalClient };
  let connection: Connection | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), `approvals-${name}-`));
    handle.stack = await startStack({
      dataDir,
      apiPort: await freePort(),
      env: { CLOCK_START: TEST_CLOCK_START, DEMO_USERS: 'true', ...env },
      ...testing,
    });
    handle.api = client(handle.stack.apiUrl);
    handle.sql = postgres(handle.stack.databaseUrl, { max: 2, onnotice: () => {} });
    connection = await Connection.connect({ address: handle.stack.temporalAddress });
    handle.temporal = new TemporalClient({ connection, namespace: handle.stack.namespace });
  });
  afterAll(async () => {
    await connection?.close();
    await handle.sql?.end({ timeout: 5 });
    await handle.stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return handle;
}
