/**
 * 电子监察 and 台帐 in SQL: the recording activity's part (CTEs that keep the read models) and the queries.
 *
 * Tables (db/schema.ts): `supervision_cases` (one fact row per case, rules/supervision.ts), `supervision_daily`
 * (daily sums of the cases' contributions at every grain of window × department × matter) and
 * `supervision_daily_days` (decisions per day and working days to decision: the median's histogram).
 */
import type postgres from 'postgres';
import { CONTRIBUTION_MEASURES, supervisionFact, type SupervisionFact } from '../rules/supervision.ts';
import type { CaseState } from '../rules/caseModel.ts';
import { addCalendarDays, type IsoDate } from '../rules/workingDays.ts';

type Sql = postgres.Sql;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const measures = CONTRIBUTION_MEASURES.map(ident);

/**
 * The CTEs that bring a case's supervision rows up to date, to splice after the recording statement's own CTEs
 * (`WITH ... , <these> SELECT ...`). A step's fact row replaces the case's previous one (if older); the rollups
 * receive the difference between the new contribution and the previous one. A retried step finds its own row
 * already written (same `last_seq`): it adds nothing again. Rollup rows are written in key order, so concurrent
 * cases lock shared rows in the same order (no deadlock).
 */
export function supervisionCtes(sql: Sql, state: CaseState) {
  const fact = supervisionFact(state);
  const columns = Object.keys(fact) as Array<keyof SupervisionFact>;
  const setList = sql.unsafe(
    `(${columns.map(ident).join(', ')}) = (${columns.map((c) => `excluded.${ident(c)}`).join(', ')})`,
  );
  const deltaSums = sql.unsafe(measures.map((m) => `sum(sign * ${m})::int AS ${m}`).join(', '));
  const anyChange = sql.unsafe(measures.map((m) => `sum(sign * ${m}) <> 0`).join(' OR '));
  const measureList = sql.unsafe(measures.join(', '));
  const measureSelect = sql.unsafe(measures.map((m) => `d.${m}`).join(', '));
  const addUp = sql.unsafe(measures.map((m) => `${m} = supervision_daily.${m} + excluded.${m}`).join(', '));
  return sql`
    , sv_new AS (
      SELECT * FROM jsonb_populate_record(NULL::supervision_cases, ${JSON.stringify(fact)}::jsonb)
    ), sv_prev AS (
      SELECT contribution FROM supervision_cases WHERE case_no = ${fact.case_no} AND last_seq < ${fact.last_seq}
    ), sv_changes AS (
      SELECT 1 AS sign, c.* FROM sv_new, jsonb_populate_recordset(NULL::supervision_contribution, sv_new.contribution) c
      WHERE NOT EXISTS (SELECT 1 FROM supervision_cases WHERE case_no = ${fact.case_no} AND last_seq >= ${fact.last_seq})
      UNION ALL
      SELECT -1, c.* FROM sv_prev, jsonb_populate_recordset(NULL::supervision_contribution, sv_prev.contribution) c
    ), sv_buckets AS (
      -- every change counts on its day and in its month (grain prefixed 'M', day = the month's first day)
      SELECT c.*, b.prefix, b.bucket FROM sv_changes c
        CROSS JOIN LATERAL (VALUES ('', c.day), ('M', date_trunc('month', c.day)::date)) b(prefix, bucket)
    ), sv_delta AS (
      SELECT prefix, bucket AS day, ${deltaSums} FROM sv_buckets GROUP BY prefix, bucket HAVING ${anyChange}
    ), sv_days_delta AS (
      SELECT prefix, bucket AS day, working_days, sum(sign * decided)::int AS decided FROM sv_buckets
      WHERE working_days IS NOT NULL GROUP BY prefix, bucket, working_days HAVING sum(sign * decided) <> 0
    ), sv_keys AS (
      SELECT k.* FROM sv_new n,
        supervision_rollup_keys(n."window", n.departments, n.matters, n.department_matters) k
    ), sv_daily AS (
      INSERT INTO supervision_daily (grain, day, "window", department, matter, ${measureList})
      SELECT d.prefix || k.grain, d.day, k."window", k.department, k.matter, ${measureSelect}
      FROM sv_delta d CROSS JOIN sv_keys k ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (grain, day, "window", department, matter) DO UPDATE SET ${addUp}
      RETURNING 1
    ), sv_daily_days AS (
      INSERT INTO supervision_daily_days (grain, day, "window", department, matter, working_days, decided)
      SELECT d.prefix || k.grain, d.day, k."window", k.department, k.matter, d.working_days, d.decided
      FROM sv_days_delta d CROSS JOIN sv_keys k ORDER BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (grain, day, "window", department, matter, working_days)
        DO UPDATE SET decided = supervision_daily_days.decided + excluded.decided
      RETURNING 1
    ), sv_case AS (
      INSERT INTO supervision_cases SELECT * FROM sv_new
      ON CONFLICT (case_no) DO UPDATE SET ${setList}
      WHERE supervision_cases.last_seq <= excluded.last_seq
      RETURNING 1
    )`;
}

