/**
 * Sessions: a random 256-bit token (cookie and bearer), stored only as its SHA-256. Idle and absolute limits come from
 * SESSION_IDLE_MINUTES (30) and SESSION_MAX_HOURS (12); expiry is wall-clock time, not the case clock.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq, lte, or } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { sessions } from '../../db/schema.ts';
import { sessionExpired, type SessionLimits } from '../../rules/access.ts';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Last-seen is written at most this often: a busy clerk's every click is not a database write. */
const TOUCH_INTERVAL_MS = 60_000;

/** A new session; expired ones (anyone's) are removed first, so the table holds only sessions that still work. */
export async function openSession(
  db: Database,
  username: string,
  limits: SessionLimits,
  now = new Date(),
): Promise<string> {
  await pruneSessions(db, limits, now);
  const token = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({ tokenHash: digest(token), username, createdAt: now, lastSeenAt: now });
  return token;
}

type SessionLookup = { username: string } | { expired: 'idle' | 'absolute' } | undefined;

export async function findSession(
  db: Database,
  token: string,
  limits: SessionLimits,
  now = new Date(),
): Promise<SessionLookup> {
  const hash = digest(token);
  const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, hash));
  if (!row) return undefined;
  const expired = sessionExpired(row, now, limits);
  if (expired) {
    await db.delete(sessions).where(eq(sessions.tokenHash, hash));
    return { expired };
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, hash));
  }
  return { username: row.username };
}

export async function closeSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, digest(token)));
}

/** Ends every session of a user (deactivated, or the password changed). */
export async function closeSessionsOf(db: Database, username: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.username, username));
}

/** Removes sessions past either limit (sessionExpired's rule): nobody can use them any more. */
async function pruneSessions(db: Database, limits: SessionLimits, now: Date): Promise<void> {
  await db
    .delete(sessions)
    .where(
      or(
        lte(sessions.createdAt, new Date(now.getTime() - limits.absoluteMs)),
        lte(sessions.lastSeenAt, new Date(now.getTime() - limits.idleMs)),
      ),
    );
}
