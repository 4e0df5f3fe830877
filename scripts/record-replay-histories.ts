/**
 * `npm run replay:record [path-name…]`: records the workflow histories that the replay test
 * (`test/replay/replay.test.ts`) replays against the current workflow code.
 *
 * Starts real stacks in temp dirs (embedded PostgreSQL, the Temporal dev server, the worker and the API, as
 * `npm start` does), drives one case per path through the HTTP API, waits until each has reached the state its path
 * ends in, fetches the history of every run of its workflow and writes them to `test/replay/histories/`. Three
 * stacks, so that each path is driven under the clock it needs:
 * - `steady`: the clock at 1× from Monday 2 March 2026 09:00 (China): no deadline passes while the commands arrive;
 * - `fast`: the same start at 120 000× (a virtual day in 0.72 s): deadlines pass by themselves (timers fire);
 * - `long`: the clock at 1× and a small history limit, so the case continues as new several times;
 * - `closing`: the clock at 1× and CASE_CLOSE_GRACE_MS of 1 s, so a finished case's workflow closes at once and a
 *   later command (a rating, a revocation) reopens it: a new run of the same workflow id starting from `carried`;
 * - `fast-closing`: the fast clock and the 1 s close grace (a reopened case's follow-up deadlines pass by themselves).
 * A case with several runs (continued as new, or reopened) has one file per run, first to last.
 * Given path names, records only those (and leaves the other files alone). Ends by replaying what it wrote.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies of the API, whose shape the checks read (as in test/) */
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { freePort } from '../infra/ports.ts';
import { startStack, type Stack } from '../infra/stack.ts';
import { applicationBody, client, login, newKey, type Client, type Reply } from '../test/integration/http.ts';
import { minimalPdf, minimalPng } from '../test/support/files.ts';
import { freshAddress, upload } from '../test/integration/uploadClient.ts';
import {
  caseWorkflowPath,
  historiesDir,
  historyFileName,
  historyToJson,
  installQuietRuntime,
  isSettled,
  replayHistoryFiles,
  summarise,
  type HistoryFile,
  type HistoryJson,
} from '../test/replay/histories.ts';

const CLOCK_START = '2026-03-02T09:00:00+08:00';
const FAST_SPEED = 120_000;
/** Small enough that the `long` case continues as new every few commands. */
const HISTORY_LIMIT = 20;

/** A finished case's workflow stays open this long on the `closing` stacks (the default is 10 minutes). */
const CLOSE_GRACE_MS = 1000;

type StackName = 'steady' | 'fast' | 'long' | 'closing' | 'fast-closing';
const stackEnv: Record<StackName, Record<string, string>> = {
  steady: { CLOCK_START, CLOCK_SPEED: '1' },
  fast: { CLOCK_START, CLOCK_SPEED: String(FAST_SPEED) },
  long: { CLOCK_START, CLOCK_SPEED: '1' },
  closing: { CLOCK_START, CLOCK_SPEED: '1', CASE_CLOSE_GRACE_MS: String(CLOSE_GRACE_MS) },
  'fast-closing': { CLOCK_START, CLOCK_SPEED: String(FAST_SPEED), CASE_CLOSE_GRACE_MS: String(CLOSE_GRACE_MS) },
};
for (const env of Object.values(stackEnv)) env.DEMO_USERS = 'true';

/** Fields that named the actor before accounts existed: the paths below still say who acts with them. */
const ACTOR_FIELDS = ['clerkId', 'reviewerId', 'headId', 'supervisorId', 'actorId'] as const;

/**
 * The demo user who takes a step, as the people in the hall would: the task's department for task actions, the body's
 * department for department steps, clerk2 where the path names the second window's clerk, the applicant (no account,
 * the query code) for ratings.
 */
function actingUser(method: string, url: string, body: Record<string, unknown> | undefined): string | undefined {
  const task = /^\/tasks\/([^/?]+)/.exec(url)?.[1];
  if (task) return `reviewer.${task.split('-').at(-1)}`;
  if (method === 'GET')
    return url.startsWith('/tasks')
      ? 'supervisor1'
      : url.startsWith('/matters') || url.startsWith('/themes')
        ? undefined
        : 'auditor1';
  if (/\/rating$/.test(url)) return undefined;
  if (/\/(urgent|rating\/appeal\/decision)$/.test(url)) return 'supervisor1';
  if (/\/extensions\/[^/]+\/approval$/.test(url)) return 'head.CITY_MANAGEMENT';
  if (/\/certificates\/[^/]+\/revocation$/.test(url)) return `head.${String(body?.department)}`;
  if (typeof body?.department === 'string') return `reviewer.${body.department}`;
  return body?.clerkId === 'clerk-02' ? 'clerk2' : 'clerk1';
}