/** Recompute both rollups from the fact rows (after a bulk load, or to repair). */
export async function rebuildSupervisionRollups(sql: Sql): Promise<void> {
  const sums = sql.unsafe(measures.map((m) => `sum(c.${m})::int`).join(', '));
  const measureList = sql.unsafe(measures.join(', '));
  await sql.begin(async (tx) => {
    await tx`TRUNCATE supervision_daily, supervision_daily_days`;
    await tx`
      INSERT INTO supervision_daily (grain, day, "window", department, matter, ${measureList})
      SELECT b.prefix || k.grain, b.bucket, k."window", k.department, k.matter, ${sums}
      FROM supervision_cases f
        CROSS JOIN LATERAL jsonb_populate_recordset(NULL::supervision_contribution, f.contribution) c
        CROSS JOIN LATERAL (VALUES ('', c.day), ('M', date_trunc('month', c.day)::date)) b(prefix, bucket)
        CROSS JOIN LATERAL supervision_rollup_keys(f."window", f.departments, f.matters, f.department_matters) k
      GROUP BY 1, 2, 3, 4, 5`;
    await tx`
      INSERT INTO supervision_daily_days (grain, day, "window", department, matter, working_days, decided)
      SELECT b.prefix || k.grain, b.bucket, k."window", k.department, k.matter, f.working_days, count(*)::int
      FROM supervision_cases f
        CROSS JOIN LATERAL (VALUES ('', f.decided_on), ('M', date_trunc('month', f.decided_on)::date)) b(prefix, bucket)
        CROSS JOIN LATERAL supervision_rollup_keys(f."window", f.departments, f.matters, f.department_matters) k
      WHERE f.decided_on IS NOT NULL AND f.working_days IS NOT NULL
        AND f.status IN ('approved', 'partially_approved', 'refused')
      GROUP BY 1, 2, 3, 4, 5, 6`;
  });
  // VACUUM as well: the rollups are read by index-only scans, which need the visibility map.
  await sql`VACUUM ANALYZE supervision_daily`;
  await sql`VACUUM ANALYZE supervision_daily_days`;
}

// ---------------------------------------------------------------------------------------------------------------
// Overview

interface OverviewFilters {
  department?: string;
  matter?: string;
  window?: string;
}

type Dimension = 'window' | 'department' | 'matter';

export interface Figures {
  received: number;
  urgent: number;
  accepted: number;
  decided: number;
  approved: number;
  partiallyApproved: number;
  refused: number;
  withdrawn: number;
  notAccepted: number;
  terminated: number;
  onTime: number;
  onTimeRate: number | null;
  withinStatutory: number;
  withinStatutoryRate: number | null;
  overdueOpen: number;
  nearDueOpen: number;
  medianWorkingDaysToDecision: number | null;
  atMostOneVisit: number;
  atMostOneVisitRate: number | null;
  immediateDecided: number;
  sameDay: number;
  sameDayRate: number | null;
  /**
   * 好差评: ratings given in the period (rated_on), per level; a voided rating (申诉 upheld by a supervisor) counts
   * nowhere. A rating counts for the department concerned (its follow-up's owner), the case's window and each of
   * the case's matters.
   */
  ratings: Record<string, number>;
}

type Sums = Record<(typeof CONTRIBUTION_MEASURES)[number], number>;

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

