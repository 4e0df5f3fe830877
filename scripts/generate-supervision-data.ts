/**
 * Loads a large, realistic set of cases straight into the supervision read models (`supervision_cases` in batches of 5,000 rows, then
 * the daily rollups recomputed from it in SQL), for the supervision benchmark (bench/supervision.ts).
 *
 * The cases are spread over the working days of a period ending on `today`, over WINDOWS windows and the demo
 * catalogue's matters and themes (weighted: immediate registrations most common, joint completion acceptance rare).
 * Each fact row is what rules/supervision.ts would derive from such a case: acceptance the same day or a few days later
 * (some after a supplement, some deemed), decisions mostly within the promised limit, some late, a few beyond the
 * statutory limit, refusals, partial approvals of themes, withdrawals, cases not accepted, terminations, online
 * submissions (no visit) and pick-ups (a second visit); the most recent cases are still open, with the warnings they
 * would carry on `today`. The contribution column comes from rules/supervision.ts contributionOf, as in production.
 *
 * Standalone: `node --import tsx scripts/generate-supervision-data.ts <database-url> [cases] [today]`.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { rebuildSupervisionRollups } from '../db/supervision.ts';
import type { CaseStatus } from '../rules/caseModel.ts';
import type { Catalogue } from '../rules/catalogue.ts';
import { contributionOf, type SupervisionFact } from '../rules/supervision.ts';
import { addCalendarDays, isWorkingDay, type IsoDate } from '../rules/workingDays.ts';

const WINDOWS = 20;

/** A small deterministic PRNG (mulberry32): the same seed gives the same data. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Product {
  matters: Array<{ code: string; name: string; kind: string; departments: string[] }>;
  immediate: boolean;
  promised: number;
  statutory: number;
  warningDays: number;
  theme: boolean;
  weight: number;
}

function products(catalogue: Catalogue): Product[] {
  const weights: Record<string, number> = {
    BUSINESS_REGISTRATION: 18,
    SEAL_ENGRAVING_FILING: 6,
    TAXPAYER_SETUP: 8,
    SOCIAL_INSURANCE_REGISTRATION: 8,
    FOOD_BUSINESS_LICENCE: 10,
    OUTDOOR_AD_PERMIT: 6,
    FIRE_SAFETY_INSPECTION: 6,
    SEWAGE_DISCHARGE_PERMIT: 3,
    PUBLIC_PLACE_HEALTH_LICENCE: 5,
    ENV_IMPACT_REPORT_APPROVAL: 2,
    CONSTRUCTION_COMPLETION_ACCEPTANCE: 1,
    LABOUR_DISPATCH_LICENCE: 1,
    REAL_ESTATE_TRANSFER_REGISTRATION: 14,
  };
  const product = (codes: string[], theme: boolean, weight: number): Product => {
    const ms = codes.map((c) => catalogue.matters.find((m) => m.code === c)!);
    const warn = ms.map((m) => m.warningDays).filter((d) => d > 0);
    return {
      matters: ms.map((m) => ({
        code: m.code,
        name: m.name,
        kind: m.kind,
        departments: m.departments.map((d) => d.code),
      })),
      immediate: ms.every((m) => m.kind === 'immediate'),
      promised: Math.max(...ms.map((m) => m.promisedLimitDays)),
      statutory: Math.max(...ms.map((m) => m.statutoryLimitDays)),
      warningDays: warn.length > 0 ? Math.min(...warn) : 3,
      theme,
      weight,
    };
  };
  return [
    ...catalogue.matters.map((m) => product([m.code], false, weights[m.code] ?? 1)),
    ...catalogue.themes.map((t) => product(t.matters, true, t.code === 'START_BUSINESS' ? 8 : 3)),
  ];
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈';
const TRADES = [
  '餐饮管理',
  '商贸',
  '科技',
  '建筑工程',
  '物业服务',
  '文化传媒',
  '食品',
  '劳务派遣',
  '环保科技',
  '医疗器械',
];

interface GenerateOptions {
  cases: number;
  /** The last day cases are received, and "today" for the open cases' warnings. */
  today: IsoDate;
  /** Calendar days back from today over which cases are received. */
  spanDays?: number;
  seed?: number;
  log?: (line: string) => void;
}

