/** One application through its life, over HTTP, against the real stack (PostgreSQL + Temporal + worker + API). */
import { describe, expect, it, inject } from 'vitest';
import postgres from 'postgres';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { replay, type CaseEvent } from '../../rules/caseModel.ts';
import { applicationBody, caseInReview, client, newKey } from './http.ts';
import { TEST_TODAY } from './clock.ts';

const api = client(inject('apiUrl'));

describe('health and catalogue', () => {
  it('reports ok when PostgreSQL and Temporal answer', async () => {
    const health = await api.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('publishes the demo catalogue: matters across departments, a joint, an immediate matter and a theme', async () => {
    const matters = (await api.get('/matters')).body as any[];
    expect(matters.length).toBeGreaterThanOrEqual(6);
    const departments = new Set(matters.flatMap((m) => m.departments.map((d: any) => d.code)));
    expect(departments.size).toBeGreaterThanOrEqual(4);
    expect(matters.some((m) => m.kind === 'joint' && m.departments.length === 3)).toBe(true);
    expect(matters.some((m) => m.kind === 'immediate')).toBe(true);
    for (const m of matters) expect(m.departments.filter((d: any) => d.lead)).toHaveLength(1);
    const themes = (await api.get('/themes')).body as any[];
    expect(themes.some((t) => t.matters.length >= 3)).toBe(true);
  });

  it('serves the service guide with its nine public elements', async () => {
    const guide = await api.get('/matters/OUTDOOR_AD_PERMIT');
    expect(guide.status).toBe(200);
    const g = guide.body.guide;
    for (const element of [
      'handlingBody',
      'legalBasis',
      'conditions',
      'procedure',
      'timeLimit',
      'result',
      'feeBasis',
      'feeAmountYuan',
      'supervision',
    ]) {
      expect(g[element], element).not.toBeUndefined();
      expect(g[element], element).not.toBe('');
    }
    expect(g.timeLimit.statutoryWorkingDays).toBe(20);
    expect((await api.get('/matters/NO_SUCH_MATTER')).body.code).toBe('matter_not_found');
  });
});

describe('an application through its life', () => {
  it('supplement with a one-time notice, supply, accept, parallel review, approval, one certificate per matter', async () => {
    const body = applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'] });
    const clerk = api.as('clerk1');
    const submitted = await clerk.post('/applications', body, { 'idempotency-key': newKey() });
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('received');
    expect(submitted.body.caseNo).toMatch(/^SQ\d{14}$/);
    expect(submitted.body.queryCode).toMatch(/^\d{6}$/);
    const caseNo = submitted.body.caseNo;
    // 首问负责: the clerk who received it is the applicant's contact for the whole case
    expect(submitted.body.case.firstContact).toEqual({ clerkId: 'clerk1', window: 'W01' });

    const notice = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'supplement' });
    expect(notice.status).toBe(200);
    expect(notice.body.status).toBe('awaiting_supplement');
    const sent = notice.body.notices.at(-1);
    expect(sent.kind).toBe('supplement');
    // Every required material not provided, at once; optional ones never.
    expect(sent.items.map((i: any) => i.code).sort()).toEqual(['BUSINESS_LICENCE', 'OWNER_CONSENT']);
    expect(sent.body).toContain('一次性告知');
    expect(sent.due).toBe(addWorkingDays(TEST_TODAY, 10));

    // the applicant supplies online with the query code given at submission
    const supplied = await api.withCode(submitted.body.queryCode).post(`/applications/${caseNo}/supplements`, {
      materials: ['BUSINESS_LICENCE', 'OWNER_CONSENT'],
    });
    expect(supplied.status).toBe(200);
    expect(supplied.body.status).toBe('received');

    const accepted = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(accepted.body.status).toBe('in_review');
    expect(accepted.body.deadlines).toEqual({
      statutoryDue: addWorkingDays(TEST_TODAY, 20),
      promisedDue: addWorkingDays(TEST_TODAY, 10),
    });

    // One open task per department, both visible in their department's inbox at the same time.
    for (const department of ['CITY_MANAGEMENT', 'TRAFFIC_POLICE']) {
      const reviewer = api.as(`reviewer.${department}`);
      const inbox = await reviewer.get(`/tasks?department=${department}&status=open`);
      const task = (inbox.body as any[]).find((t) => t.caseNo === caseNo);
      expect(task, department).toMatchObject({ matter: 'OUTDOOR_AD_PERMIT', department, status: 'open' });
      expect(task.due).toBe(addWorkingDays(TEST_TODAY, 10));
      const opinion = await reviewer.post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
      expect(opinion.status).toBe(200);
    }

    const view = await clerk.get(`/applications/${caseNo}`);
    expect(view.body.status).toBe('approved');
    // decided the day it was accepted: on time, and the due dates stay on the finished case
    expect(view.body.timeliness).toMatchObject({
      decidedOn: view.body.acceptedAt,
      decidedOnTime: true,
      withinStatutoryLimit: true,
    });
    expect(view.body.timeliness.promisedDue > view.body.acceptedAt).toBe(true);
    expect(view.body.certificates).toHaveLength(1);
    expect(view.body.certificates[0]).toMatchObject({ matter: 'OUTDOOR_AD_PERMIT', holderName: body.applicant.name });
    expect(view.body.certificates[0].certificateNo).toBe(`ZZ${caseNo.slice(2)}-01`);
    expect(view.body.notices.map((n: any) => n.kind)).toEqual(['supplement', 'accepted', 'approved']);

    const events = view.body.events as Array<CaseEvent & { seq: number }>;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual([
      'received',
      'notice_sent',
      'supplement_requested',
      'materials_supplied',
      'accepted',
      'notice_sent',
      'task_opened',
      'task_opened',
      'opinion_given',
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      'certificate_issued',
    ]);
    for (const e of events) {
      expect(e.actor.id).toBeTruthy();
      expect(Date.parse(e.at)).not.toBeNaN();
    }
    // The auditor's replay of the recorded events yields the case as the workflow holds it.
    const replayed = replay(events);
    expect(replayed?.status).toBe('approved');
    expect(replayed?.certificates).toEqual(view.body.certificates);
    expect(replayed?.notices).toEqual(view.body.notices);
  });

  it('one refusal refuses the case with every reason and cancels the other open tasks', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    expect(tasks).toHaveLength(2);
    const [first, second] = tasks as [any, any];
    const refused = await api.as(`reviewer.${first.department}`).post(`/tasks/${first.id}/opinion`, {
      decision: 'refuse',
      reason: '设置位置遮挡交通标志',
    });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('refused');
    expect(refused.body.reasons.join()).toContain('设置位置遮挡交通标志');
    expect(refused.body.tasks.find((t: any) => t.id === second.id).status).toBe('cancelled');
    expect(refused.body.certificates).toHaveLength(0);
    const notice = refused.body.notices.at(-1);
    expect(notice.kind).toBe('refused');
    expect(notice.body).toContain('行政复议');
    expect(notice.body).toContain('行政诉讼');
    const inbox = await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}`);
    expect((inbox.body as any[]).map((t) => t.status).sort()).toEqual(['cancelled', 'refused']);
  });

  it('a rejected application ends not_accepted with a written reason', async () => {
    const clerk = api.as('clerk2');
    const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const caseNo = submitted.body.caseNo;
    const rejected = await clerk.post(`/applications/${caseNo}/acceptance`, {
      decision: 'reject',
      reason: '申请事项不属于本机关职权范围',
    });
    expect(rejected.body.status).toBe('not_accepted');
    expect(rejected.body.notices.at(-1).body).toContain('申请事项不属于本机关职权范围');
    expect(rejected.body.tasks).toHaveLength(0);
  });

  it('an immediate matter is decided at the window with its certificate at once', async () => {
    const guide = (await api.get(`/matters/BUSINESS_REGISTRATION`)).body;
    expect(guide.kind).toBe('immediate');
    const required: string[] = guide.materials.filter((m: any) => m.required).map((m: any) => m.code);
    const clerk = api.as('clerk1');
    const submitted = await clerk.post(
      '/applications',
      applicationBody({ matters: ['BUSINESS_REGISTRATION'], materials: required }),
      { 'idempotency-key': newKey() },
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const accepted = await clerk.post(`/applications/${submitted.body.caseNo}/acceptance`, { decision: 'accept' });
    expect(accepted.body.status).toBe('approved');
    expect(accepted.body.tasks).toHaveLength(0);
    expect(accepted.body.certificates.map((c: any) => c.matter)).toEqual(['BUSINESS_REGISTRATION']);
  });

  it('a theme service opens a task for every department of every matter and issues one certificate per matter', async () => {
    const theme = (await api.get('/themes')).body.find((t: any) => t.code === 'OPEN_RESTAURANT');
    const guides = await Promise.all(theme.matters.map((m: any) => api.get(`/matters/${m.code}`)));
    const required = new Set<string>(
      guides.flatMap((g) => g.body.materials.filter((m: any) => m.required).map((m: any) => m.code)),
    );
    const clerk = api.as('clerk1');
    const submitted = await clerk.post(
      '/applications',
      applicationBody({ matters: undefined, theme: 'OPEN_RESTAURANT', materials: [...required] }),
      { 'idempotency-key': newKey() },
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const caseNo = submitted.body.caseNo;
    const accepted = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const expectedTasks = guides
      .filter((g) => g.body.kind !== 'immediate')
      .reduce((n, g) => n + g.body.departments.length, 0);
    const tasks = accepted.body.tasks as any[];
    expect(tasks).toHaveLength(expectedTasks);
    expect(tasks.every((t) => t.status === 'open')).toBe(true);
    for (const task of tasks) {
      const opinion = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, {
        decision: 'approve',
      });
      expect(opinion.status, JSON.stringify(opinion.body)).toBe(200);
    }
    const view = await clerk.get(`/applications/${caseNo}`);
    expect(view.body.status).toBe('approved');
    expect(view.body.certificates.map((c: any) => c.matter).sort()).toEqual(
      theme.matters.map((m: any) => m.code).sort(),
    );
  });
});

describe('the case record', () => {
  it('is append-only in PostgreSQL itself', async () => {
    const { caseNo } = await caseInReview(api);
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      await expect(sql`UPDATE case_events SET type = 'tampered' WHERE case_no = ${caseNo}`).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`DELETE FROM case_events WHERE case_no = ${caseNo}`).rejects.toThrow(/append-only/);
      const [row] = await sql`SELECT count(*)::int AS n FROM case_events WHERE case_no = ${caseNo}`;
      expect(row?.n).toBeGreaterThan(0);
    } finally {
      await sql.end();
    }
  });
});