/** The HTTP client the paths use: each request signed in as its acting user, the old actor fields dropped. */
function staffClient(api: Client) {
  const strip = (body: unknown) =>
    body && typeof body === 'object'
      ? Object.fromEntries(Object.entries(body).filter(([key]) => !(ACTOR_FIELDS as readonly string[]).includes(key)))
      : body;
  const as = (method: string, url: string, body?: unknown) => {
    const user = actingUser(method, url, body as Record<string, unknown> | undefined);
    return user ? api.as(user) : api;
  };
  return {
    ...api,
    get: (url: string) => as('GET', url).get(url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) =>
      as('POST', url, body).post(url, strip(body), headers),
  };
}

// The recorder always runs stacks of its own: settings meant for another stack must not leak into these.
for (const name of [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'CLOCK_ANCHOR',
  'CLOCK_START',
  'CLOCK_SPEED',
  'CASE_CLOSE_GRACE_MS',
  'RATING_FOLLOW_UP_DAYS',
]) {
  delete process.env[name];
}

const JOINT = 'CONSTRUCTION_COMPLETION_ACCEPTANCE';
const ESCALATED = 'LABOUR_DISPATCH_LICENCE';
const AD = 'OUTDOOR_AD_PERMIT';
const FOOD = 'FOOD_BUSINESS_LICENCE';
const IMMEDIATE = 'BUSINESS_REGISTRATION';
const THEME = 'OPEN_RESTAURANT';

interface Task {
  id: string;
  department: string;
  status: string;
}

