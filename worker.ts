/**
 * The Restate service endpoint hosting the case workflows. Runs on its own (`npm run worker`) or under the launcher.
 * Env: DATABASE_URL (required), WORKER_PORT (9080), WORKER_HOST (127.0.0.1), RESTATE_ADMIN_URL and WORKER_URL to
 * register itself, CERTIFICATE_PREFIX (ZZ), CLOCK_START / CLOCK_ANCHOR / CLOCK_SPEED.
 */
import './infra/polyfills.ts';
import http2 from 'node:http2';
import * as restate from '@restatedev/restate-sdk';
import { createDatabase } from './db/client.ts';
import { clockFromEnv } from './infra/clock.ts';
import { registerDeployment } from './infra/restate.ts';
import { createCaseWorkflow } from './workflows/caseWorkflow.ts';
import { requireEnv } from './infra/env.ts';

export async function startWorker(env: NodeJS.ProcessEnv = process.env) {
  const database = createDatabase(requireEnv(env, 'DATABASE_URL'), { max: Number(env.WORKER_DB_POOL ?? 10) });
  const clock = clockFromEnv(env);
  const handler = restate.createEndpointHandler({
    services: [createCaseWorkflow({ db: database.db, clock, certificatePrefix: env.CERTIFICATE_PREFIX || 'ZZ' })],
  });
  const server = http2.createServer(handler);
  const port = Number(env.WORKER_PORT ?? 9080);
  const host = env.WORKER_HOST ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const url = env.WORKER_URL ?? `http://${host}:${port}`;
  if (env.RESTATE_ADMIN_URL) await registerDeployment(env.RESTATE_ADMIN_URL, url);
  return {
    url,
    close: async () => {
      // Restate keeps its HTTP/2 sessions open, so close() would wait for them: stop listening and move on.
      server.close();
      await database.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const worker = await startWorker();
  console.log(`worker listening on ${worker.url}`);
  const stop = async () => {
    await worker.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
