/** Expired sessions do not pile up: a sign-in removes every session past its idle or absolute limit. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, expect, it, inject } from 'vitest';
import { DEMO_PASSWORD } from './http.ts';

const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

it('a sign-in deletes sessions idle past 30 minutes or older than 12 hours, and keeps live ones', async () => {
  const row = (label: string) => `prune-${label}-${randomBytes(8).toString('hex')}`;
  const idle = row('idle');
  const old = row('old');
  const live = row('live');
  await sql`INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES
    (${idle}, 'auditor1', now() - interval '1 hour', now() - interval '31 minutes'),
    (${old}, 'auditor1', now() - interval '12 hours 1 minute', now()),
    (${live}, 'auditor1', now() - interval '11 hours', now() - interval '29 minutes')`;

  const response = await fetch(`${inject('apiUrl')}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'clerk1', password: DEMO_PASSWORD }),
  });
  expect(response.status).toBe(200);

  const left = await sql`SELECT token_hash FROM sessions WHERE token_hash IN (${idle}, ${old}, ${live})`;
  expect(left.map((r) => r.token_hash)).toEqual([live]);
  await sql`DELETE FROM sessions WHERE token_hash = ${live}`;
});
