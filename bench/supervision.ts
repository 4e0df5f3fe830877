/**
 * `npm run bench:supervision`: the time of each supervision query at a million cases.
 *
 * Starts an embedded PostgreSQL in BENCH_SUPERVISION_DIR (default: <tmp>/approvals-supervision-bench, outside the
 * repository), runs the migrations, loads BENCH_SUPERVISION_CASES cases with scripts/generate-supervision-data.ts
 * (or, with `--reuse`, keeps the cases already there when their number matches), then runs every query
 * BENCH_SUPERVISION_RUNS times after BENCH_SUPERVISION_WARMUP untimed runs and prints p50 / p95 / max per query.
 * The queries are the API's own (db/supervision.ts), called on a pool like the API's; the HTTP layer adds well under
 * a millisecond. A benchmark, not a test: it fails nothing. The data folder is kept for `--reuse`; delete it when done.
 *
 * Env (all optional): BENCH_SUPERVISION_CASES (1000000), BENCH_SUPERVISION_TODAY (2026-10-30: the last day of
 * receipts and "today" for the open cases), BENCH_SUPERVISION_RUNS (30), BENCH_SUPERVISION_WARMUP (5),
 * BENCH_SUPERVISION_DIR, BENCH_SUPERVISION_PORT (a free port).
 */
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { createDatabase, runMigrations } from '../db/client.ts';
import { ledgerRows, supervisionAlerts, supervisionOverview } from '../db/supervision.ts';
import { freePort } from '../infra/ports.ts';
import { startEmbeddedPostgres } from '../infra/postgres.ts';
import { addCalendarDays } from '../rules/workingDays.ts';
import { generateSupervisionData } from '../scripts/generate-supervision-data.ts';

const CASES = Number(process.env.BENCH_SUPERVISION_CASES ?? 1_000_000);
const TODAY = process.env.BENCH_SUPERVISION_TODAY ?? '2026-10-30';
const RUNS = Number(process.env.BENCH_SUPERVISION_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_SUPERVISION_WARMUP ?? 5);
const DIR = process.env.BENCH_SUPERVISION_DIR ?? path.join(os.tmpdir(), 'approvals-supervision-bench');
const reuse = process.argv.includes('--reuse');

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  const port = Number(process.env.BENCH_SUPERVISION_PORT ?? (await freePort()));
  console.log(`PostgreSQL in ${DIR} (port ${port})`);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(DIR, 'pg'), port });
  const { sql, close } = createDatabase(pg.url, { max: 10 });
  try {
    await runMigrations(pg.url);
    const [{ n }] = (await sql`SELECT count(*)::int AS n FROM supervision_cases`) as unknown as [{ n: number }];
    if (reuse && n === CASES) {
      console.log(`reusing ${n} cases`);
    } else {
      console.log(`generating ${CASES} cases (received over the 1000 days up to ${TODAY})`);
      const started = Date.now();
      await generateSupervisionData(sql, { cases: CASES, today: TODAY, log: console.log });
      console.log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    // As autovacuum would have: the visibility map for index-only scans, fresh statistics.
    for (const table of ['supervision_cases', 'supervision_daily', 'supervision_daily_days']) {
      await sql.unsafe(`VACUUM ANALYZE ${table}`);
    }
    const sizes = await sql`
      SELECT relname AS table, n_live_tup::int AS rows, pg_size_pretty(pg_total_relation_size(relid)) AS size
      FROM pg_stat_user_tables WHERE relname LIKE 'supervision%' ORDER BY relname`;
    for (const s of sizes) console.log(`  ${s.table}: ${s.rows} rows, ${s.size} with indexes`);

    const month = { from: addCalendarDays(TODAY, -29), to: TODAY };
    const year = { from: addCalendarDays(TODAY, -364), to: TODAY };
    const whole = { from: addCalendarDays(TODAY, -1000), to: TODAY };
    const overview =
      (p: { from: string; to: string }, filters = {}) =>
      () =>
        supervisionOverview(sql, { ...p, today: TODAY, filters });
    const queries: Array<[string, () => Promise<unknown>]> = [
      ['overview, a month', overview(month)],
      ['overview, a year', overview(year)],
      ['overview, 1000 days (all)', overview(whole)],
      ['overview, a year, department=SAMR', overview(year, { department: 'SAMR' })],
      ['overview, a year, matter=OUTDOOR_AD_PERMIT', overview(year, { matter: 'OUTDOOR_AD_PERMIT' })],
      ['overview, a year, window=W07', overview(year, { window: 'W07' })],
      ['overview, a year, department+matter', overview(year, { department: 'SAMR', matter: 'FOOD_BUSINESS_LICENCE' })],
      ['overview, a year, window+department', overview(year, { window: 'W07', department: 'FIRE_RESCUE' })],
      [
        'overview, a month, all three filters',
        overview(month, { window: 'W07', department: 'SAMR', matter: 'BUSINESS_REGISTRATION' }),
      ],
      ['alerts (first 200)', () => supervisionAlerts(sql, { limit: 200 })],
      ['alerts, department=FIRE_RESCUE', () => supervisionAlerts(sql, { department: 'FIRE_RESCUE', limit: 200 })],
      ['ledger, W01, one day', () => ledgerRows(sql, { window: 'W01', from: TODAY, to: TODAY })],
      ['ledger, W01, a month', () => ledgerRows(sql, { window: 'W01', ...month })],
    ];
    console.log(`\n${RUNS} runs each after ${WARMUP} warm-up runs; milliseconds`);
    console.log(`${'query'.padEnd(44)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}  result`);
    for (const [name, run] of queries) {
      for (let i = 0; i < WARMUP; i++) await run();
      const times: number[] = [];
      let result: unknown;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        result = await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const f = (x: number) => x.toFixed(1).padStart(7);
      console.log(
        `${name.padEnd(44)} ${f(percentile(times, 50))} ${f(percentile(times, 95))} ${f(times.at(-1)!)}  ${describe(result)}`,
      );
    }
    console.log(
      `\nload average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${os.cpus().length} cores`,
    );
    try {
      console.log(
        `data folder: ${execSync(`du -sh ${JSON.stringify(DIR)}`)
          .toString()
          .trim()} (delete when done)`,
      );
    } catch {
      /* du missing: not important */
    }
  } finally {
    await close();
    await pg.stop();
  }
}

function describe(result: unknown): string {
  if (Array.isArray(result)) return `${result.length} rows`;
  const r = result as Record<string, unknown>;
  if (r.totals) {
    const t = r.totals as {
      received: number;
      decided: number;
      onTimeRate: number;
      medianWorkingDaysToDecision: number;
    };
    return `received ${t.received}, decided ${t.decided}, on time ${t.onTimeRate}, median ${t.medianWorkingDaysToDecision}`;
  }
  if (r.rows)
    return `${(r.rows as unknown[]).length} shown of ${Number(r.red) + Number(r.yellow)} (red ${String(r.red)})`;
  return '';
}

await main();