/** Commands over HTTP; every one must succeed, or the recording stops with the API's answer. */
function driver(api: Client, temporal: TemporalClient) {
  const required = new Map<string, string[]>();

  function expectReply(reply: Reply, what: string, status = 200): any {
    if (reply.status !== status) throw new Error(`${what}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }
  const post = async (url: string, body: unknown, what: string, status = 200, key: string = newKey()) =>
    expectReply(await api.post(url, body, { 'idempotency-key': key }), what, status);

  const d = {
    baseUrl: api.baseUrl,
    expectReply,
    async requiredMaterials(matter: string): Promise<string[]> {
      const known = required.get(matter);
      if (known) return known;
      const guide = expectReply(await api.get(`/matters/${matter}`), `guide of ${matter}`);
      const codes = (guide.materials as any[]).filter((m) => m.required).map((m) => m.code as string);
      required.set(matter, codes);
      return codes;
    },
    async allRequired(matters: string[]): Promise<string[]> {
      return [...new Set((await Promise.all(matters.map((m) => d.requiredMaterials(m)))).flat())];
    },
    async submit(overrides: Record<string, unknown>): Promise<string> {
      return (await d.submitted(overrides)).caseNo as string;
    },
    /** The submission's answer: the case number and the query code the applicant rates with. */
    submitted: (overrides: Record<string, unknown>) => post('/applications', applicationBody(overrides), 'submit', 201),
    acceptance: (caseNo: string, body: Record<string, unknown>) =>
      post(`/applications/${caseNo}/acceptance`, { clerkId: 'clerk-01', ...body }, `acceptance ${body.decision}`),
    supply: (caseNo: string, body: Record<string, unknown>) =>
      post(`/applications/${caseNo}/supplements`, body, 'supplements'),
    /** Submit with every required material and accept: the case is in review. */
    async inReview(matters: string[], overrides: Record<string, unknown> = {}): Promise<string> {
      const caseNo = await d.submit({ matters, materials: await d.allRequired(matters), ...overrides });
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      return caseNo;
    },
    async tasks(caseNo: string): Promise<Task[]> {
      return expectReply(await api.get(`/tasks?caseNo=${caseNo}`), 'tasks') as Task[];
    },
    async task(caseNo: string, department: string): Promise<Task> {
      const task = (await d.tasks(caseNo)).find((t) => t.department === department);
      if (!task) throw new Error(`no task of ${department} on ${caseNo}`);
      return task;
    },
    opinion: (taskId: string, body: Record<string, unknown>, key?: string) =>
      post(`/tasks/${taskId}/opinion`, { reviewerId: 'reviewer-01', ...body }, `opinion ${body.decision}`, 200, key),
    approve: (taskId: string, key?: string) => d.opinion(taskId, { decision: 'approve' }, key),
    /** Approve every open task, repeatedly (a joint or escalated matter opens the next stage after the first). */
    async approveAll(caseNo: string): Promise<any> {
      let last: any;
      for (;;) {
        const open = (await d.tasks(caseNo)).filter((t) => t.status === 'open');
        if (open.length === 0) return last;
        for (const task of open) last = await d.approve(task.id);
      }
    },
    post,
    async themeMatters(code: string): Promise<string[]> {
      const themes = expectReply(await api.get('/themes'), 'themes') as any[];
      const theme = themes.find((t) => t.code === code);
      if (!theme) throw new Error(`no theme ${code}`);
      return (theme.matters as any[]).map((m) => m.code as string);
    },
    async view(caseNo: string): Promise<any> {
      return expectReply(await api.get(`/applications/${caseNo}`), `case ${caseNo}`);
    },
    async waitFor(caseNo: string, what: string, until: (view: any) => boolean, timeoutMs = 60_000): Promise<any> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const view = await d.view(caseNo);
        if (until(view)) return view;
        if (Date.now() > deadline) throw new Error(`case ${caseNo} never reached "${what}": ${view.status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    expectStatus(state: any, status: string): any {
      if (state?.status !== status) throw new Error(`expected ${status}, got ${state?.status} (${state?.caseNo})`);
      return state;
    },
    /** The run of the case's workflow that commands reach now. */
    async currentRun(caseNo: string): Promise<string> {
      return (await temporal.workflow.getHandle(caseNo).describe()).runId;
    },
    /** Wait until the latest run of the case's workflow has closed (a finished case, after its close grace). */
    async waitClosed(caseNo: string, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while ((await temporal.workflow.getHandle(caseNo).describe()).status.name !== 'COMPLETED') {
        if (Date.now() > deadline) throw new Error(`the workflow of ${caseNo} never closed`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    /** How many runs the case's workflow has had (continued as new or reopened). */
    async runCount(caseNo: string): Promise<number> {
      return (await listRuns(temporal, caseNo)).length;
    },
    check(condition: boolean, what: string): void {
      if (!condition) throw new Error(`expected: ${what}`);
    },
    /** An outdoor-ad case refused by the traffic police, its workflow closed: ready to be rated. */
    async refusedAndClosed(): Promise<{ caseNo: string; queryCode: string }> {
      const matters = [AD];
      const submitted = await d.submitted({ matters, materials: await d.allRequired(matters) });
      const caseNo = submitted.caseNo as string;
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      const tp = await d.task(caseNo, 'TRAFFIC_POLICE');
      d.expectStatus(await d.opinion(tp.id, { decision: 'refuse', reason: '设置位置遮挡交通信号灯' }), 'refused');
      await d.waitClosed(caseNo);
      return { caseNo, queryCode: submitted.queryCode as string };
    },
    /** A scan uploaded by the clerk, or by the applicant for their case with the query code: its file id. */
    async scan(bytes: Buffer, filename: string, applicant?: { caseNo: string; queryCode: string }): Promise<string> {
      const auth = applicant ? { ...applicant, from: freshAddress() } : { token: await login(api.baseUrl, 'clerk1') };
      const reply = await upload(api.baseUrl, bytes, { filename, ...auth });
      if (reply.status !== 201) throw new Error(`upload ${filename}: HTTP ${reply.status} ${reply.bytes.toString()}`);
      return reply.json.id as string;
    },
    /** 好差评 with the case number and query code (the case has closed: this reopens it). */
    async rate(caseNo: string, queryCode: string, level: string): Promise<any> {
      const reply = await api.post(
        `/applications/${caseNo}/rating`,
        { level, comment: '不予许可的理由没有讲清楚', channel: 'window' },
        { 'idempotency-key': newKey(), 'x-query-code': queryCode },
      );
      return expectReply(reply, `rate ${level}`, 201);
    },
  };
  return d;
}

type Driver = ReturnType<typeof driver>;

interface RecordedPath {
  name: string;
  stack: StackName;
  /** Drives one case to the end of its path and returns its case number. */
  drive(d: Driver): Promise<string>;
}

const paths: RecordedPath[] = [
  {
    name: 'materials-with-files',
    stack: 'steady',
    async drive(d) {
      // Scanned at the window (one original seen), one paper; the one-time notice asks for the owner's consent,
      // which the applicant uploads and supplies online; the clerk then sees the drawing's original and accepts.
      const form = await d.scan(minimalPdf(2, 'materials-with-files application form'), '申请表.pdf');
      const licence = await d.scan(minimalPng(3, [10, 20, 30]), '营业执照.png');
      const submitted = await d.submitted({
        matters: [AD],
        materials: [
          { code: 'OUTDOOR_AD_APPLICATION', files: [form] },
          { code: 'BUSINESS_LICENCE', files: [licence], originalSeen: true },
          'AD_DESIGN_DRAWING',
        ],
      });
      const caseNo = submitted.caseNo as string;
      d.check(
        submitted.case.materials.some((m: any) => m.files.length === 1 && m.originalSeen),
        'files recorded',
      );
      d.expectStatus(await d.acceptance(caseNo, { decision: 'supplement' }), 'awaiting_supplement');
      const queryCode = submitted.queryCode as string;
      const consent = await d.scan(minimalPdf(1, 'materials-with-files consent'), '业主同意书.pdf', {
        caseNo,
        queryCode,
      });
      const supplied = d.expectReply(
        await client(d.baseUrl)
          .withCode(queryCode)
          .post(
            `/applications/${caseNo}/supplements`,
            { materials: [{ code: 'OWNER_CONSENT', files: [consent] }], channel: 'online' },
            { 'idempotency-key': newKey() },
          ),
        'supplements with a file',
      );
      d.expectStatus(supplied, 'received');
      await d.post(`/applications/${caseNo}/materials/AD_DESIGN_DRAWING/original-seen`, {}, 'original seen');
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      return caseNo;
    },
  },
  {
    name: 'supplement-at-acceptance',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.submit({ matters: [AD], materials: ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'] });
      const notice = d.expectStatus(await d.acceptance(caseNo, { decision: 'supplement' }), 'awaiting_supplement');
      d.check(notice.notices.at(-1).kind === 'supplement', 'a one-time notice');
      d.expectStatus(await d.supply(caseNo, { materials: ['BUSINESS_LICENCE', 'OWNER_CONSENT'] }), 'received');
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      return caseNo;
    },
  },
  {
    name: 'rejected-at-acceptance',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.submit({ matters: [AD] });
      const state = await d.acceptance(caseNo, { decision: 'reject', reason: '申请事项不属于本机关职权范围' });
      d.expectStatus(state, 'not_accepted');
      return caseNo;
    },
  },
  {
    name: 'accept-with-deficiencies',
    stack: 'steady',
    async drive(d) {
      const matters = [AD, FOOD];
      const deficiencies = ['OWNER_CONSENT', 'FOOD_SAFETY_RULES'];
      const materials = (await d.allRequired(matters)).filter((m) => !deficiencies.includes(m));
      const caseNo = await d.submit({ matters, materials });
      const accepted = await d.acceptance(caseNo, { decision: 'accept_with_deficiencies', deficiencies });
      d.expectStatus(accepted, 'in_review');
      const approved = d.expectStatus(await d.approveAll(caseNo), 'approved');
      d.check(approved.certificates.length === 0, 'certificates withheld while materials are missing');
      const supplied = d.expectStatus(await d.supply(caseNo, { materials: deficiencies }), 'approved');
      d.check(supplied.certificates.length === matters.length, 'every certificate issued once supplied');
      return caseNo;
    },
  },
  {
    name: 'commitments',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.submit({
        matters: [AD],
        materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'],
        commitments: ['OWNER_CONSENT'],
      });
      const accepted = d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      d.check(accepted.commitments.includes('OWNER_CONSENT'), 'accepted on a commitment');
      return caseNo;
    },
  },
  {
    name: 'joint-review',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([JOINT]);
      d.check((await d.task(caseNo, 'HOUSING')).status === 'waiting', 'the lead waits for the co-departments');
      await d.approve((await d.task(caseNo, 'NATURAL_RESOURCES')).id);
      await d.approve((await d.task(caseNo, 'CIVIL_AIR_DEFENCE')).id);
      const lead = await d.task(caseNo, 'HOUSING');
      d.check(lead.status === 'open', 'the lead opens after the co-departments');
      d.expectStatus(await d.approve(lead.id), 'approved');
      return caseNo;
    },
  },
  {
    name: 'escalated-review',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([ESCALATED]);
      d.check((await d.task(caseNo, 'HRSS')).status === 'waiting', 'the higher level waits for the lower');
      await d.approve((await d.task(caseNo, 'DISTRICT_HRSS')).id);
      d.expectStatus(await d.approve((await d.task(caseNo, 'HRSS')).id), 'approved');
      return caseNo;
    },
  },
  {
    name: 'consolidated-notice',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      const cm = await d.task(caseNo, 'CITY_MANAGEMENT');
      const tp = await d.task(caseNo, 'TRAFFIC_POLICE');
      const first = await d.opinion(cm.id, {
        decision: 'supplement',
        materials: ['AD_STRUCTURE_SAFETY'],
        reason: '招牌面积较大，需补充结构安全说明',
      });
      d.expectStatus(first, 'in_review');
      const second = await d.opinion(tp.id, {
        decision: 'supplement',
        materials: ['AD_DESIGN_DRAWING'],
        reason: '设置位置示意图未标明与交通信号灯的距离',
      });
      d.expectStatus(second, 'awaiting_supplement');
      d.check(second.clock.paused === true, 'the clock stops while the applicant supplies');
      const supplied = await d.supply(caseNo, { materials: ['AD_STRUCTURE_SAFETY', 'AD_DESIGN_DRAWING'] });
      d.expectStatus(supplied, 'in_review');
      d.expectStatus(await d.approveAll(caseNo), 'approved');
      return caseNo;
    },
  },
  {
    name: 'special-procedure',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      const cm = await d.task(caseNo, 'CITY_MANAGEMENT');
      const started = await d.post(
        `/tasks/${cm.id}/special-procedures`,
        {
          type: 'expert_review',
          expectedWorkingDays: 5,
          reason: '大型招牌结构安全需组织专家评审',
          reviewerId: 'cm-01',
        },
        'start special procedure',
        201,
      );
      d.check(started.case.clock.paused === true, 'the clock stops during the procedure');
      const ended = await d.post(
        `/tasks/${cm.id}/special-procedures/${started.procedure.id}/end`,
        { reviewerId: 'cm-01' },
        'end special procedure',
      );
      d.check(ended.clock.paused === false, 'the clock runs again');
      d.expectStatus(await d.approveAll(caseNo), 'approved');
      return caseNo;
    },
  },
  {
    name: 'extension',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      const requested = await d.post(
        `/applications/${caseNo}/extensions`,
        { department: 'CITY_MANAGEMENT', reason: '设置位置涉及主干道，需会同交通部门现场踏勘', reviewerId: 'cm-01' },
        'request extension',
        201,
      );
      const approved = await d.post(
        `/applications/${caseNo}/extensions/${requested.extension.id}/approval`,
        { decision: 'approve', headId: 'cm-head' },
        'approve extension',
      );
      d.check(approved.extensions[0]?.status === 'approved', 'the extension is granted');
      return caseNo;
    },
  },
  {
    name: 'refusal',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      const cm = await d.task(caseNo, 'CITY_MANAGEMENT');
      const refused = await d.opinion(cm.id, { decision: 'refuse', reason: '设置位置遮挡交通标志' });
      d.expectStatus(refused, 'refused');
      d.check((await d.task(caseNo, 'TRAFFIC_POLICE')).status === 'cancelled', 'the other task is cancelled');
      return caseNo;
    },
  },
  {
    name: 'withdrawal',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([JOINT]);
      const withdrawn = await d.post(`/applications/${caseNo}/withdrawal`, { reason: '项目计划调整' }, 'withdraw');
      d.expectStatus(withdrawn, 'withdrawn');
      return caseNo;
    },
  },
  {
    name: 'delivery',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      d.expectStatus(await d.approveAll(caseNo), 'approved');
      const delivered = await d.post(
        `/applications/${caseNo}/delivery`,
        { method: 'post', trackingNumber: 'EMS1234567890CN', clerkId: 'clerk-01' },
        'deliver',
      );
      d.check(delivered.delivery?.method === 'post', 'delivered by post');
      return caseNo;
    },
  },
  {
    name: 'theme',
    stack: 'steady',
    async drive(d) {
      const matters = await d.themeMatters(THEME);
      const caseNo = await d.submit({ matters: undefined, theme: THEME, materials: await d.allRequired(matters) });
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      const approved = d.expectStatus(await d.approveAll(caseNo), 'approved');
      d.check(approved.certificates.length === matters.length, 'one certificate per matter of the theme');
      return caseNo;
    },
  },
  {
    name: 'immediate',
    stack: 'steady',
    async drive(d) {
      const caseNo = await d.submit({ matters: [IMMEDIATE], materials: await d.requiredMaterials(IMMEDIATE) });
      const decided = d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'approved');
      d.check(decided.tasks.length === 0 && decided.certificates.length === 1, 'decided at the window');
      return caseNo;
    },
  },
  {
    name: 'deemed-acceptance',
    stack: 'fast',
    async drive(d) {
      const caseNo = await d.submit({ matters: [AD] });
      const view = await d.waitFor(caseNo, 'deemed accepted', (v) => v.status !== 'received');
      d.expectStatus(view, 'in_review');
      d.check(view.deemedAccepted === true, 'accepted by the deadline, not by a clerk');
      // One command after it, so that the history also holds the state the timer made (in the Update's answer).
      const cm = await d.task(caseNo, 'CITY_MANAGEMENT');
      const answered = await d.approve(cm.id);
      d.check(answered.deemedAccepted === true, 'the answer shows the deemed acceptance');
      return caseNo;
    },
  },
  {
    name: 'supplement-expired',
    stack: 'fast',
    async drive(d) {
      const caseNo = await d.submit({ matters: [AD], materials: ['OUTDOOR_AD_APPLICATION'] });
      d.expectStatus(await d.acceptance(caseNo, { decision: 'supplement' }), 'awaiting_supplement');
      const view = await d.waitFor(caseNo, 'not accepted', (v) => v.status !== 'awaiting_supplement');
      d.expectStatus(view, 'not_accepted');
      return caseNo;
    },
  },
  {
    name: 'continue-as-new',
    stack: 'long',
    async drive(d) {
      const caseNo = await d.submit({ matters: [AD], materials: ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'] });
      d.expectStatus(await d.acceptance(caseNo, { decision: 'supplement' }), 'awaiting_supplement');
      d.expectStatus(await d.supply(caseNo, { materials: ['BUSINESS_LICENCE', 'OWNER_CONSENT'] }), 'received');
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      const cm = await d.task(caseNo, 'CITY_MANAGEMENT');
      const tp = await d.task(caseNo, 'TRAFFIC_POLICE');
      const retried = newKey();
      const runOfFirst = await d.currentRun(caseNo);
      d.expectStatus(await d.approve(cm.id, retried), 'in_review');
      const procedure = await d.post(
        `/tasks/${tp.id}/special-procedures`,
        { type: 'testing', expectedWorkingDays: 3, reason: '需对招牌结构进行检测', reviewerId: 'tp-01' },
        'start special procedure',
        201,
      );
      await d.post(
        `/tasks/${tp.id}/special-procedures/${procedure.procedure.id}/end`,
        { reviewerId: 'tp-01' },
        'end special procedure',
      );
      d.expectStatus(await d.approve(tp.id), 'approved');
      // The first opinion again with the same Idempotency-Key, now in a later run (the engine deduplicates an
      // Update id within one run only): the case recognises it and answers without applying it twice.
      d.check((await d.currentRun(caseNo)) !== runOfFirst, 'the case has continued as new since the first opinion');
      d.expectStatus(await d.approve(cm.id, retried), 'approved');
      const opinions = (await d.view(caseNo)).events.filter((e: any) => e.type === 'opinion_given');
      d.check(opinions.length === 2, 'the retried opinion was recorded once');
      const delivered = await d.post(
        `/applications/${caseNo}/delivery`,
        { method: 'pickup', clerkId: 'clerk-02' },
        'deliver',
      );
      d.check(delivered.delivery?.method === 'pickup', 'delivered at the window');
      return caseNo;
    },
  },
  {
    name: 'partially-approved',
    stack: 'closing',
    async drive(d) {
      const matters = await d.themeMatters(THEME);
      const caseNo = await d.submit({ matters: undefined, theme: THEME, materials: await d.allRequired(matters) });
      d.expectStatus(await d.acceptance(caseNo, { decision: 'accept' }), 'in_review');
      const refused = await d.opinion((await d.task(caseNo, 'TRAFFIC_POLICE')).id, {
        decision: 'refuse',
        reason: '设置位置遮挡交通信号灯',
      });
      d.expectStatus(refused, 'in_review');
      const outcome = (view: any, matter: string) => (view.matters as any[]).find((m) => m.code === matter)?.outcome;
      d.check(outcome(refused, AD) === 'refused', 'the refused matter is decided, the others go on');
      const decided = d.expectStatus(await d.approveAll(caseNo), 'partially_approved');
      const certified = (decided.certificates as any[]).map((c) => c.matter);
      d.check(
        certified.length === matters.length - 1 && !certified.includes(AD),
        'certificates for the approved matters only',
      );
      const delivered = await d.post(
        `/applications/${caseNo}/delivery`,
        { method: 'pickup', clerkId: 'clerk-01' },
        'deliver',
      );
      d.check(delivered.delivery?.method === 'pickup', 'a partial approval is delivered like an approval');
      // Closed after its grace: the last run's result carries the case and its chain head.
      await d.waitClosed(caseNo);
      return caseNo;
    },
  },
  {
    name: 'urgent',
    stack: 'closing',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      const marked = await d.post(
        `/applications/${caseNo}/urgent`,
        { reason: '省重点项目，要求限期开业', supervisorId: 'supervisor-01' },
        'mark urgent',
      );
      d.check(marked.urgent?.by === 'supervisor1', 'marked urgent by the supervisor');
      d.expectStatus(await d.approveAll(caseNo), 'approved');
      await d.post(`/applications/${caseNo}/delivery`, { method: 'pickup', clerkId: 'clerk-01' }, 'deliver');
      await d.waitClosed(caseNo);
      return caseNo;
    },
  },
  {
    name: 'revocation-after-close',
    stack: 'closing',
    async drive(d) {
      const caseNo = await d.inReview([AD]);
      d.expectStatus(await d.approveAll(caseNo), 'approved');
      const delivered = await d.post(
        `/applications/${caseNo}/delivery`,
        { method: 'pickup', clerkId: 'clerk-01' },
        'deliver',
      );
      const certificateNo: string = delivered.certificates[0].certificateNo;
      await d.waitClosed(caseNo);
      d.check((await d.runCount(caseNo)) === 1, 'one run before the revocation');
      const key = newKey();
      const revocation = { department: 'CITY_MANAGEMENT', reason: '许可依法被撤销', reviewerId: 'cm-head' };
      const revoked = await d.post(`/certificates/${certificateNo}/revocation`, revocation, 'revoke', 200, key);
      d.check(revoked.certificate?.revoked?.department === 'CITY_MANAGEMENT', 'revoked by the issuing department');
      await d.waitClosed(caseNo);
      // The same request again once the reopened run has closed too: answered from what it carried, no third run.
      const retried = await d.post(`/certificates/${certificateNo}/revocation`, revocation, 'revoke again', 200, key);
      d.check(retried.certificate?.revoked?.at === revoked.certificate.revoked.at, 'the first answer');
      d.check((await d.runCount(caseNo)) === 2, 'reopened once');
      return caseNo;
    },
  },
  {
    name: 'rating-reply',
    stack: 'closing',
    async drive(d) {
      const { caseNo, queryCode } = await d.refusedAndClosed();
      const rated = await d.rate(caseNo, queryCode, 'very_dissatisfied');
      d.check(rated.followUp?.department === 'TRAFFIC_POLICE', 'a follow-up for the refusing department');
      const replied = await d.post(
        `/applications/${caseNo}/follow-up/reply`,
        {
          department: 'TRAFFIC_POLICE',
          text: '已向申请人当面说明不予许可的理由，并改进告知书写法',
          reviewerId: 'tp-02',
        },
        'reply to the follow-up',
      );
      d.check(replied.followUp?.status === 'replied', 'the department replied');
      // Replied, the follow-up has no deadline left: the case closes again, and the appeal reopens it once more.
      await d.waitClosed(caseNo);
      const appealed = await d.post(
        `/applications/${caseNo}/rating/appeal`,
        { department: 'TRAFFIC_POLICE', reason: '申请人评价与办件无关（投诉停车收费）', reviewerId: 'tp-02' },
        'appeal the rating',
      );
      d.check(appealed.rating?.status === 'appealed', 'appealed');
      const voided = await d.post(
        `/applications/${caseNo}/rating/appeal/decision`,
        { decision: 'void', reason: '经核实，评价内容与本办件无关', supervisorId: 'sup-01' },
        'decide the appeal',
      );
      d.check(voided.rating?.status === 'voided', 'the rating is voided');
      await d.waitClosed(caseNo);
      d.check((await d.runCount(caseNo)) === 3, 'reopened for the rating and again for the appeal');
      return caseNo;
    },
  },
  {
    name: 'rating-follow-up',
    stack: 'fast-closing',
    async drive(d) {
      const { caseNo, queryCode } = await d.refusedAndClosed();
      const rated = await d.rate(caseNo, queryCode, 'dissatisfied');
      d.check(rated.followUp?.status === 'open', 'a follow-up is opened');
      await d.post(
        `/applications/${caseNo}/rating/appeal`,
        { department: 'TRAFFIC_POLICE', reason: '已依法说明理由，评价与事实不符', reviewerId: 'tp-02' },
        'appeal the rating',
      );
      const upheld = await d.post(
        `/applications/${caseNo}/rating/appeal/decision`,
        { decision: 'uphold', reason: '评价属实，维持评价', supervisorId: 'sup-01' },
        'decide the appeal',
      );
      d.check(upheld.rating?.status === 'valid' && upheld.followUp?.status === 'open', 'upheld: the follow-up runs');
      // Nobody replies: the follow-up's yellow and red warnings fire on their own, then the case closes again.
      const warned = await d.waitFor(caseNo, 'follow-up red warning', (v) =>
        (v.warnings as any[]).some((w) => w.deadline === 'follow_up' && w.level === 'red'),
      );
      const levels = (warned.warnings as any[]).filter((w) => w.deadline === 'follow_up').map((w) => w.level);
      d.check(levels.join() === 'yellow,red', 'yellow, then red');
      await d.waitClosed(caseNo);
      d.check((await d.runCount(caseNo)) === 2, 'reopened once, for the rating');
      return caseNo;
    },
  },
];

