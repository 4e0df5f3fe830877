/**
 * 电子监察 and 台帐 over the real stack: a hand-made set of cases (on time, late, beyond the statutory limit, refused,
 * withdrawn, not accepted, supplemented, immediate, a theme of four departments, open and overdue, urgent) at two
 * windows goes through the HTTP API; the overview's every figure, its breakdowns, the alerts and the ledger (JSON,
 * CSV, xlsx) are checked.
 *
 * Its own stack with a fast clock (one virtual day ≈ 0.72 s), so cases become late for real (the workflows' own
 * timers raise the warnings). Because a fast clock makes the exact day of each step depend on timing, the counts that
 * do not depend on it are hand-counted constants; the day-dependent ones (which day, the median, same-day) are
 * recomputed from each case's own view with the documented definitions, independently of the read models' code.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chinaDate, subtractWorkingDays, workingDaysBetween } from '../../rules/workingDays.ts';
import { applicationBody, login, newKey, type Client } from './http.ts';
import { useOwnStack } from './ownStack.ts';

const SPEED = 120_000;
const own = useOwnStack('supervision', { CLOCK_SPEED: String(SPEED) });
let api: Client;

const catalogue = JSON.parse(readFileSync(new URL('../../db/seed/catalogue.json', import.meta.url), 'utf8')) as {
  matters: Array<{ code: string; warningDays: number }>;
};
const warningDaysOf = (codes: string[]) => {
  const set = codes.map((c) => catalogue.matters.find((m) => m.code === c)!.warningDays).filter((d) => d > 0);
  return set.length > 0 ? Math.min(...set) : 3;
};

const AD = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];
const FOOD = [
  'FOOD_BUSINESS_APPLICATION',
  'BUSINESS_LICENCE',
  'APPLICANT_ID',
  'FOOD_PREMISES_LAYOUT',
  'FOOD_SAFETY_RULES',
  'PREMISES_PROOF',
];
const FIRE = [
  'FIRE_INSPECTION_APPLICATION',
  'BUSINESS_LICENCE',
  'FIRE_SAFETY_PLAN',
  'FIRE_LAYOUT_PLAN',
  'FIRE_ACCEPTANCE_PROOF',
];
const REGISTRATION = ['COMPANY_REGISTRATION_APPLICATION', 'ARTICLES_OF_ASSOCIATION', 'APPLICANT_ID', 'PREMISES_PROOF'];
const START_BUSINESS = [
  ...REGISTRATION,
  'SEAL_FILING_FORM',
  'BUSINESS_LICENCE',
  'FINANCE_STAFF_ID',
  'SOCIAL_INSURANCE_FORM',
];

async function ok<T = any>(reply: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await reply;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The demo clerk of each window: the window a case is received at is the clerk's. */
const CLERKS: Record<string, string> = { W01: 'clerk1', W02: 'clerk2' };
/** Each case's window clerk (who accepts it) and query code (the applicant's). */
const clerkOf = new Map<string, string>();
const queryCodeOf = new Map<string, string>();

