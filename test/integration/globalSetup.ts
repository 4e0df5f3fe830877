/** Starts the real stack once for the integration suite: embedded PostgreSQL, the Temporal dev server, worker, API. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/ports.ts';
import { startStack } from '../../infra/stack.ts';
import { ensureWebBuilt } from '../../infra/webBuild.ts';
import { TEST_CLOCK_START } from './clock.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    databaseUrl: string;
    temporalAddress: string;
    /** The stack's data folder: the API's file store is its `files/` (files/settings.ts). */
    dataDir: string;
  }
}

export default async function setup(project: TestProject) {
  // The API serves the web app: unbuilt, its pages answer 503, which the hostile-input walk would take for a fault.
  await ensureWebBuilt();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-test-'));
  const stack = await startStack({
    dataDir,
    apiPort: await freePort(),
    env: { CLOCK_START: TEST_CLOCK_START, CLOCK_SPEED: '1', DEMO_USERS: 'true' },
  });
  project.provide('apiUrl', stack.apiUrl);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('temporalAddress', stack.temporalAddress);
  project.provide('dataDir', dataDir);
  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
