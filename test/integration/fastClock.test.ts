/**
 * Deadlines on the working-day clock, with the fast clock: a virtual day passes in under a second, so deemed
 * acceptance, supplement expiry, warnings and clock pauses happen for real (the case workflow's own timer in Temporal).
 * This file runs its own stack, started at Monday 2 March 2026 09:00 China time.
 */
import { useOwnStack } from './ownStack.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, chinaDate, workingDaysBetween } from '../../rules/workingDays.ts';
import { applicationBody, caseInReview, newKey, type Client } from './http.ts';

/** Virtual seconds per real second: one virtual day ≈ 0.72 s. */
const SPEED = 120_000;
const realMsForDays = (days: number) => (days * 86_400_000) / SPEED;

const own = useOwnStack('clock', { CLOCK_SPEED: String(SPEED) });
let api: Client;

beforeAll(() => {
  api = own.api;
});

async function waitForCase(caseNo: string, until: (view: any) => boolean, timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    if (until(view)) return view;
    if (Date.now() > deadline) throw new Error(`case ${caseNo} never reached the expected state: ${view.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const types = (view: any) => (view.events as any[]).map((e) => e.type);

describe.concurrent('deadlines that pass by themselves', () => {
  it('deemed acceptance: silent for 5 working days, the case is accepted as of the day it was received', async () => {
    const submitted = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const caseNo = submitted.body.caseNo;
    const receivedOn = chinaDate(Date.parse(submitted.body.case.receivedAt));
    expect(submitted.body.case.deadlines.acceptanceDue).toBe(addWorkingDays(receivedOn, 5));
    const view = await waitForCase(caseNo, (v) => v.status !== 'received');
    expect(view.status).toBe('in_review');
    expect(view.deemedAccepted).toBe(true);
    expect(view.acceptedAt).toBe(receivedOn);
    expect(types(view)).toContain('deemed_accepted');
    const deemed = view.events.find((e: any) => e.type === 'deemed_accepted');
    expect(deemed.actor.kind).toBe('system');
    // It happened once the due day had ended (China time), not before.
    expect(chinaDate(Date.parse(deemed.at)) > view.events[0].data.acceptanceDue).toBe(true);
    const warnings = view.warnings.filter((w: any) => w.deadline === 'acceptance');
    expect(warnings.map((w: any) => w.level)).toEqual(['yellow', 'red']);
    expect(view.tasks.every((t: any) => t.status === 'open')).toBe(true);
    expect(view.deadlines.statutoryDue).toBe(addWorkingDays(receivedOn, 20));
    // found by kind, not as the last notice: the fast clock may have sent another by the time of the read
    expect(view.notices.find((n: any) => n.kind === 'accepted')?.body).toContain('即为受理');
  });

  it('a one-time notice not answered by its due date ends the case as not accepted, with a notice', async () => {
    const submitted = await api
      .as('clerk1')
      .post('/applications', applicationBody({ materials: ['OUTDOOR_AD_APPLICATION'] }), {
        'idempotency-key': newKey(),
      });
    const caseNo = submitted.body.caseNo;
    const notice = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'supplement' });
    const due = notice.body.deadlines.supplementDue;
    expect(due).toBe(addWorkingDays(chinaDate(Date.parse(notice.body.notices[0].sentAt)), 10));
    const view = await waitForCase(caseNo, (v) => v.status !== 'awaiting_supplement');
    expect(view.status).toBe('not_accepted');
    expect(view.notices.find((n: any) => n.kind === 'not_accepted')?.body).toContain('未在规定期限内补正');
    const ended = view.events.find((e: any) => e.type === 'not_accepted');
    expect(chinaDate(Date.parse(ended.at)) > due).toBe(true);
  });

  it('review warnings: yellow as the promised date nears, red once it has passed', async () => {
    const { caseNo } = await caseInReview(api);
    const view = await waitForCase(caseNo, (v) =>
      v.warnings.some((w: any) => w.deadline === 'review' && w.level === 'red'),
    );
    const review = view.warnings.filter((w: any) => w.deadline === 'review');
    expect(review.map((w: any) => w.level)).toEqual(['yellow', 'red']);
    expect(review[0].due).toBe(view.deadlines.promisedDue);
    // yellow when 3 working days (the matter's threshold) remained; red after the due day ended
    expect(workingDaysBetween(chinaDate(Date.parse(review[0].at)), review[0].due)).toBeLessThanOrEqual(3);
    expect(chinaDate(Date.parse(review[1].at)) > review[1].due).toBe(true);
    expect(view.status).toBe('in_review'); // a warning is for supervision; the case goes on
    // The inbox shows the card with each task (the case's current warning, from the supervision read model).
    const inbox = await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`);
    expect(inbox.body.length).toBeGreaterThan(0);
    expect(inbox.body.every((t: any) => t.warning === 'red')).toBe(true);
    expect(inbox.body[0]).toMatchObject({
      applicantName: view.applicant.name,
      matterName: '户外广告及招牌设施设置审批',
    });
  });

  it('a consolidated supplement notice stops the clocks; due dates move by exactly the paused working days', async () => {
    // submitted and accepted here rather than by caseInReview: the applicant's query code is needed to supply online
    const submitted = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const caseNo: string = submitted.body.caseNo;
    const queryCode: string = submitted.body.queryCode;
    const accepted = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const tasks = accepted.body.tasks.filter((t: any) => t.status === 'open');
    const before = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    const [a, b] = tasks as [any, any];
    await api.as(`reviewer.${a.department}`).post(`/tasks/${a.id}/opinion`, {
      decision: 'supplement',
      materials: ['AD_STRUCTURE_SAFETY'],
      reason: '需提供设施结构安全检测报告',
    });
    const paused = await api.as(`reviewer.${b.department}`).post(`/tasks/${b.id}/opinion`, {
      decision: 'supplement',
      materials: ['AD_DESIGN_DRAWING'],
      reason: '设计图纸未标注尺寸',
    });
    expect(paused.body.status).toBe('awaiting_supplement');
    expect(paused.body.clock.paused).toBe(true);
    const notice = paused.body.notices.at(-1);
    expect(notice.items.map((i: any) => i.code).sort()).toEqual(['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY']);
    // Some working days pass while the clock stands still (well inside the 10 working days the applicant has).
    await new Promise((r) => setTimeout(r, realMsForDays(4)));
    const supplied = await api.withCode(queryCode).post(`/applications/${caseNo}/supplements`, {
      materials: ['AD_STRUCTURE_SAFETY', 'AD_DESIGN_DRAWING'],
      channel: 'online',
    });
    expect(supplied.status).toBe(200);
    expect(supplied.body.status).toBe('in_review');
    expect(supplied.body.clock.paused).toBe(false);
    const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    const pausedEvent = view.events.find((e: any) => e.type === 'clock_paused');
    const resumed = view.events.find((e: any) => e.type === 'clock_resumed');
    const days = resumed.data.pausedWorkingDays;
    expect(days).toBe(workingDaysBetween(pausedEvent.data.since, resumed.data.on));
    expect(days).toBeGreaterThan(0);
    // no deadline warning was recorded while the clock stood still
    const during = view.events.filter((e: any) => e.seq > pausedEvent.seq && e.seq < resumed.seq);
    expect(during.filter((e: any) => e.type === 'deadline_warning')).toEqual([]);
    expect(view.clock.pausedWorkingDays).toBe(days);
    expect(view.deadlines.statutoryDue).toBe(addWorkingDays(before.deadlines.statutoryDue, days));
    expect(view.deadlines.promisedDue).toBe(addWorkingDays(before.deadlines.promisedDue, days));
    for (const task of view.tasks) {
      const old = before.tasks.find((t: any) => t.id === task.id);
      expect(task.due).toBe(addWorkingDays(old.due, days));
      expect(task.status).toBe('open');
    }
    expect(view.visits).toBe(1); // supplied online: still one visit (最多跑一次)
  });

  it('容缺受理: certificates wait for the deficient material; past its due date the case is terminated', async () => {
    const submitted = await api
      .as('clerk1')
      .post(
        '/applications',
        applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'] }),
        {
          'idempotency-key': newKey(),
        },
      );
    const caseNo = submitted.body.caseNo;
    const accepted = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, {
      decision: 'accept_with_deficiencies',
      deficiencies: ['OWNER_CONSENT'],
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.deficiencies).toEqual(['OWNER_CONSENT']);
    const due = accepted.body.deadlines.deficienciesDue;
    let decided: any;
    for (const task of accepted.body.tasks) {
      decided = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    }
    // The last opinion's answer, not a later read: the deficiency's due date may pass any moment after it.
    expect(decided.body.status).toBe('approved');
    expect(decided.body.certificates).toEqual([]); // withheld until OWNER_CONSENT arrives
    const view = await waitForCase(caseNo, (v) => v.status === 'terminated');
    // The record: approved first, terminated after the due date, never a certificate in between.
    const recorded = types(view);
    expect(recorded.indexOf('case_approved')).toBeGreaterThan(-1);
    expect(recorded.indexOf('terminated')).toBeGreaterThan(recorded.indexOf('case_approved'));
    expect(recorded).not.toContain('certificate_issued');
    expect(view.certificates).toEqual([]);
    expect(view.notices.find((n: any) => n.kind === 'terminated')).toBeDefined();
    expect(chinaDate(Date.parse(view.events.find((e: any) => e.type === 'terminated').at)) > due).toBe(true);
  });

  it('delivery: a red warning once 10 working days have passed since the decision without delivery', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    let decided: any;
    for (const task of tasks)
      decided = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    const decidedOn = chinaDate(Date.parse(decided.body.decidedAt));
    expect(decided.body.deadlines.deliveryDue).toBe(addWorkingDays(decidedOn, 10));
    const view = await waitForCase(caseNo, (v) =>
      v.warnings.some((w: any) => w.deadline === 'delivery' && w.level === 'red'),
    );
    expect(view.warnings.filter((w: any) => w.deadline === 'delivery').map((w: any) => w.level)).toEqual([
      'yellow',
      'red',
    ]);
    const late = await api.as('clerk1').post(`/applications/${caseNo}/delivery`, {
      method: 'post',
      trackingNumber: 'SF1234567890',
    });
    expect(late.status).toBe(200);
    expect(late.body.delivery).toMatchObject({ method: 'post', trackingNumber: 'SF1234567890' });
  });
});