async function submit(window: string, matters: string[] | { theme: string }, materials: string[], name: string) {
  const body = applicationBody({
    ...(Array.isArray(matters) ? { matters } : { matters: undefined, theme: matters.theme }),
    materials,
    applicant: { type: 'organisation', name, idNumber: applicationBody().applicant.idNumber },
  });
  if (!Array.isArray(matters)) delete (body as Record<string, unknown>).matters;
  const clerk = CLERKS[window]!;
  const r = await ok(api.as(clerk).post('/applications', body, { 'idempotency-key': newKey() }), 201);
  expect(r.case.receivedBy).toEqual({ clerkId: clerk, window });
  clerkOf.set(r.caseNo, clerk);
  queryCodeOf.set(r.caseNo, r.queryCode);
  return r.caseNo as string;
}
/** The clerk of the window that received the case. */
const clerk = (caseNo: string) => api.as(clerkOf.get(caseNo)!);
const supervisor = () => api.as('supervisor1');
const accept = (caseNo: string) => ok(clerk(caseNo).post(`/applications/${caseNo}/acceptance`, { decision: 'accept' }));
/** The case as a clerk sees it (whole id numbers: the ledger's masking is checked against them). */
const view = (caseNo: string) => ok(api.as('clerk1').get(`/applications/${caseNo}`));
async function decideAll(caseNo: string, decision: 'approve' | 'refuse') {
  const tasks = (await view(caseNo)).tasks.filter((t: any) => t.status === 'open');
  let last: any;
  for (const t of tasks) {
    last = await ok(
      api.as(`reviewer.${t.department}`).post(`/tasks/${t.id}/opinion`, {
        decision,
        ...(decision === 'refuse' ? { reason: '不符合设置规范' } : {}),
      }),
    );
  }
  return last;
}
async function waitFor(caseNo: string, until: (v: any) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await view(caseNo);
    if (until(v)) return v;
    if (Date.now() > deadline) throw new Error(`case ${caseNo} never reached the expected state (${v.status})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const hasWarning = (deadline: string, level: string) => (v: any) =>
  v.warnings.some((w: any) => w.deadline === deadline && w.level === level);

// ---------------------------------------------------------------------------------------------------------------
// The documented definitions, applied to the case views (independent of db/supervision.ts).

const DECIDED = ['approved', 'partially_approved', 'refused'];
const receivedOn = (v: any) => chinaDate(Date.parse(v.receivedAt));
const inPeriod = (d: string | null | undefined, from: string, to: string) => !!d && d >= from && d <= to;
const departmentsOf = (v: any) => new Set(v.matters.flatMap((m: any) => m.departments.map((d: any) => d.code)));
const holders = (v: any) =>
  ['received', 'awaiting_supplement', 'in_review'].includes(v.status)
    ? new Set(
        v.tasks.filter((t: any) => ['open', 'supplement_requested'].includes(t.status)).map((t: any) => t.department),
      )
    : new Set();

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

interface Scope {
  period: (v: any) => boolean;
  live: (v: any) => boolean;
}

function expectedFigures(views: any[], from: string, to: string, asOf: string, scope: Scope) {
  const vs = views.filter(scope.period);
  const decided = vs.filter((v) => DECIDED.includes(v.status) && inPeriod(v.timeliness?.decidedOn, from, to));
  const immediate = decided.filter((v) => v.matters.every((m: any) => m.kind === 'immediate'));
  const closed = (status: string) =>
    vs.filter((v) => v.status === status && inPeriod(v.timeliness?.decidedOn, from, to)).length;
  const open = views.filter(scope.live).flatMap((v) => {
    const due =
      v.status === 'received'
        ? v.deadlines.acceptanceDue
        : v.status === 'in_review' && !v.clock.paused
          ? v.deadlines.promisedDue
          : undefined;
    return due ? [{ due, nearAfter: subtractWorkingDays(due, warningDaysOf(v.matters.map((m: any) => m.code))) }] : [];
  });
  const count = (list: any[], p: (v: any) => boolean) => list.filter(p).length;
  const onTime = count(decided, (v) => v.timeliness.decidedOnTime === true);
  const withinStatutory = count(decided, (v) => v.timeliness.withinStatutoryLimit === true);
  const oneVisit = count(decided, (v) => v.visits <= 1);
  const sameDay = count(immediate, (v) => v.timeliness.sameDay === true);
  return {
    received: count(vs, (v) => inPeriod(receivedOn(v), from, to)),
    urgent: count(vs, (v) => inPeriod(receivedOn(v), from, to) && v.urgent !== null),
    accepted: count(vs, (v) => inPeriod(v.acceptedAt, from, to)),
    decided: decided.length,
    approved: count(decided, (v) => v.status !== 'refused'),
    partiallyApproved: count(decided, (v) => v.status === 'partially_approved'),
    refused: count(decided, (v) => v.status === 'refused'),
    withdrawn: closed('withdrawn'),
    notAccepted: closed('not_accepted'),
    terminated: closed('terminated'),
    onTime,
    onTimeRate: rate(onTime, decided.length),
    withinStatutory,
    withinStatutoryRate: rate(withinStatutory, decided.length),
    overdueOpen: count(open, (o) => o.due < asOf),
    nearDueOpen: count(open, (o) => o.nearAfter < asOf && o.due >= asOf),
    medianWorkingDaysToDecision: median(decided.map((v) => workingDaysBetween(v.acceptedAt, v.timeliness.decidedOn))),
    atMostOneVisit: oneVisit,
    atMostOneVisitRate: rate(oneVisit, decided.length),
    immediateDecided: immediate.length,
    sameDay,
    sameDayRate: rate(sameDay, immediate.length),
    ratings: {},
  };
}

const all: Scope = { period: () => true, live: () => true };
const byWindow = (w: string): Scope => ({
  period: (v) => v.receivedBy.window === w,
  live: (v) => v.receivedBy.window === w,
});
const byDepartment = (d: string): Scope => ({ period: (v) => departmentsOf(v).has(d), live: (v) => holders(v).has(d) });
const byMatter = (m: string): Scope => ({
  period: (v) => v.matters.some((x: any) => x.code === m),
  live: (v) => v.matters.some((x: any) => x.code === m),
});

// ---------------------------------------------------------------------------------------------------------------

type CaseKey =
  | 'onTime'
  | 'refused'
  | 'notAccepted'
  | 'supplemented'
  | 'immediate'
  | 'overdueOpen'
  | 'late'
  | 'beyondStatutory'
  | 'withdrawn'
  | 'theme'
  | 'open';
const cases = {} as Record<CaseKey, string>;
let views: any[] = [];
let firstDay = '';

beforeAll(async () => {
  api = own.api;
  // W01: on time (two departments, delivered by post), refused, not accepted, supplemented at the window then
  // approved (two visits), immediate; open and overdue (urgent).
  // W02: late within the statutory limit, late beyond it, withdrawn, a theme of four immediate matters, open.
  cases.onTime = await submit('W01', ['OUTDOOR_AD_PERMIT'], AD, '按时有限公司');
  cases.refused = await submit('W01', ['FOOD_BUSINESS_LICENCE'], FOOD, '不予许可餐饮店');
  cases.notAccepted = await submit('W01', ['OUTDOOR_AD_PERMIT'], AD, '不予受理广告公司');
  cases.supplemented = await submit('W01', ['OUTDOOR_AD_PERMIT'], AD.slice(0, 2), '补正广告公司');
  cases.immediate = await submit('W01', ['BUSINESS_REGISTRATION'], REGISTRATION, '即办登记有限公司');
  cases.overdueOpen = await submit('W01', ['FIRE_SAFETY_INSPECTION'], FIRE, '=逾期消防公司');
  cases.late = await submit('W02', ['FIRE_SAFETY_INSPECTION'], FIRE, '超期消防公司');
  cases.beyondStatutory = await submit('W02', ['FIRE_SAFETY_INSPECTION'], FIRE, '超法定期限公司');
  cases.withdrawn = await submit('W02', ['OUTDOOR_AD_PERMIT'], AD, '撤回广告公司');
  cases.theme = await submit('W02', { theme: 'START_BUSINESS' }, START_BUSINESS, '企业开办有限公司');

  await accept(cases.onTime);
  await decideAll(cases.onTime, 'approve');
  await ok(
    clerk(cases.onTime).post(`/applications/${cases.onTime}/delivery`, { method: 'post', trackingNumber: 'SF1' }),
  );
  await accept(cases.refused);
  await decideAll(cases.refused, 'refuse');
  await ok(
    clerk(cases.notAccepted).post(`/applications/${cases.notAccepted}/acceptance`, {
      decision: 'reject',
      reason: '不属于本机关职权范围',
    }),
  );
  await ok(
    clerk(cases.supplemented).post(`/applications/${cases.supplemented}/acceptance`, { decision: 'supplement' }),
  );
  // brought to the window: the clerk records the supplement
  await ok(
    clerk(cases.supplemented).post(`/applications/${cases.supplemented}/supplements`, {
      materials: AD.slice(2),
      channel: 'window',
    }),
  );
  await accept(cases.supplemented);
  await decideAll(cases.supplemented, 'approve');
  await accept(cases.immediate);
  await accept(cases.overdueOpen);
  await ok(supervisor().post(`/applications/${cases.overdueOpen}/urgent`, { reason: '重点项目开业在即' }));
  await accept(cases.late);
  await accept(cases.beyondStatutory);
  await accept(cases.withdrawn);
  await ok(
    api
      .withCode(queryCodeOf.get(cases.withdrawn)!)
      .post(`/applications/${cases.withdrawn}/withdrawal`, { reason: '申请人主动撤回' }),
  );
  await accept(cases.theme);

  // Late: decided once the promised date has passed (red review warning), still within the statutory one;
  // beyond: decided once the statutory date has passed too.
  await Promise.all([
    waitFor(cases.late, hasWarning('review', 'red')).then(() => decideAll(cases.late, 'approve')),
    waitFor(cases.beyondStatutory, hasWarning('statutory', 'red'), 90_000).then(() =>
      decideAll(cases.beyondStatutory, 'approve'),
    ),
    waitFor(cases.overdueOpen, hasWarning('review', 'red')),
  ]);
  // One more open case, accepted last: in review, not yet due.
  cases.open = await submit('W02', ['OUTDOOR_AD_PERMIT'], AD, '在办广告公司');
  await accept(cases.open);
  views = await Promise.all(Object.values(cases).map(view));
  firstDay = views.map(receivedOn).sort()[0]!;
}, 180_000);

const refresh = async () => (views = await Promise.all(Object.values(cases).map(view)));
const overview = (query: string) => ok(supervisor().get(`/supervision/overview?${query}`));
const row = (list: any[], key: string, value: string) => list.find((r) => r[key] === value);
const figuresOf = (r: any) => {
  const { window: _w, department: _d, matter: _m, name: _n, ...figures } = r;
  return figures;
};
const WHOLE = 'from=2026-01-01&to=2026-12-31';

describe('supervision overview', () => {
  it('totals: the hand-counted figures, and every figure as the definitions give it from the cases', async () => {
    const o = await overview(WHOLE);
    await refresh();
    const t = o.totals;
    // 11 received; 10 accepted (not the one not accepted); decided on the merits: on time, refused, supplemented,
    // immediate, theme, late, beyond statutory = 7; approved 6, refused 1; withdrawn 1, not accepted 1.
    expect(t).toMatchObject({
      received: 11,
      urgent: 1,
      accepted: 10,
      decided: 7,
      approved: 6,
      partiallyApproved: 0,
      refused: 1,
      withdrawn: 1,
      notAccepted: 1,
      terminated: 0,
      // late and beyond statutory were not on time; beyond statutory alone broke the statutory limit
      onTime: 5,
      onTimeRate: 0.7143,
      withinStatutory: 6,
      withinStatutoryRate: 0.8571,
      // the supplemented case came to the window twice
      atMostOneVisit: 6,
      atMostOneVisitRate: 0.8571,
      // the immediate registration and the four-matter theme
      immediateDecided: 2,
      ratings: {},
    });
    expect(t.overdueOpen).toBeGreaterThanOrEqual(1); // the open fire inspection, past its promised date
    expect(o.asOf).toBe(chinaDate(Date.parse(o.asOf + 'T12:00:00+08:00')));
    expect(t).toEqual(expectedFigures(views, '2026-01-01', '2026-12-31', o.asOf, all));
  });

  it('by window, department and matter: every row as the definitions give it', async () => {
    const o = await overview(WHOLE);
    await refresh();
    const e = (scope: Scope) => expectedFigures(views, '2026-01-01', '2026-12-31', o.asOf, scope);
    expect(o.byWindow.map((r: any) => r.window)).toEqual(['W01', 'W02']);
    expect(row(o.byWindow, 'window', 'W01')).toMatchObject({ received: 6, accepted: 5, decided: 4, notAccepted: 1 });
    expect(row(o.byWindow, 'window', 'W02')).toMatchObject({ received: 5, accepted: 5, decided: 3, withdrawn: 1 });
    for (const r of o.byWindow) expect(figuresOf(r)).toEqual(e(byWindow(r.window)));
    // the theme brings four departments; FIRE_RESCUE has three cases: late, beyond statutory, open and overdue
    expect(o.byDepartment.map((r: any) => r.department).sort()).toEqual(
      ['CITY_MANAGEMENT', 'FIRE_RESCUE', 'HRSS', 'PSB', 'SAMR', 'TAX', 'TRAFFIC_POLICE'].sort(),
    );
    expect(row(o.byDepartment, 'department', 'FIRE_RESCUE')).toMatchObject({
      name: '市消防救援支队',
      received: 3,
      decided: 2,
      onTime: 0,
      withinStatutory: 1,
      overdueOpen: 1,
    });
    // SAMR: the refused food licence, the registration, the theme (its registration matter)
    expect(row(o.byDepartment, 'department', 'SAMR')).toMatchObject({ received: 3, decided: 3, refused: 1 });
    for (const r of o.byDepartment) expect(figuresOf(r)).toEqual(e(byDepartment(r.department)));
    expect(row(o.byMatter, 'matter', 'OUTDOOR_AD_PERMIT')).toMatchObject({
      received: 5,
      accepted: 4,
      decided: 2,
      withdrawn: 1,
      notAccepted: 1,
    });
    for (const r of o.byMatter) expect(figuresOf(r)).toEqual(e(byMatter(r.matter)));
  });

  it('filters: window, department, matter, and a department with a matter', async () => {
    const checks: Array<[string, Scope]> = [
      ['window=W02', byWindow('W02')],
      ['department=FIRE_RESCUE', byDepartment('FIRE_RESCUE')],
      ['matter=OUTDOOR_AD_PERMIT', byMatter('OUTDOOR_AD_PERMIT')],
    ];
    for (const [query, scope] of checks) {
      const o = await overview(`${WHOLE}&${query}`);
      await refresh();
      expect(o.totals, query).toEqual(expectedFigures(views, '2026-01-01', '2026-12-31', o.asOf, scope));
    }
    // Within a window filter, the department breakdown is that window's cases by department.
    const w = await overview(`${WHOLE}&window=W02`);
    const fireW02 = row(w.byDepartment, 'department', 'FIRE_RESCUE');
    expect(fireW02).toMatchObject({ received: 2, decided: 2, onTime: 0, overdueOpen: 0 });
    expect(w.byWindow.map((r: any) => r.window)).toEqual(['W02']);
    // A department with a matter: the cases where that department reviews that matter.
    const pair = await overview(`${WHOLE}&department=TRAFFIC_POLICE&matter=OUTDOOR_AD_PERMIT`);
    expect(pair.totals).toMatchObject({ received: 5, decided: 2, withdrawn: 1 });
    expect(pair.byMatter.map((r: any) => r.matter)).toEqual(['OUTDOOR_AD_PERMIT']);
    const none = await overview(`${WHOLE}&department=SAMR&matter=OUTDOOR_AD_PERMIT`);
    expect(none.totals).toMatchObject({ received: 0, decided: 0, overdueOpen: 0 });
  });

  it('periods: a case counts on the day of each step; open figures are as of today whatever the period', async () => {
    const first = await overview(`from=${firstDay}&to=${firstDay}`);
    await refresh();
    expect(first.totals).toEqual(expectedFigures(views, firstDay, firstDay, first.asOf, all));
    const before = await overview('from=2026-01-01&to=2026-01-31');
    expect(before.totals).toMatchObject({
      received: 0,
      decided: 0,
      onTimeRate: null,
      withinStatutoryRate: null,
      medianWorkingDaysToDecision: null,
      sameDayRate: null,
    });
    expect(before.totals.overdueOpen).toBeGreaterThanOrEqual(1);
  });

  it('bad query parameters are 400 naming the field', async () => {
    const bad: Array<[string, string, string]> = [
      ['to=2026-03-31', 'missing_field', 'from'],
      ['from=2026-03-01&to=2026-02-01', 'invalid_period', 'to'],
      ['from=2026-02-30&to=2026-03-31', 'invalid_date', 'from'],
      ['from=0000-01-01&to=2026-03-31', 'invalid_date', 'from'],
      ['from=2026/03/01&to=2026-03-31', 'invalid_field', 'from'],
      [`${WHOLE}&department=NOPE`, 'unknown_department', 'department'],
      [`${WHOLE}&matter=NOPE`, 'unknown_matter', 'matter'],
      [`${WHOLE}&colour=red`, 'unknown_field', 'colour'],
    ];
    for (const [query, code, field] of bad) {
      const r = await supervisor().get(`/supervision/overview?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body, query).toMatchObject({ code, field });
      expect(r.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('supervision alerts', () => {
  it('open cases under a warning, red before yellow then the earliest due, with who holds them', async () => {
    const { alerts, red, yellow } = await ok(supervisor().get('/supervision/alerts'));
    expect(red + yellow).toBeGreaterThanOrEqual(alerts.length);
    const rank = (a: any) => (a.level === 'red' ? 0 : 1);
    for (let i = 1; i < alerts.length; i++) {
      const [a, b] = [alerts[i - 1], alerts[i]];
      expect(rank(a) < rank(b) || (rank(a) === rank(b) && a.due <= b.due)).toBe(true);
    }
    const overdue = alerts.find((a: any) => a.caseNo === cases.overdueOpen);
    expect(overdue).toMatchObject({
      level: 'red',
      levelLabel: '红牌',
      deadline: 'review',
      urgent: true,
      status: 'in_review',
      window: 'W01',
      heldBy: [{ kind: 'department', code: 'FIRE_RESCUE', name: '市消防救援支队' }],
    });
    // decided, withdrawn or refused cases are not under review warnings any more
    for (const done of [cases.late, cases.beyondStatutory, cases.refused, cases.withdrawn]) {
      expect(alerts.some((a: any) => a.caseNo === done && ['review', 'statutory'].includes(a.deadline))).toBe(false);
    }
    const fire = await ok(supervisor().get('/supervision/alerts?department=FIRE_RESCUE'));
    expect(fire.alerts.map((a: any) => a.caseNo)).toContain(cases.overdueOpen);
    expect(fire.alerts.every((a: any) => a.heldBy.some((h: any) => h.code === 'FIRE_RESCUE'))).toBe(true);
    const samr = await ok(supervisor().get('/supervision/alerts?department=SAMR'));
    expect(samr.alerts.map((a: any) => a.caseNo)).not.toContain(cases.overdueOpen);
    expect((await supervisor().get('/supervision/alerts?limit=0')).body).toMatchObject({ field: 'limit' });
  });
});

describe('ledger (台帐)', () => {
  const maskedOk = (masked: string, full: string) =>
    masked === `${full.slice(0, 3)}${'*'.repeat(full.length - 7)}${full.slice(-4)}`;

  it('JSON: every case received at the window in the period, in order, masked ids, promised dates, status', async () => {
    await refresh();
    const l = await ok(api.as('clerk1').get('/ledger?window=W01&from=2026-01-01&to=2026-12-31'));
    const w01 = views
      .filter((v) => v.receivedBy.window === 'W01')
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    expect(l.count).toBe(6);
    expect(l.cases.map((c: any) => c.caseNo)).toEqual(w01.map((v) => v.caseNo));
    for (const c of l.cases) {
      const v = views.find((x) => x.caseNo === c.caseNo);
      expect(maskedOk(c.applicantIdNumber, v.applicant.idNumber)).toBe(true);
      expect(c.applicantName).toBe(v.applicant.name);
      expect(c.status).toBe(v.status);
      expect(c.visits).toBe(v.visits);
      expect(c.promisedDue).toBe(v.deadlines.promisedDue ?? v.timeliness?.promisedDue ?? null);
      expect(c.matters.map((m: any) => m.code)).toEqual(v.matters.map((m: any) => m.code));
    }
    expect(row(l.cases, 'caseNo', cases.refused)).toMatchObject({ statusLabel: '不予许可' });
    expect(row(l.cases, 'caseNo', cases.notAccepted)).toMatchObject({ statusLabel: '不予受理', promisedDue: null });
    expect(row(l.cases, 'caseNo', cases.supplemented)).toMatchObject({ visits: 2 });
    expect(l.byStatus).toMatchObject({ not_accepted: 1, refused: 1 });
    const day = await ok(api.as('clerk1').get(`/ledger?window=W01&date=${firstDay}`));
    expect(day.cases.map((c: any) => c.caseNo)).toEqual(
      w01.filter((v) => receivedOn(v) === firstDay).map((v) => v.caseNo),
    );
    expect((await ok(api.as('auditor1').get('/ledger?window=W09&date=2026-03-02'))).count).toBe(0);
    // a clerk reads their own window's ledger only
    const other = await api.as('clerk1').get('/ledger?window=W02&date=2026-03-02');
    expect([other.status, other.body.code, other.body.field]).toEqual([403, 'not_your_window', 'window']);
  });

  it('CSV: UTF-8 with a BOM, Chinese headers, one line per case, no formula injection', async () => {
    const r = await fetch(`${own.stack.apiUrl}/ledger?window=W01&from=2026-01-01&to=2026-12-31&format=csv`, {
      headers: { authorization: `Bearer ${await login(own.stack.apiUrl, 'clerk1')}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toContain(
      'attachment; filename="ledger-W01-2026-01-01_2026-12-31.csv"',
    );
    const bytes = Buffer.from(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '序号,办件编号,收件时间,申请事项,申请人,证件号码,受理日期,承诺办结日期,办结日期,办理状态,跑动次数,急办件',
    );
    expect(lines).toHaveLength(7);
    const overdue = lines.find((l) => l.includes(cases.overdueOpen))!;
    expect(overdue).toContain(",'=逾期消防公司,");
    expect(overdue).toContain('营业前消防安全检查');
    expect(overdue).toContain(',审查中,1,是');
    const v = views.find((x) => x.caseNo === cases.onTime);
    expect(lines.find((l) => l.includes(cases.onTime))).toContain(`,${v.applicant.idNumber.slice(0, 3)}***`);
    expect(bytes.toString('utf8')).not.toContain(v.applicant.idNumber);
  });

  it('xlsx: a workbook exceljs reads back, with the title, Chinese headers and every case', async () => {
    const r = await fetch(`${own.stack.apiUrl}/ledger?window=W02&from=2026-01-01&to=2026-12-31&format=xlsx`, {
      headers: { authorization: `Bearer ${await login(own.stack.apiUrl, 'clerk2')}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(r.headers.get('content-disposition')).toContain('.xlsx');
    expect(r.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('台帐')}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('台帐')!;
    expect(String(sheet.getCell(1, 1).value)).toContain('W02 窗口台帐');
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
      '序号',
      '办件编号',
      '收件时间',
      '申请事项',
      '申请人',
      '证件号码',
      '受理日期',
      '承诺办结日期',
      '办结日期',
      '办理状态',
      '跑动次数',
      '急办件',
    ]);
    const caseNos: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 2) caseNos.push(String(row.getCell(2).value));
    });
    await refresh();
    expect(caseNos.sort()).toEqual(
      views
        .filter((v) => v.receivedBy.window === 'W02')
        .map((v) => v.caseNo)
        .sort(),
    );
    const theme = views.find((x) => x.caseNo === cases.theme);
    const themeRow = sheet.getRows(3, caseNos.length)!.find((row) => row.getCell(2).value === cases.theme)!;
    expect(String(themeRow.getCell(4).value)).toBe(theme.matters.map((m: any) => m.name).join('、'));
    expect(themeRow.getCell(10).value).toBe('准予许可');
  });

  it('bad query parameters are 400 naming the field', async () => {
    const bad: Array<[string, string, string]> = [
      ['date=2026-03-02', 'missing_field', 'window'],
      ['window=W01&date=2026-13-01', 'invalid_date', 'date'],
      ['window=W01&date=2026-03-02&from=2026-03-01', 'conflicting_fields', 'date'],
      ['window=W01&from=2026-03-05&to=2026-03-01', 'invalid_period', 'to'],
      ['window=W01&date=2026-03-02&format=pdf', 'invalid_field', 'format'],
    ];
    for (const [query, code, field] of bad) {
      const r = await api.as('clerk1').get(`/ledger?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body, query).toMatchObject({ code, field });
    }
  });
});

describe('follow-ups (整改) of bad ratings under supervision', () => {
  it('an unanswered follow-up gets its yellow then red warning and is listed with the alerts', async () => {
    const submitted = await api
      .as('clerk1')
      .post('/applications', applicationBody({ matters: ['OUTDOOR_AD_PERMIT'] }), {
        'idempotency-key': newKey(),
      });
    const caseNo: string = submitted.body.caseNo;
    await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    const tasks = (await supervisor().get(`/tasks?caseNo=${caseNo}&status=open`)).body as Array<{
      id: string;
      department: string;
    }>;
    const police = tasks.find((t) => t.department === 'TRAFFIC_POLICE')!;
    await api.as('reviewer.TRAFFIC_POLICE').post(`/tasks/${police.id}/opinion`, {
      decision: 'refuse',
      reason: '遮挡交通信号灯',
    });
    const rated = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'very_dissatisfied' },
      { 'x-query-code': submitted.body.queryCode, 'idempotency-key': newKey() },
    );
    expect(rated.status).toBe(201);
    // 15 working days pass in about 15 s on this clock; nobody replies
    let found: { level: string; department: { code: string } } | undefined;
    for (let i = 0; i < 120 && found?.level !== 'red'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const alerts = (await supervisor().get('/supervision/alerts?department=TRAFFIC_POLICE')).body;
      found = alerts.followUps.find((f: { caseNo: string }) => f.caseNo === caseNo);
    }
    expect(found).toMatchObject({ level: 'red', levelLabel: '红牌', ratingLevelName: '非常不满意' });
    expect(found?.department.code).toBe('TRAFFIC_POLICE');
    const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    expect(
      view.warnings.filter((w: { deadline: string }) => w.deadline === 'follow_up').map((w: any) => w.level),
    ).toEqual(['yellow', 'red']);
    const others = (await supervisor().get('/supervision/alerts?department=CITY_MANAGEMENT')).body;
    expect(others.followUps.map((f: { caseNo: string }) => f.caseNo)).not.toContain(caseNo);
  });
});