/**
 * The run ids of the case's workflow, first to last, from the engine's visibility store (which lags a little: read
 * until it lists the run that commands reach now).
 */
async function listRuns(temporal: TemporalClient, workflowId: string): Promise<string[]> {
  const latest = (await temporal.workflow.getHandle(workflowId).describe()).runId;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listed: Array<{ runId: string; startTime: number }> = [];
    for await (const run of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      listed.push({ runId: run.runId, startTime: run.startTime.getTime() });
    }
    if (listed.some((r) => r.runId === latest)) {
      return listed.sort((a, b) => a.startTime - b.startTime).map((r) => r.runId);
    }
    if (Date.now() > deadline) throw new Error(`${workflowId}: run ${latest} never listed`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Every run of the case's workflow, first to last, each once it has settled: runs continued as new (each names the
 * run it continued) and runs reopened after the case had closed (a new run of the same id, named by nothing).
 */
async function fetchRuns(temporal: TemporalClient, workflowId: string): Promise<HistoryJson[]> {
  const runs: HistoryJson[] = [];
  for (const runId of await listRuns(temporal, workflowId)) {
    const handle = temporal.workflow.getHandle(workflowId, runId);
    const deadline = Date.now() + 30_000;
    let history: HistoryJson;
    for (;;) {
      history = historyToJson(await handle.fetchHistory());
      if (isSettled(history)) break;
      if (Date.now() > deadline) throw new Error(`${workflowId} run ${runId} did not settle`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const continuedFrom = summarise(history).continuedFrom;
    const previous = runs.at(-1);
    if (continuedFrom && (!previous || summarise(previous).runId !== continuedFrom)) {
      throw new Error(`${workflowId} run ${runId} continued ${continuedFrom}, which is not the run before it`);
    }
    runs.push(history);
  }
  return runs;
}

async function withStack<T>(name: StackName, use: (stack: Stack) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `approvals-replay-${name}-`));
  console.log(`starting the ${name} stack in ${dataDir}`);
  let stack: Stack | undefined;
  let failed = true;
  try {
    stack = await startStack({
      dataDir,
      apiPort: await freePort(),
      env: stackEnv[name],
      ...(name === 'long' ? { caseHistoryLimit: HISTORY_LIMIT } : {}),
    });
    const result = await use(stack);
    failed = false;
    return result;
  } finally {
    await stack?.stop();
    // A failed recording keeps its stack's logs for a look.
    if (failed) console.error(`logs kept in ${path.join(dataDir, 'logs')}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  installQuietRuntime();
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !paths.some((p) => p.name === name));
  if (unknown.length)
    throw new Error(`unknown paths: ${unknown.join(', ')} (known: ${paths.map((p) => p.name).join(', ')})`);
  const selected = paths.filter((p) => only.length === 0 || only.includes(p.name));
  const recorded = new Map<string, HistoryJson[]>();

  for (const stackName of ['steady', 'long', 'fast', 'closing', 'fast-closing'] as const) {
    const group = selected.filter((p) => p.stack === stackName);
    if (group.length === 0) continue;
    await withStack(stackName, async (stack) => {
      const connection = await Connection.connect({ address: stack.temporalAddress });
      try {
        const temporal = new TemporalClient({ connection, namespace: stack.namespace });
        const d = driver(staffClient(client(stack.apiUrl)), temporal);
        // Paths on the fast clock wait for deadlines: drive them side by side; the others one after another.
        const cases = new Map<string, string>();
        const drive = async (p: RecordedPath) => {
          cases.set(p.name, await p.drive(d));
          console.log(`  ${p.name}: case ${cases.get(p.name)} reached the end of its path`);
        };
        if (stackEnv[stackName].CLOCK_SPEED !== '1') await Promise.all(group.map(drive));
        else for (const p of group) await drive(p);
        for (const p of group) recorded.set(p.name, await fetchRuns(temporal, cases.get(p.name) as string));
      } finally {
        await connection.close();
      }
    });
  }

  // What was recorded must replay against the code that recorded it, or it is no fixture: checked before writing.
  const files: HistoryFile[] = [...recorded].flatMap(([pathName, runs]) =>
    runs.map((history, i) => ({ file: historyFileName(pathName, i + 1, runs.length), pathName, run: i + 1, history })),
  );
  const failures = (await replayHistoryFiles(files, { workflowsPath: caseWorkflowPath })).filter((o) => o.error);
  for (const failure of failures) console.error(`${failure.file}: ${failure.error?.name}: ${failure.error?.message}`);
  if (failures.length) throw new Error(`${failures.length} recorded histories do not replay; nothing written`);
  console.log(`replayed ${files.length} recorded histories against the current code: all deterministic`);

  await mkdir(historiesDir, { recursive: true });
  const replaced = (await readdir(historiesDir)).filter(
    (file) =>
      file.endsWith('.json') &&
      (only.length === 0 || selected.some((p) => file === `${p.name}.json` || file.startsWith(`${p.name}.run-`))),
  );
  for (const file of replaced) await rm(path.join(historiesDir, file));
  for (const { file, history } of files) {
    await writeFile(path.join(historiesDir, file), `${JSON.stringify(history, null, 2)}\n`);
    console.log(`wrote ${file} (${history.events.length} events)`);
  }
}

await main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
