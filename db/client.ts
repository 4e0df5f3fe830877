import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';

export type Database = ReturnType<typeof createDatabase>['db'];

export interface DatabaseOptions {
  max?: number;
  /** Give up on a connection not ready after this long (postgres.js default: 30 s). */
  connectTimeoutSeconds?: number;
  /** PostgreSQL cancels a statement running longer (0 or unset: never). */
  statementTimeoutMs?: number;
}

/**
 * A PostgreSQL that stops answering (frozen, a lost network) must not hold requests for ever: with the timeouts set
 * a request fails promptly and the API answers it, /health included.
 */
export function createDatabase(url: string, options: DatabaseOptions = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    ...(options.connectTimeoutSeconds ? { connect_timeout: options.connectTimeoutSeconds } : {}),
    ...(options.statementTimeoutMs ? { connection: { statement_timeout: options.statementTimeoutMs } } : {}),
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function runMigrations(url: string): Promise<void> {
  const { db, close } = createDatabase(url, { max: 1 });
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await close();
  }
}
