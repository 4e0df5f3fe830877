/**
 * `npm run bench:queue`: a simulated hall day through the HTTP API. 80 windows call and serve, 2,000 tickets are
 * taken between 09:00 and 17:00 (a morning and an afternoon peak), each served in 3–12 minutes. Virtual time advances
 * a minute at a step: the step's arrivals take their tickets at once, then every window that is free calls at once
 * (the moments when many windows race for the same rows). Prints p50 / p99 / max of taking and of calling (real
 * milliseconds per HTTP request), checks that no ticket was called twice, and prints the day's figures as
 * GET /supervision/queue gives them.
 *
 * Starts an embedded PostgreSQL in a temporary folder and the API in this process (no engine: the queue does not use
 * one). Env (optional): BENCH_QUEUE_WINDOWS (80), BENCH_QUEUE_TICKETS (2000), BENCH_QUEUE_SEED (1).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type ApiDeps } from '../api/app.ts';
import { hashPassword } from '../api/auth/passwords.ts';
import { CatalogueCache } from '../api/catalogueCache.ts';
import { DEFAULT_HALL } from '../api/queue/settings.ts';
import { loadCatalogue, readCatalogueFile } from '../db/catalogue.ts';
import { createDatabase, runMigrations } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { createClock } from '../infra/clock.ts';
import { freePort } from '../infra/ports.ts';
import { startEmbeddedPostgres } from '../infra/postgres.ts';

const WINDOWS = Number(process.env.BENCH_QUEUE_WINDOWS ?? 80);
const TICKETS = Number(process.env.BENCH_QUEUE_TICKETS ?? 2000);
let seed = Number(process.env.BENCH_QUEUE_SEED ?? 1);
/** A small deterministic generator (mulberry32): the same day every run. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const DAY = '2026-03-03';
const OPEN = Date.parse(`${DAY}T09:00:00+08:00`);
const MINUTE = 60_000;
const MINUTES = 8 * 60;

/** Arrival minute (0–479): two peaks, mid-morning and mid-afternoon. */
function arrivalMinute(): number {
  const peak = random() < 0.55 ? 90 : 330;
  const spread = (random() + random() + random() - 1.5) * 120;
  return Math.min(MINUTES - 1, Math.max(0, Math.round(peak + spread)));
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const summary = (values: number[]) =>
  `n=${values.length} p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'approvals-queue-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  const database = createDatabase(pg.url, { max: 20 });
  let now = OPEN;
  try {
    await runMigrations(pg.url);
    const catalogue = await readCatalogueFile();
    await loadCatalogue(database.db, catalogue);
    const hash = await hashPassword('bench');
    const windows = Array.from({ length: WINDOWS }, (_, i) => `W${String(i + 1).padStart(2, '0')}`);
    await database.db.insert(users).values([
      ...windows.map((w) => ({
        username: `clerk.${w}`,
        displayName: w,
        role: 'clerk',
        window: w,
        passwordHash: hash,
      })),
      { username: 'supervisor', displayName: '监察', role: 'supervisor', passwordHash: hash },
    ]);
    const app = await buildApp({
      db: database.db,
      catalogue: new CatalogueCache(database.db, 60_000),
      clock: { ...createClock(), now: () => now },
      hall: { ...DEFAULT_HALL, kioskPerMinute: 1_000_000 },
      // The queue routes never reach the engine or sign anything.
      temporal: {},
      taskQueue: 'bench',
      engineTimeoutMs: 1000,
      certificatePrefix: 'BENCH',
      signingKey: {},
      caseExists: async () => false,
    } as unknown as ApiDeps);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const call = async (method: string, url: string, token?: string, body?: unknown) => {
      const started = performance.now();
      const response = await fetch(`${base}${url}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
    };
    const tokens = new Map<string, string>();
    for (const w of windows) {
      const login = await call('POST', '/auth/login', undefined, { username: `clerk.${w}`, password: 'bench' });
      tokens.set(w, login.body.token as string);
    }

    const matters = catalogue.matters.map((m) => m.code);
    const arrivals = new Map<number, number>();
    for (let i = 0; i < TICKETS; i++) {
      const minute = arrivalMinute();
      arrivals.set(minute, (arrivals.get(minute) ?? 0) + 1);
    }
    const busyUntil = new Map<string, { number: string; until: number }>();
    const taking: number[] = [];
    const calling: number[] = [];
    const serving: number[] = [];
    const calledNumbers: string[] = [];
    const failures: string[] = [];
    const started = Date.now();
    let taken = 0;
    for (let minute = 0; minute < MINUTES || busyUntil.size > 0; minute++) {
      now = OPEN + minute * MINUTE;
      const arriving = arrivals.get(minute) ?? 0;
      await Promise.all(
        Array.from({ length: arriving }, async () => {
          const priority = random() < 0.05;
          const answer = await call('POST', '/queue/tickets', undefined, {
            matter: matters[Math.floor(random() * matters.length)],
            ...(priority ? { priority } : {}),
          });
          taking.push(answer.ms);
          if (answer.status !== 201) failures.push(`take ${answer.status} ${JSON.stringify(answer.body)}`);
          else taken++;
        }),
      );
      await Promise.all(
        windows.map(async (w) => {
          const token = tokens.get(w)!;
          const busy = busyUntil.get(w);
          if (busy && busy.until > now) return;
          if (busy) {
            const served = await call('POST', `/queue/tickets/${busy.number}/served`, token, { caseNos: [] });
            serving.push(served.ms);
            if (served.status !== 200) failures.push(`served ${served.status} ${JSON.stringify(served.body)}`);
            busyUntil.delete(w);
          }
          const next = await call('POST', '/queue/next', token);
          calling.push(next.ms);
          if (next.status === 204) return;
          if (next.status !== 200) {
            failures.push(`next ${next.status} ${JSON.stringify(next.body)}`);
            return;
          }
          calledNumbers.push(next.body.number as string);
          busyUntil.set(w, {
            number: next.body.number as string,
            until: now + (3 + Math.floor(random() * 10)) * MINUTE,
          });
        }),
      );
      if (minute > 24 * 60) throw new Error('the simulated day did not end');
    }
    const elapsed = (Date.now() - started) / 1000;
    const twice = calledNumbers.length - new Set(calledNumbers).size;
    const [db] = (await database.sql`SELECT count(*)::int AS tickets,
        count(*) FILTER (WHERE call_count <> 1)::int AS odd,
        count(*) FILTER (WHERE status <> 'served')::int AS unserved FROM queue_tickets`) as unknown as [
      { tickets: number; odd: number; unserved: number },
    ];
    const supervisor = await call('POST', '/auth/login', undefined, { username: 'supervisor', password: 'bench' });
    const figures = await call('GET', `/supervision/queue?from=${DAY}&to=${DAY}`, supervisor.body.token as string);
    console.log(`simulated day ${DAY}: ${WINDOWS} windows, ${TICKETS} tickets, ${elapsed.toFixed(1)} s real time`);
    console.log(`take  (POST /queue/tickets): ${summary(taking)}`);
    console.log(`call  (POST /queue/next):    ${summary(calling)}`);
    console.log(`serve (POST …/served):       ${summary(serving)}`);
    console.log(
      `tickets in PostgreSQL ${db.tickets}; called ${calledNumbers.length}; called twice: ${twice}; rows called more than once or never: ${db.odd}; not served: ${db.unserved}`,
    );
    if (figures.status === 200) {
      const t = figures.body.total;
      console.log(
        `figures (GET /supervision/queue): waits p50 ${t.waitP50Minutes} min, p90 ${t.waitP90Minutes} min, within 10 min ${(t.withinTargetShare * 100).toFixed(1)}%, service p50 ${t.serviceP50Minutes} min`,
      );
    }
    if (failures.length > 0) console.log(`failures: ${failures.length}, first: ${failures.slice(0, 3).join(' | ')}`);
    const ok = twice === 0 && db.odd === 0 && db.tickets === taken && taken === TICKETS && failures.length === 0;
    console.log(ok ? 'OK: every ticket called exactly once' : 'FAILED');
    await app.close();
    if (!ok) process.exitCode = 1;
  } finally {
    await database.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