/** The median of a histogram (value → count); the mean of the two middle values for an even count. */
export function histogramMedian(histogram: Map<number, number>): number | null {
  const values = [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = values.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const at = (k: number) => {
    let seen = 0;
    for (const [v, n] of values) {
      seen += n;
      if (seen > k) return v;
    }
    return values.at(-1)![0];
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

function figures(
  sums: Sums | undefined,
  live: { overdue: number; near: number } | undefined,
  median: number | null,
  ratings: Record<string, number> = {},
) {
  const s = sums ?? (Object.fromEntries(CONTRIBUTION_MEASURES.map((m) => [m, 0])) as Sums);
  const result: Figures = {
    received: s.received,
    urgent: s.urgent,
    accepted: s.accepted,
    decided: s.decided,
    approved: s.approved,
    partiallyApproved: s.partially_approved,
    refused: s.refused,
    withdrawn: s.withdrawn,
    notAccepted: s.not_accepted,
    terminated: s.terminated,
    onTime: s.on_time,
    onTimeRate: rate(s.on_time, s.decided),
    withinStatutory: s.within_statutory,
    withinStatutoryRate: rate(s.within_statutory, s.decided),
    overdueOpen: live?.overdue ?? 0,
    nearDueOpen: live?.near ?? 0,
    medianWorkingDaysToDecision: median,
    atMostOneVisit: s.at_most_one_visit,
    atMostOneVisitRate: rate(s.at_most_one_visit, s.decided),
    immediateDecided: s.immediate_decided,
    sameDay: s.same_day,
    sameDayRate: rate(s.same_day, s.immediate_decided),
    ratings,
  };
  return result;
}

const keyColumn: Record<Dimension, string> = { window: '"window"', department: 'department', matter: 'matter' };

/** The rollup grain holding the filters' keys and the breakdown's: 'w', 'd', 'm' in that order, '' for none. */
function grainOf(filters: OverviewFilters, by?: Dimension): string {
  const keys = new Set<Dimension>();
  for (const d of ['window', 'department', 'matter'] as const) if (filters[d] !== undefined) keys.add(d);
  if (by) keys.add(by);
  return (['window', 'department', 'matter'] as const)
    .filter((d) => keys.has(d))
    .map((d) => d[0])
    .join('');
}

const firstOfMonth = (d: IsoDate) => `${d.slice(0, 7)}-01`;
const nextMonth = (d: IsoDate) => firstOfMonth(addCalendarDays(firstOfMonth(d), 31));

/**
 * A period as whole months (read from the monthly rows) and the days before and after them (daily rows): a year
 * reads 12 monthly rows per key instead of 365 daily ones.
 */
export function splitPeriod(
  from: IsoDate,
  to: IsoDate,
): { months?: [IsoDate, IsoDate]; days: Array<[IsoDate, IsoDate]> } {
  const fullFrom = from.endsWith('-01') ? from : nextMonth(from);
  const lastFull = addCalendarDays(to, 1).endsWith('-01')
    ? firstOfMonth(to)
    : firstOfMonth(addCalendarDays(firstOfMonth(to), -1));
  if (fullFrom > lastFull) return { days: [[from, to]] };
  const days: Array<[IsoDate, IsoDate]> = [];
  if (from < fullFrom) days.push([from, addCalendarDays(fullFrom, -1)]);
  if (nextMonth(lastFull) <= to) days.push([nextMonth(lastFull), to]);
  return { months: [fullFrom, lastFull], days };
}

function rollupWhere(sql: Sql, filters: OverviewFilters, from: IsoDate, to: IsoDate, by?: Dimension) {
  const grain = grainOf(filters, by);
  const { months, days } = splitPeriod(from, to);
  const parts = [
    ...(months ? [sql`(grain = ${`M${grain}`} AND day BETWEEN ${months[0]}::date AND ${months[1]}::date)`] : []),
    ...days.map(([a, b]) => sql`(grain = ${grain} AND day BETWEEN ${a}::date AND ${b}::date)`),
  ];
  const period = parts.reduce((acc, part) => sql`${acc} OR ${part}`);
  return sql`(${period})
    ${filters.window !== undefined ? sql`AND "window" = ${filters.window}` : sql``}
    ${filters.department !== undefined ? sql`AND department = ${filters.department}` : sql``}
    ${filters.matter !== undefined ? sql`AND matter = ${filters.matter}` : sql``}`;
}

/**
 * Open cases overdue or near due today, per key. A department "has" an open case when it holds an open task of it;
 * with a matter as well, an open task of that matter. A matter: the case includes it. A window: it received it.
 */
function liveQuery(sql: Sql, filters: OverviewFilters, today: IsoDate, by?: Dimension) {
  const dept = filters.department !== undefined || by === 'department';
  const matter = filters.matter !== undefined || by === 'matter';
  const source = dept
    ? matter
      ? sql`CROSS JOIN LATERAL (SELECT split_part(p, '|', 1) AS department, split_part(p, '|', 2) AS matter
                                FROM unnest(f.holder_pairs) p) x`
      : sql`CROSS JOIN LATERAL (SELECT h AS department FROM unnest(f.holder_departments) h) x`
    : matter
      ? sql`CROSS JOIN LATERAL (SELECT m AS matter FROM unnest(f.matters) m) x`
      : sql``;
  const key = by === 'window' ? sql`f."window"` : by ? sql.unsafe(`x.${by}`) : sql`''`;
  return sql<Array<{ key: string; overdue: number; near: number }>>`
    SELECT ${key} AS key,
      count(*) FILTER (WHERE f.due_on < ${today}::date)::int AS overdue,
      count(*) FILTER (WHERE f.near_due_after < ${today}::date AND f.due_on >= ${today}::date)::int AS near
    FROM supervision_cases f ${source}
    WHERE f.due_on IS NOT NULL
      ${filters.window !== undefined ? sql`AND f."window" = ${filters.window}` : sql``}
      ${filters.department !== undefined ? sql`AND x.department = ${filters.department}` : sql``}
      ${filters.matter !== undefined ? sql`AND x.matter = ${filters.matter}` : sql``}
    GROUP BY 1`;
}

async function breakdown(
  sql: Sql,
  filters: OverviewFilters,
  from: IsoDate,
  to: IsoDate,
  today: IsoDate,
  by?: Dimension,
): Promise<Map<string, Figures>> {
  const key = by ? sql.unsafe(keyColumn[by]) : sql`''`;
  const sums = sql.unsafe(measures.map((m) => `sum(${m})::int AS ${m}`).join(', '));
  const [totals, days, live] = await Promise.all([
    sql<Array<Sums & { key: string }>>`
      SELECT ${key} AS key, ${sums} FROM supervision_daily WHERE ${rollupWhere(sql, filters, from, to, by)} GROUP BY 1`,
    sql<Array<{ key: string; working_days: number; decided: number }>>`
      SELECT ${key} AS key, working_days, sum(decided)::int AS decided FROM supervision_daily_days
      WHERE ${rollupWhere(sql, filters, from, to, by)} GROUP BY 1, 2`,
    liveQuery(sql, filters, today, by),
  ]);
  const ratings = await ratingCounts(sql, filters, from, to, by);
  const histograms = new Map<string, Map<number, number>>();
  for (const row of days) {
    const h = histograms.get(row.key) ?? histograms.set(row.key, new Map()).get(row.key)!;
    h.set(row.working_days, row.decided);
  }
  const bySums = new Map(totals.map((r) => [r.key, r]));
  const byLive = new Map(live.map((r) => [r.key, r]));
  const keys = by ? [...new Set([...bySums.keys(), ...byLive.keys(), ...ratings.keys()])].sort() : [''];
  const result = new Map<string, Figures>();
  for (const k of keys) {
    const histogram = histograms.get(k);
    result.set(
      k,
      figures(bySums.get(k), byLive.get(k), histogram ? histogramMedian(histogram) : null, ratings.get(k) ?? {}),
    );
  }
  return result;
}

/** 好差评 per level from the ratings read model (small: rated cases only), matters through the case's fact row. */
async function ratingCounts(
  sql: Sql,
  filters: OverviewFilters,
  from: IsoDate,
  to: IsoDate,
  by?: Dimension,
): Promise<Map<string, Record<string, number>>> {
  const byMatter = by === 'matter' || filters.matter !== undefined;
  const key =
    by === 'matter'
      ? sql`m.matter`
      : by === 'window'
        ? sql`r."window"`
        : by === 'department'
          ? sql`r.department`
          : sql`''`;
  const rows = await sql<Array<{ key: string; level: string; n: number }>>`
    SELECT ${key} AS key, r.level, count(*)::int AS n
    FROM ratings r
    ${byMatter ? sql`JOIN supervision_cases c ON c.case_no = r.case_no CROSS JOIN LATERAL unnest(c.matters) AS m(matter)` : sql``}
    WHERE r.rated_on BETWEEN ${from}::date AND ${to}::date AND r.status <> 'voided'
      ${filters.department !== undefined ? sql`AND r.department = ${filters.department}` : sql``}
      ${filters.window !== undefined ? sql`AND r."window" = ${filters.window}` : sql``}
      ${filters.matter !== undefined ? sql`AND m.matter = ${filters.matter}` : sql``}
    GROUP BY 1, 2`;
  const result = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const levels = result.get(row.key) ?? result.set(row.key, {}).get(row.key)!;
    levels[row.level] = row.n;
  }
  return result;
}

export async function supervisionOverview(
  sql: Sql,
  params: { from: IsoDate; to: IsoDate; today: IsoDate; filters: OverviewFilters },
) {
  const { from, to, today, filters } = params;
  const [totals, byWindow, byDepartment, byMatter] = await Promise.all([
    breakdown(sql, filters, from, to, today),
    breakdown(sql, filters, from, to, today, 'window'),
    breakdown(sql, filters, from, to, today, 'department'),
    breakdown(sql, filters, from, to, today, 'matter'),
  ]);
  return { totals: totals.get('')!, byWindow, byDepartment, byMatter };
}

// ---------------------------------------------------------------------------------------------------------------
// Alerts

interface AlertRow {
  case_no: string;
  window: string;
  status: string;
  matters: string[];
  matter_names: string[];
  applicant_name: string;
  warning_level: 'yellow' | 'red';
  warning_deadline: string;
  warning_due: string;
  warning_at: string;
  holder_departments: string[];
  urgent: boolean;
}

/** Open cases with a warning in force: red before yellow, then the earliest due, then the case number. */
export async function supervisionAlerts(sql: Sql, params: { department?: string; limit: number }) {
  const where = sql`warning_rank > 0
    ${params.department !== undefined ? sql`AND ${params.department} = ANY(holder_departments)` : sql``}`;
  const [rows, [count]] = await Promise.all([
    sql<AlertRow[]>`
      SELECT case_no, "window", status, matters, matter_names, applicant_name, warning_level, warning_deadline,
             to_char(warning_due, 'YYYY-MM-DD') AS warning_due, warning_at, holder_departments, urgent
      FROM supervision_cases WHERE ${where}
      ORDER BY warning_rank DESC, warning_due, case_no LIMIT ${params.limit}`,
    sql<Array<{ red: number; yellow: number }>>`
      SELECT count(*) FILTER (WHERE warning_rank = 2)::int AS red, count(*) FILTER (WHERE warning_rank = 1)::int AS yellow
      FROM supervision_cases WHERE ${where}`,
  ]);
  return { rows, red: count?.red ?? 0, yellow: count?.yellow ?? 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Ledger (台帐)

export interface LedgerRow {
  case_no: string;
  received_at: string;
  received_on: string;
  matters: string[];
  matter_names: string[];
  applicant_name: string;
  applicant_id_masked: string;
  accepted_on: string | null;
  promised_due: string | null;
  closed_on: string | null;
  status: string;
  visits: number;
  urgent: boolean;
}

export function ledgerRows(sql: Sql, params: { window: string; from: IsoDate; to: IsoDate }) {
  return sql<LedgerRow[]>`
    SELECT case_no, received_at, to_char(received_on, 'YYYY-MM-DD') AS received_on, matters, matter_names,
           applicant_name, applicant_id_masked, to_char(accepted_on, 'YYYY-MM-DD') AS accepted_on,
           to_char(promised_due, 'YYYY-MM-DD') AS promised_due, to_char(closed_on, 'YYYY-MM-DD') AS closed_on,
           status, visits, urgent
    FROM supervision_cases
    WHERE "window" = ${params.window} AND received_on BETWEEN ${params.from}::date AND ${params.to}::date
    ORDER BY received_on, received_at, case_no`;
}

/** Follow-ups (整改) of bad ratings still open with a warning: red first, then the earliest due. */
export function followUpAlerts(sql: Sql, params: { department?: string; limit: number }) {
  return sql<Array<{ id: string; case_no: string; department: string; level: string; due: string; warning: string }>>`
    SELECT id, case_no, department, level, due::text AS due, warning FROM follow_ups
    WHERE status = 'open' AND warning IS NOT NULL
      ${params.department !== undefined ? sql`AND department = ${params.department}` : sql``}
    ORDER BY (warning = 'red') DESC, due, id
    LIMIT ${params.limit}`;
}
