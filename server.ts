/**
 * The HTTP API (Fastify). Runs on its own (`npm run server`) or under the launcher.
 * Env: DATABASE_URL, RESTATE_INGRESS_URL (required); PORT (3000), HOST (127.0.0.1); MIGRATE_ON_START (true);
 * CLOCK_START / CLOCK_ANCHOR / CLOCK_SPEED.
 */
import './infra/polyfills.ts';
import * as clients from '@restatedev/restate-sdk-clients';
import { buildApp } from './api/app.ts';
import { CatalogueCache } from './api/catalogueCache.ts';
import { createDatabase, runMigrations } from './db/client.ts';
import { loadCatalogue, readCatalogueFile } from './db/catalogue.ts';
import { clockFromEnv } from './infra/clock.ts';
import { requireEnv } from './infra/env.ts';

export async function startServer(env: NodeJS.ProcessEnv = process.env) {
  const databaseUrl = requireEnv(env, 'DATABASE_URL');
  const ingressUrl = requireEnv(env, 'RESTATE_INGRESS_URL');
  if (env.MIGRATE_ON_START !== 'false') {
    await runMigrations(databaseUrl);
  }
  const database = createDatabase(databaseUrl, { max: Number(env.API_DB_POOL ?? 10) });
  if (env.MIGRATE_ON_START !== 'false') {
    await loadCatalogue(database.db, await readCatalogueFile(env.CATALOGUE_FILE || undefined));
  }
  const app = await buildApp(
    {
      db: database.db,
      ingress: clients.connect({ url: ingressUrl }),
      ingressUrl,
      clock: clockFromEnv(env),
      catalogue: new CatalogueCache(database.db, Number(env.CATALOGUE_CACHE_SECONDS ?? 30) * 1000),
    },
    { logger: env.LOG_REQUESTS === 'true' },
  );
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  await app.listen({ port, host });
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer();
  console.log(`API listening on ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
