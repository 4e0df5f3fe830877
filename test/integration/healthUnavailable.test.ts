/**
 * GET /health/ready answers 503 naming the part that is down: PostgreSQL refusing connections (the API's pooled ones cut),
 * then the Temporal dev server stopped. A stack of the file's own, since both are taken away.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import { useOwnStack } from './ownStack.ts';

const own = useOwnStack('health');

/** Polls /health/ready until it answers `status` (the API's pool may need a moment to find its connections gone). */
async function healthAnswering(status: number) {
  let last: { status: number; body: any } | undefined;
  await waitUntil(
    async () => {
      last = await own.api.get('/health/ready');
      return last.status === status;
    },
    { what: `/health/ready to answer ${status}`, timeoutMs: 30_000 },
  );
  return last!;
}

describe('/health/ready when a part of the stack is down', () => {
  it('503 with postgres: false while the database refuses connections; ok again once it accepts them', async () => {
    expect(await healthAnswering(200)).toMatchObject({ body: { status: 'ok' } });
    const database = new URL(own.stack.databaseUrl).pathname.slice(1);
    // Administered from the maintenance database, so this connection is not among the ones cut.
    const adminUrl = new URL(own.stack.databaseUrl);
    adminUrl.pathname = '/postgres';
    const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = ${database} AND pid <> pg_backend_pid()`;
      const down = await healthAnswering(503);
      expect(down.body).toEqual({ status: 'unavailable', postgres: false, temporal: true });
    } finally {
      await admin.unsafe(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
      await admin.end({ timeout: 5 });
    }
    expect((await healthAnswering(200)).body).toEqual({ status: 'ok', postgres: true, temporal: true });
    // Liveness says nothing of the parts: the process answers.
    expect((await own.api.get('/health')).body).toEqual({ status: 'ok' });
  });

  it('503 with temporal: false once the engine is stopped', async () => {
    expect(own.stack.temporal, 'the stack runs its own dev server').toBeDefined();
    await own.stack.temporal!.stop('SIGKILL');
    const down = await healthAnswering(503);
    expect(down.body).toEqual({ status: 'unavailable', postgres: true, temporal: false });
  });
});