export async function generateSupervisionData(sql: postgres.Sql, options: GenerateOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const catalogue = JSON.parse(
    readFileSync(new URL('../db/seed/catalogue.json', import.meta.url), 'utf8'),
  ) as Catalogue;
  const rand = random(options.seed ?? 9);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const all = products(catalogue);
  const totalWeight = all.reduce((s, p) => s + p.weight, 0);
  const pickProduct = () => {
    let r = rand() * totalWeight;
    for (const p of all) if ((r -= p.weight) < 0) return p;
    return all.at(-1)!;
  };
  // Working days from the start of the span to well after today, so day arithmetic is an index step.
  const start = addCalendarDays(options.today, -(options.spanDays ?? 1000));
  const days: IsoDate[] = [];
  for (let d = start; d <= addCalendarDays(options.today, 200); d = addCalendarDays(d, 1)) {
    if (isWorkingDay(d)) days.push(d);
  }
  const todayIndex = days.findIndex((d) => d >= options.today);
  const today = options.today;
  const receiptDays = days.slice(0, todayIndex + (isWorkingDay(today) ? 1 : 0));

  await sql`TRUNCATE supervision_cases, supervision_daily, supervision_daily_days`;
  const started = Date.now();
  // Batches of rows as one JSON parameter each, read by jsonb_populate_recordset (typed by the table itself).
  function* batches(): Generator<SupervisionFact[]> {
    let chunk: SupervisionFact[] = [];
    for (let i = 0; i < options.cases; i++) {
      const receivedIndex = Math.floor(rand() * receiptDays.length);
      const receivedOn = receiptDays[receivedIndex]!;
      const minutes = 9 * 60 + Math.floor(rand() * 8 * 60);
      const receivedAt = new Date(
        Date.parse(`${receivedOn}T00:00:00+08:00`) + minutes * 60_000 + Math.floor(rand() * 60_000),
      ).toISOString();
      const p = pickProduct();
      const online = rand() < 0.2;
      let visits = online ? 0 : 1;
      let status: CaseStatus;
      let acceptedIndex: number | null = null;
      let closedIndex: number | null = null;
      let dueOn: IsoDate | null = null;
      let warning: { level: 'yellow' | 'red'; deadline: 'acceptance' | 'review'; due: IsoDate } | null = null;
      const r = rand();
      if (r < 0.04) {
        status = 'not_accepted';
        closedIndex = receivedIndex + Math.floor(rand() * 3);
      } else {
        // Accepted on the day (most), the next days, or after a one-time notice and a supplement (a second visit).
        const supplement = !p.immediate && rand() < 0.1;
        if (supplement && rand() < 0.7) visits += 1;
        acceptedIndex =
          receivedIndex + (p.immediate ? 0 : supplement ? 3 + Math.floor(rand() * 6) : Math.floor(rand() * 3));
        const late = rand();
        const review = p.immediate
          ? rand() < 0.97
            ? 0
            : 1
          : late < 0.9
            ? 1 + Math.floor(rand() * p.promised)
            : late < 0.98
              ? p.promised + 1 + Math.floor(rand() * Math.max(1, p.statutory - p.promised))
              : p.statutory + 1 + Math.floor(rand() * 10);
        const decidedIndex = acceptedIndex + review;
        const outcome = rand();
        if (outcome < 0.02 && !p.immediate) {
          status = 'withdrawn';
          closedIndex = acceptedIndex + Math.floor(rand() * Math.max(1, review));
        } else if (outcome < 0.025 && !p.immediate) {
          status = 'terminated';
          closedIndex = decidedIndex;
        } else {
          closedIndex = decidedIndex;
          status =
            outcome < 0.075 ? 'refused' : p.theme && !p.immediate && outcome < 0.2 ? 'partially_approved' : 'approved';
          if (status !== 'refused' && !online && rand() < 0.35) visits += 1; // picked up at the window
        }
      }
      // Still open on today: not yet accepted (the last days), or not yet decided.
      if (acceptedIndex !== null && acceptedIndex > todayIndex) {
        status = 'received';
        const due = days[receivedIndex + 5]!;
        dueOn = due;
        acceptedIndex = null;
        closedIndex = null;
      } else if (closedIndex !== null && closedIndex > todayIndex && status !== 'not_accepted') {
        status = 'in_review';
        closedIndex = null;
      } else if (closedIndex !== null && closedIndex > todayIndex) {
        status = 'received';
        dueOn = days[receivedIndex + 5]!;
        closedIndex = null;
      }
      const promisedDue = acceptedIndex !== null ? days[acceptedIndex + p.promised]! : null;
      const statutoryDue = acceptedIndex !== null ? days[acceptedIndex + p.statutory]! : null;
      if (status === 'in_review') dueOn = promisedDue;
      let nearDueAfter: IsoDate | null = null;
      if (dueOn) {
        const dueIndex = days.indexOf(dueOn);
        nearDueAfter = days[dueIndex - p.warningDays]!;
        const deadline = status === 'received' ? 'acceptance' : 'review';
        if (dueOn < today) warning = { level: 'red', deadline, due: dueOn };
        else if (nearDueAfter < today) warning = { level: 'yellow', deadline, due: dueOn };
      }
      const closedOn = closedIndex !== null ? days[closedIndex]! : null;
      const decided = status === 'approved' || status === 'partially_approved' || status === 'refused';
      const decidedOn = decided ? closedOn : null;
      const departments = [...new Set(p.matters.flatMap((m) => m.departments))].sort();
      const pairs = [...new Set(p.matters.flatMap((m) => m.departments.map((d) => `${d}|${m.code}`)))].sort();
      const holding = status === 'in_review' ? pairs.filter(() => rand() < 0.7) : [];
      const idNumber = `91${String(Math.floor(rand() * 1e6)).padStart(6, '0')}${String(i).padStart(10, '0')}`;
      const fact: Omit<SupervisionFact, 'contribution'> = {
        case_no: `SQ${String(i + 1).padStart(10, '0')}`,
        window: `W${String(1 + Math.floor(rand() * WINDOWS)).padStart(2, '0')}`,
        received_at: receivedAt,
        received_on: receivedOn,
        accepted_on: acceptedIndex !== null ? days[acceptedIndex]! : null,
        decided_on: decidedOn,
        closed_on: closedOn,
        status,
        immediate: p.immediate,
        on_time: decided && promisedDue ? decidedOn! <= promisedDue : null,
        within_statutory: decided && statutoryDue ? decidedOn! <= statutoryDue : null,
        same_day: decided && p.immediate ? decidedOn === receivedOn : null,
        visits,
        working_days: decided && acceptedIndex !== null ? closedIndex! - acceptedIndex : null,
        promised_due: promisedDue,
        statutory_due: statutoryDue,
        due_on: dueOn,
        near_due_after: nearDueAfter,
        warning_level: warning?.level ?? null,
        warning_rank: warning ? (warning.level === 'red' ? 2 : 1) : 0,
        warning_deadline: warning?.deadline ?? null,
        warning_due: warning?.due ?? null,
        warning_at: warning ? new Date(Date.parse(`${warning.due}T16:00:00Z`)).toISOString() : null,
        holder_departments: [...new Set(holding.map((h) => h.split('|')[0]!))],
        holder_pairs: holding,
        departments,
        matters: p.matters.map((m) => m.code),
        department_matters: pairs,
        matter_names: p.matters.map((m) => m.name),
        applicant_name: `${pick([...SURNAMES])}记${pick(TRADES)}有限公司`,
        applicant_id_masked: `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-4)}`,
        urgent: rand() < 0.002,
        last_seq: 10,
      };
      const row: SupervisionFact = { ...fact, contribution: contributionOf(fact) };
      chunk.push(row);
      if (chunk.length >= 5000) {
        yield chunk;
        chunk = [];
      }
      if ((i + 1) % 200_000 === 0) log(`  ${i + 1} cases written (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    if (chunk.length > 0) yield chunk;
  }
  for (const batch of batches()) {
    await sql`INSERT INTO supervision_cases
      SELECT * FROM jsonb_populate_recordset(NULL::supervision_cases, ${JSON.stringify(batch)}::jsonb)`;
  }
  log(`  cases inserted in ${((Date.now() - started) / 1000).toFixed(1)} s; rebuilding the daily rollups`);
  const rollupStarted = Date.now();
  await rebuildSupervisionRollups(sql);
  await sql`VACUUM ANALYZE supervision_cases`;
  log(`  rollups rebuilt in ${((Date.now() - rollupStarted) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, count, today] = process.argv.slice(2);
  if (!url) {
    console.error('usage: generate-supervision-data.ts <database-url> [cases=1000000] [today=2026-10-30]');
    process.exit(2);
  }
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  await generateSupervisionData(sql, {
    cases: Number(count ?? 1_000_000),
    today: today ?? '2026-10-30',
    log: console.log,
  });
  await sql.end();
}
