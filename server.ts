/**
 * The HTTP API (Fastify). Runs on its own (`npm run server`) or under the launcher; its settings come from
 * infra/config.ts (docs/configuration.md). `--case-history-limit N` (test harness only) makes new cases continue as new
 * after N history events.
 */
import { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { buildApp } from './api/app.ts';
import { engineCallInterceptor } from './api/engineCalls.ts';
import { createApiMetrics } from './api/metrics.ts';
import { DEFAULT_WEB_DIR } from './api/webApp.ts';
import { recordedCase } from './api/caseRecord.ts';
import { CatalogueCache } from './api/catalogueCache.ts';
import { seedDemoUsers } from './api/auth/users.ts';
import { createDatabase, runMigrations } from './db/client.ts';
import { loadCatalogue, readCatalogueFile } from './db/catalogue.ts';
import { cases } from './db/schema.ts';
import { parseArgs } from 'node:util';
import { createClock } from './infra/clock.ts';
import { loadSettings, required, type Settings } from './infra/config.ts';
import { createKeyRing } from './infra/keyRing.ts';
import { loadSigningKey } from './infra/signingKey.ts';
import { startCheckpoints } from './api/checkpointStore.ts';
import { connectClient, temporalSettings } from './infra/temporalConfig.ts';
import { openFileStore } from './files/openStore.ts';
import { startOrphanPrune } from './files/orphanPrune.ts';

/** Knobs only the test harness turns (command-line flags, not configuration). */
export interface ServerTestOptions {
  historyLimit?: number;
}

export async function startServer(config: Settings, testing: ServerTestOptions = {}) {
  const databaseUrl = required(config.databaseUrl, 'DATABASE_URL', 'the PostgreSQL of the case record');
  const settings = temporalSettings(config.temporal);
  const { api, auth, cases: caseSettings, clock } = config;
  if (api.migrateOnStart) {
    await runMigrations(databaseUrl);
  }
  const database = createDatabase(databaseUrl, { max: api.dbPool, ...config.database });
  if (api.migrateOnStart) {
    const catalogue = await readCatalogueFile(config.catalogueFile);
    await loadCatalogue(database.db, catalogue);
    if (config.demoUsers) await seedDemoUsers(database.db, catalogue, config.demoPassword);
  }
  const db = database.db;
  const metrics = createApiMetrics(db.$client);
  const connection = await connectClient(settings);
  const temporal = new Client({
    connection,
    namespace: settings.namespace,
    interceptors: { workflow: [engineCallInterceptor(metrics)] },
  });
  const signingKey = loadSigningKey(config.signing, config.dataDir);
  const keys = createKeyRing(db, signingKey, config.signing.keysDir);
  const apiClock = createClock(clock);
  const files = config.files;
  const fileStore = await openFileStore(files);
  const app = await buildApp(
    {
      db,
      temporal,
      taskQueue: settings.taskQueue,
      engineTimeoutMs: config.temporal.timeoutMs,
      clock: apiClock,
      certificatePrefix: caseSettings.certificatePrefix,
      ...(testing.historyLimit ? { historyLimit: testing.historyLimit } : {}),
      ...(caseSettings.closeGraceMs ? { closeGraceMs: caseSettings.closeGraceMs } : {}),
      caseExists: async (caseNo) =>
        (await db.select({ caseNo: cases.caseNo }).from(cases).where(eq(cases.caseNo, caseNo))).length > 0,
      signingKey,
      keys,
      keysDir: config.signing.keysDir,
      recordedCase: async (caseNo) => recordedCase(db, await keys.published(), caseNo),
      followUpDays: caseSettings.ratingFollowUpDays,
      complaints: config.complaints,
      catalogue: new CatalogueCache(db, api.catalogueCacheSeconds * 1000),
      hardening: {
        bodyLimit: api.bodyLimitBytes,
        corsOrigins: api.corsOrigins,
        applicantRateLimitPerMinute: api.applicantRatePerMinute,
        ...(api.trustProxy !== undefined ? { trustProxy: api.trustProxy } : {}),
      },
      auth: {
        limits: { idleMs: auth.sessionIdleMinutes * 60_000, absoluteMs: auth.sessionMaxHours * 3_600_000 },
        secureCookie: auth.cookieSecure,
        loginFailures: auth.loginFailures,
        queryCodeFailures: auth.queryCodeFailures,
      },
      ...(api.publicBaseUrl ? { publicBaseUrl: api.publicBaseUrl } : {}),
      webDir: api.webDistDir ?? DEFAULT_WEB_DIR,
      files: { store: fileStore, settings: files },
      metrics,
      ...(api.metricsToken ? { metricsToken: api.metricsToken } : {}),
      hall: config.hall,
    },
    { log: { level: api.logLevel, requests: api.logRequests } },
  );
  const { port, host } = api;
  await app.listen({ port, host });
  const prune = startOrphanPrune(db, fileStore, files.orphanHours, (message, error) =>
    error ? console.error(message, error) : console.log(message),
  );
  // Signed checkpoints over every case head, on a timer (one API process publishes per round).
  const checkpointTimer = startCheckpoints(
    db,
    keys,
    () => apiClock.now(),
    config.signing.checkpointIntervalMinutes,
    (message, error) => console.error(message, error),
  );
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await checkpointTimer.stop();
      await prune.stop();
      await app.close();
      await connection.close();
      await database.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'case-history-limit': { type: 'string' } } });
  const historyLimit = values['case-history-limit'];
  const server = await startServer(loadSettings(), historyLimit ? { historyLimit: Number(historyLimit) } : {});
  console.log(`API listening on ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
