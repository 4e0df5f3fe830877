/**
 * PostgreSQL that does not answer: a statement past its timeout and a server that accepts but never answers (as a
 * frozen one does) both fail promptly instead of holding the request.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, expect, it, inject } from 'vitest';
import { createDatabase } from '../../db/client.ts';
import { freePort } from '../../infra/ports.ts';

const timeouts = { connectTimeoutSeconds: 1, statementTimeoutMs: 300 };

it('a statement running past the statement timeout is cancelled by PostgreSQL', async () => {
  const { sql, close } = createDatabase(inject('databaseUrl'), { max: 1, ...timeouts });
  try {
    expect((await sql`SHOW statement_timeout`)[0]).toEqual({ statement_timeout: '300ms' });
    const started = Date.now();
    await expect(sql`SELECT pg_sleep(5)`).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    await close();
  }
});

const sockets: Socket[] = [];
const silent = createServer((socket) => sockets.push(socket));
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  silent.close();
});

it('a server that accepts the connection and never answers fails the query after the connect timeout', async () => {
  const port = await freePort();
  await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
  const { sql, close } = createDatabase(`postgres://nobody@127.0.0.1:${port}/none`, { max: 1, ...timeouts });
  try {
    const started = Date.now();
    await expect(sql`SELECT 1`).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await close();
  }
}, 40_000);
