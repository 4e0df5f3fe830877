/**
 * The HTTP API (Fastify). Runs on its own (`npm run server`) or under the launcher.
 * Env: DATABASE_URL and TEMPORAL_ADDRESS (required); DEMO_USERS / DEMO_PASSWORD; SESSION_IDLE_MINUTES / SESSION_MAX_HOURS / COOKIE_SECURE / RATE_LIMIT_LOGIN_FAILURES / RATE_LIMIT_QUERY_CODE_FAILURES (api/auth/guard.ts); TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TLS / API key
 * (infra/temporalConfig.ts); ENGINE_TIMEOUT_MS (10000); PORT (3000), HOST (127.0.0.1); MIGRATE_ON_START (true);
 * RATING_FOLLOW_UP_DAYS (15); CERTIFICATE_PREFIX (ZZ); CERTIFICATE_SIGNING_KEY / CERTIFICATE_SIGNING_KEY_FILE / DATA_DIR (infra/signingKey.ts); CLOCK_START / CLOCK_ANCHOR / CLOCK_SPEED; CASE_CLOSE_GRACE_MS (600000); CASE_HISTORY_LIMIT (test-only);
 * WEB_DIST_DIR (the built web app served under `/`, default web/dist).
 * Electronic materials (files/settings.ts): FILE_MAX_BYTES, FILE_ORPHAN_HOURS, DATA_DIR (the folder store) or
 * S3_ENDPOINT / S3_BUCKET / S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY / S3_REGION / S3_FORCE_PATH_STYLE.
 * PUBLIC_BASE_URL (certificate verification links and QR codes; default: the request's protocol and host).
 * Hardening (api/hardening.ts): BODY_LIMIT_BYTES (1048576); CORS_ORIGINS (comma-separated allow-list, empty: no
 * cross-origin access); RATE_LIMIT_APPLICANT_PER_MINUTE (10, per client address and case); TRUST_PROXY (unset: the
 * socket's address is the client; `true`, or addresses/CIDRs of the proxies whose X-Forwarded-For is believed).
 */
import { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { buildApp } from './api/app.ts';
import { DEFAULT_WEB_DIR } from './api/webApp.ts';
import { recordedCase } from './api/caseRecord.ts';
import type { HardeningOptions } from './api/hardening.ts';
import { CatalogueCache } from './api/catalogueCache.ts';
import { seedDemoUsers } from './api/auth/users.ts';
import type { AuthOptions } from './api/auth/guard.ts';
import { createDatabase, runMigrations } from './db/client.ts';
import { loadCatalogue, readCatalogueFile } from './db/catalogue.ts';
import { cases } from './db/schema.ts';
import { clockFromEnv } from './infra/clock.ts';
import { requireEnv } from './infra/env.ts';
import { signingKeyFromEnv } from './infra/signingKey.ts';
import { connectClient, engineTimeoutMs, temporalSettings } from './infra/temporalConfig.ts';
import { fileSettings } from './files/settings.ts';
import { openFileStore } from './files/openStore.ts';
import { startOrphanPrune } from './files/orphanPrune.ts';

export async function startServer(env: NodeJS.ProcessEnv = process.env) {
  const databaseUrl = requireEnv(env, 'DATABASE_URL');
  const settings = temporalSettings(env);
  if (env.MIGRATE_ON_START !== 'false') {
    await runMigrations(databaseUrl);
  }
  const database = createDatabase(databaseUrl, { max: Number(env.API_DB_POOL ?? 10) });
  if (env.MIGRATE_ON_START !== 'false') {
    const catalogue = await readCatalogueFile(env.CATALOGUE_FILE || undefined);
    await loadCatalogue(database.db, catalogue);
    if (env.DEMO_USERS === 'true') await seedDemoUsers(database.db, catalogue, env.DEMO_PASSWORD ?? 'demo');
  }
  const connection = await connectClient(settings);
  const temporal = new Client({ connection, namespace: settings.namespace });
  const db = database.db;
  const signingKey = signingKeyFromEnv(env);
  const files = fileSettings(env);
  const fileStore = await openFileStore(files);
  const app = await buildApp(
    {
      db,
      temporal,
      taskQueue: settings.taskQueue,
      engineTimeoutMs: engineTimeoutMs(env),
      clock: clockFromEnv(env),
      certificatePrefix: env.CERTIFICATE_PREFIX || 'ZZ',
      ...(env.CASE_HISTORY_LIMIT ? { historyLimit: Number(env.CASE_HISTORY_LIMIT) } : {}),
      ...(env.CASE_CLOSE_GRACE_MS ? { closeGraceMs: Number(env.CASE_CLOSE_GRACE_MS) } : {}),
      caseExists: async (caseNo) =>
        (await db.select({ caseNo: cases.caseNo }).from(cases).where(eq(cases.caseNo, caseNo))).length > 0,
      signingKey,
      recordedCase: (caseNo) => recordedCase(db, signingKey.publicKey, caseNo),
      ...(env.RATING_FOLLOW_UP_DAYS ? { followUpDays: positiveInteger(env, 'RATING_FOLLOW_UP_DAYS') } : {}),
      catalogue: new CatalogueCache(db, Number(env.CATALOGUE_CACHE_SECONDS ?? 30) * 1000),
      hardening: hardeningFromEnv(env),
      auth: authFromEnv(env),
      webDir: env.WEB_DIST_DIR || DEFAULT_WEB_DIR,
      files: { store: fileStore, settings: files },
    },
    { logger: env.LOG_REQUESTS === 'true' },
  );
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  await app.listen({ port, host });
  const prune = startOrphanPrune(db, fileStore, files.orphanHours, (message, error) =>
    error ? console.error(message, error) : console.log(message),
  );
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await prune.stop();
      await app.close();
      await connection.close();
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

function hardeningFromEnv(env: NodeJS.ProcessEnv): HardeningOptions {
  const trustProxy = env.TRUST_PROXY?.trim();
  return {
    ...(env.BODY_LIMIT_BYTES ? { bodyLimit: positiveInteger(env, 'BODY_LIMIT_BYTES') } : {}),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    ...(env.RATE_LIMIT_APPLICANT_PER_MINUTE
      ? { applicantRateLimitPerMinute: positiveInteger(env, 'RATE_LIMIT_APPLICANT_PER_MINUTE') }
      : {}),
    ...(trustProxy ? { trustProxy: trustProxy === 'true' ? true : trustProxy === 'false' ? false : trustProxy } : {}),
  };
}

/** Sessions and failure limits (api/auth/guard.ts); see the README's configuration table. */
function authFromEnv(env: NodeJS.ProcessEnv): Partial<AuthOptions> {
  return {
    limits: {
      idleMs: positiveInteger(env, 'SESSION_IDLE_MINUTES', 30) * 60_000,
      absoluteMs: positiveInteger(env, 'SESSION_MAX_HOURS', 12) * 3_600_000,
    },
    secureCookie: env.COOKIE_SECURE === 'true',
    loginFailures: positiveInteger(env, 'RATE_LIMIT_LOGIN_FAILURES', 5),
    queryCodeFailures: positiveInteger(env, 'RATE_LIMIT_QUERY_CODE_FAILURES', 10),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback?: number): number {
  if (fallback !== undefined && !env[name]) return fallback;
  const value = Number(env[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${env[name]}"`);
  return value;
}
