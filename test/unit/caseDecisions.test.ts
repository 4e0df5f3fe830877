/**
 * decideAt(): a case of 开办餐馆一件事 (OPEN_RESTAURANT) driven through commands at fixed instants around 中秋/国庆 2026.
 *
 * The theme's matters (demo catalogue):              kind       departments                       statutory promised
 *   BUSINESS_REGISTRATION      企业设立登记            immediate  SAMR                              0         0
 *   FOOD_BUSINESS_LICENCE      食品经营许可            promised   SAMR                              10        5
 *   OUTDOOR_AD_PERMIT          户外广告及招牌设施设置审批 promised CITY_MANAGEMENT (lead), TRAFFIC_POLICE 20 10
 *   FIRE_SAFETY_INSPECTION     消防安全检查            promised   FIRE_RESCUE                       10        3
 *   SEWAGE_DISCHARGE_PERMIT    排水许可                promised   WATER                             20        7
 * All have supplementLimitDays 10. Five review tasks are expected (the immediate matter gets none).
 *
 * Dates counted by hand (see workingDays.test.ts for the calendar): Fri 2026-09-18 + 5 = 09-24, + 10 = 10-09,
 * + 20 = 10-22; + 3 = 09-22 (20, 21, 22); + 7 = 09-29 (.. 24, 28, 29).
 */
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../rules/caseModel.ts';
import { evolve, replay } from '../../rules/caseModel.ts';
import { ACCEPTANCE_LIMIT_DAYS, certificatesToIssue, pendingTimers } from '../../rules/caseDecisions.ts';
import type { MatterSnapshot } from '../../rules/catalogue.ts';
import {
  Driver,
  cst,
  deepFreeze,
  eventsOf,
  snapshot,
  submitCommand,
  themeSnapshots,
  types,
  violationOf,
  decideAt,
  type TestCommand,
} from './fixtures.ts';
import { applicantActor, clerk, command, reviewer, system } from '../support/commands.ts';
import type { CommandData } from '../../rules/caseDecisions.ts';

const CASE_NO = 'YM-2026-000001';
const THEME = { code: 'OPEN_RESTAURANT', name: '开办餐馆一件事' };
const RESTAURANT: MatterSnapshot[] = themeSnapshots('OPEN_RESTAURANT');

/** Every required material of the theme, except BUSINESS_LICENCE (issued by 企业设立登记 in the same case). */
const ALL_REQUIRED = [
  'COMPANY_REGISTRATION_APPLICATION',
  'ARTICLES_OF_ASSOCIATION',
  'APPLICANT_ID',
  'PREMISES_PROOF',
  'FOOD_BUSINESS_APPLICATION',
  'FOOD_PREMISES_LAYOUT',
  'FOOD_SAFETY_RULES',
  'OUTDOOR_AD_APPLICATION',
  'AD_DESIGN_DRAWING',
  'OWNER_CONSENT',
  'FIRE_INSPECTION_APPLICATION',
  'FIRE_SAFETY_PLAN',
  'FIRE_LAYOUT_PLAN',
  'FIRE_ACCEPTANCE_PROOF',
  'SEWAGE_PERMIT_APPLICATION',
  'DRAINAGE_NETWORK_DRAWING',
  'PRETREATMENT_FACILITY',
  'WATER_QUALITY_REPORT',
];
const SUBMITTED_PARTIAL = ['COMPANY_REGISTRATION_APPLICATION', 'APPLICANT_ID'];
const MISSING_AFTER_PARTIAL = ALL_REQUIRED.filter((c) => !SUBMITTED_PARTIAL.includes(c));

const task = (matter: string, department: string) => `${CASE_NO}-${matter}-${department}`;
const FOOD = task('FOOD_BUSINESS_LICENCE', 'SAMR');
const AD_LEAD = task('OUTDOOR_AD_PERMIT', 'CITY_MANAGEMENT');
const AD_TRAFFIC = task('OUTDOOR_AD_PERMIT', 'TRAFFIC_POLICE');
const FIRE = task('FIRE_SAFETY_INSPECTION', 'FIRE_RESCUE');
const SEWAGE = task('SEWAGE_DISCHARGE_PERMIT', 'WATER');

// Fixed instants (China wall-clock).
const T_SUBMIT = cst('2026-09-18 10:00'); // Friday
const T_SAME_DAY = cst('2026-09-18 15:00');
const T_SUPPLEMENT = cst('2026-09-21 09:00'); // Monday
const T_PARTIAL_SUPPLY = cst('2026-09-30 10:00');
const T_SUPPLY = cst('2026-10-09 15:00'); // Friday after 国庆
const T_ACCEPT_AFTER_SUPPLY = cst('2026-10-12 09:00'); // Monday
const T_REVIEW = cst('2026-09-22 11:00');

const submit = (materials: string[], extra: Partial<CommandData['submit']> = {}) =>
  submitCommand(RESTAURANT, materials, { theme: THEME, ...extra });
const accept: TestCommand = command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01'));
const askSupplement: TestCommand = command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01'));
const approve = (taskId: string, department?: string): TestCommand =>
  command(
    'give_opinion',
    { taskId, decision: 'approve', ...(department ? { department } : {}) },
    reviewer('reviewer-1'),
  );
const refuse = (taskId: string, reason: string, department?: string): TestCommand =>
  command(
    'give_opinion',
    { taskId, decision: 'refuse', reason, ...(department ? { department } : {}) },
    reviewer('reviewer-2'),
  );
const fire = (timerId: string): TestCommand => command('timer_fired', { timerId }, system);

/** A complete restaurant case received on Fri 2026-09-18 and accepted by the clerk the same day. */
function acceptedCase(): Driver {
  const d = new Driver();
  d.run(submit(ALL_REQUIRED), T_SUBMIT);
  d.run(accept, T_SAME_DAY);
  return d;
}

/** A restaurant case received with 2 of 18 materials, and the one-time notice sent on Mon 2026-09-21. */
function supplementCase(): Driver {
  const d = new Driver();
  d.run(submit(SUBMITTED_PARTIAL), T_SUBMIT);
  d.run(askSupplement, T_SUPPLEMENT);
  return d;
}

describe('submit', () => {
  it('records one `received` event with acceptanceDue 5 working days after the China date of receipt', () => {
    const events = eventsOf(decideAt(undefined, submit([...ALL_REQUIRED, 'APPLICANT_ID']), T_SUBMIT));
    expect(types(events)).toEqual(['received']);
    const [received] = events;
    expect(received!.at).toBe('2026-09-18T02:00:00.000Z');
    expect(received!.actor).toEqual({ kind: 'clerk', id: 'clerk-01' });
    if (received!.type !== 'received') throw new Error('unreachable');
    expect(received!.data.receivedOn).toBe('2026-09-18');
    // Fri 09-18 + 5: Sun 09-20 (make-up), 21, 22, 23, 24.
    expect(received!.data.acceptanceDue).toBe('2026-09-24');
    // duplicates are dropped
    expect(received!.data.materials).toHaveLength(ALL_REQUIRED.length);

    const state = evolve(undefined, received!);
    expect(state.status).toBe('received');
    expect(state.caseNo).toBe(CASE_NO);
    expect(state.theme).toEqual(THEME);
    expect(state.deadlines).toEqual({ acceptanceDue: '2026-09-24' });
    expect(state.outcomes).toEqual({
      BUSINESS_REGISTRATION: 'pending',
      FOOD_BUSINESS_LICENCE: 'pending',
      OUTDOOR_AD_PERMIT: 'pending',
      FIRE_SAFETY_INSPECTION: 'pending',
      SEWAGE_DISCHARGE_PERMIT: 'pending',
    });
    expect(state.seq).toBe(1);
    expect(ACCEPTANCE_LIMIT_DAYS).toBe(5);
  });

  it('uses the China date, not the UTC date, around UTC midnight', () => {
    // 2026-11-19T16:30Z is Fri 2026-11-20 00:30 in Beijing. Fri 11-20 + 5 = 11-27 (23..27);
    // the UTC date (Thu 11-19) would give 11-26.
    const events = eventsOf(decideAt(undefined, submit(ALL_REQUIRED), Date.parse('2026-11-19T16:30:00Z')));
    const state = evolve(undefined, events[0]!);
    expect(state.receivedOn).toBe('2026-11-20');
    expect(state.deadlines.acceptanceDue).toBe('2026-11-27');
  });

  it('yields no events when the case already exists (a retried submission)', () => {
    const d = new Driver();
    d.run(submit(ALL_REQUIRED), T_SUBMIT);
    expect(d.attempt(submit(['APPLICANT_ID'], { caseNo: 'OTHER' }), T_SAME_DAY)).toEqual({ ok: true, events: [] });
  });

  it('answers case_not_found (404) for any other command before the case exists', () => {
    const v = violationOf(decideAt(undefined, accept, T_SUBMIT));
    expect(v.code).toBe('case_not_found');
    expect(v.status).toBe(404);
  });
});

describe('acceptance decisions (受理)', () => {
  it('supplement: one notice listing every missing required material across all matters (一次性告知)', () => {
    const d = new Driver();
    d.run(submit(SUBMITTED_PARTIAL), T_SUBMIT);
    const events = d.run(askSupplement, T_SUPPLEMENT);
    expect(types(events)).toEqual(['notice_sent', 'supplement_requested']);

    // Mon 09-21 + 10: 22 23 24 (3), 中秋 off, 28 29 30 (6), 国庆 off, 10-08 10-09 (8), Sat 10-10 make-up (9),
    // Sun 10-11 off, Mon 10-12 (10).
    const due = '2026-10-12';
    const state = d.current;
    expect(state.status).toBe('awaiting_supplement');
    expect(state.deadlines).toEqual({ supplementDue: due });
    expect(state.notices).toHaveLength(1);
    const notice = state.notices[0]!;
    expect(notice.kind).toBe('supplement');
    expect(notice.id).toBe(`${CASE_NO}-N1`);
    expect(notice.title).toBe('补正材料一次性告知书');
    expect(notice.due).toBe(due);
    expect(notice.sentAt).toBe(new Date(T_SUPPLEMENT).toISOString());
    expect(notice.items?.map((i) => i.code).sort()).toEqual([...MISSING_AFTER_PARTIAL].sort());
    // PREMISES_PROOF is required by 企业设立登记 and 食品经营许可
    expect(notice.items?.find((i) => i.code === 'PREMISES_PROOF')?.matters).toEqual(['企业设立登记', '食品经营许可']);
    expect(notice.items?.some((i) => i.code === 'BUSINESS_LICENCE')).toBe(false);
    for (const item of notice.items ?? []) expect(notice.body).toContain(item.name);
    expect(notice.body).toContain('开办餐馆一件事');
    expect(notice.body).toContain(CASE_NO);
    expect(notice.body).toContain('2026年10月12日');

    const requested = events[1]!;
    if (requested.type !== 'supplement_requested') throw new Error('unreachable');
    expect(requested.data).toEqual({
      noticeId: notice.id,
      materials: notice.items!.map((i) => i.code),
      due,
      stage: 'acceptance',
    });
    expect(state.supplementRounds).toEqual([
      { stage: 'acceptance', noticeId: notice.id, materials: notice.items!.map((i) => i.code), supplied: [] },
    ]);
  });

  it('supplement: no second notice can be sent while awaiting the supplement', () => {
    const d = supplementCase();
    const v = violationOf(d.attempt(askSupplement, T_PARTIAL_SUPPLY));
    expect(v.code).toBe('acceptance_already_decided');
    expect(v.status).toBe(409);
    expect(violationOf(d.attempt(accept, T_PARTIAL_SUPPLY)).code).toBe('acceptance_already_decided');
  });

  it('supplement when nothing is missing: nothing_missing (409)', () => {
    const d = new Driver();
    d.run(submit(ALL_REQUIRED), T_SUBMIT);
    const v = violationOf(d.attempt(askSupplement, T_SAME_DAY));
    expect(v).toMatchObject({ code: 'nothing_missing', status: 409 });
  });

  it('accept with materials missing: materials_missing (409), naming what is missing', () => {
    const d = new Driver();
    d.run(submit(ALL_REQUIRED.filter((c) => c !== 'OWNER_CONSENT')), T_SUBMIT);
    const v = violationOf(d.attempt(accept, T_SAME_DAY));
    expect(v).toMatchObject({ code: 'materials_missing', status: 409 });
    expect(v.message).toContain('建筑物、构筑物所有权人或管理人同意设置的证明');
  });

  it('reject without a reason: reason_required (422)', () => {
    const d = new Driver();
    d.run(submit(SUBMITTED_PARTIAL), T_SUBMIT);
    const noReason = violationOf(
      d.attempt(command('decide_acceptance', { decision: 'reject' }, clerk('c')), T_SAME_DAY),
    );
    expect(noReason).toMatchObject({ code: 'reason_required', status: 422, field: 'reason' });
    const blank = violationOf(
      d.attempt(command('decide_acceptance', { decision: 'reject', reason: '  ' }, clerk('c')), T_SAME_DAY),
    );
    expect(blank.code).toBe('reason_required');
  });

  it('reject with a reason: not_accepted, with a written notice carrying the reason', () => {
    const d = new Driver();
    d.run(submit(SUBMITTED_PARTIAL), T_SUBMIT);
    const reason = '申请事项依法不属于本机关职权范围';
    const events = d.run(command('decide_acceptance', { decision: 'reject', reason }, clerk('clerk-02')), T_SAME_DAY);
    expect(types(events)).toEqual(['not_accepted', 'notice_sent']);
    expect(events.every((e) => e.actor.kind === 'clerk' && e.actor.id === 'clerk-02')).toBe(true);
    const state = d.current;
    expect(state.status).toBe('not_accepted');
    expect(state.reasons).toEqual([reason]);
    expect(state.deadlines).toEqual({});
    expect(state.decidedAt).toBe(new Date(T_SAME_DAY).toISOString());
    expect(state.notices).toHaveLength(1);
    expect(state.notices[0]!.kind).toBe('not_accepted');
    expect(state.notices[0]!.body).toContain(reason);
    expect(pendingTimers(state)).toEqual([]);
    expect(violationOf(d.attempt(accept, T_SAME_DAY)).code).toBe('acceptance_already_decided');
  });

  it('supply_materials: partial keeps waiting; complete returns to received with a fresh acceptanceDue', () => {
    const d = supplementCase();
    expect(
      violationOf(
        d.attempt(command('supply_materials', { materials: ['NOT_A_MATERIAL'] }, applicantActor), T_PARTIAL_SUPPLY),
      ),
    ).toMatchObject({ code: 'unknown_material', status: 422 });

    const firstHalf = MISSING_AFTER_PARTIAL.slice(0, 8);
    const partial = d.run(command('supply_materials', { materials: firstHalf }, applicantActor), T_PARTIAL_SUPPLY);
    expect(types(partial)).toEqual(['materials_supplied']);
    expect(partial[0]!.actor).toEqual({ kind: 'applicant', id: d.current.applicant.idNumber });
    expect(d.current.status).toBe('awaiting_supplement');
    expect(d.current.deadlines).toEqual({ supplementDue: '2026-10-12' });

    d.run(command('supply_materials', { materials: MISSING_AFTER_PARTIAL.slice(8) }, applicantActor), T_SUPPLY);
    const state = d.current;
    expect(state.status).toBe('received');
    // Fri 10-09 + 5: Sat 10-10 (make-up), 12, 13, 14, 15.
    expect(state.deadlines).toEqual({ acceptanceDue: '2026-10-15' });
    expect([...state.materialsProvided].sort()).toEqual([...ALL_REQUIRED].sort());
    // warningDays: the smallest positive over the theme's matters is 1 (食品经营许可, 消防), so the yellow
    // warning falls at the end of Wed 10-14, the red one at the end of Thu 10-15.
    expect(pendingTimers(state)).toEqual([
      { id: 'acceptance:yellow:2026-10-15', dueAt: Date.parse('2026-10-14T16:00:00Z') },
      { id: 'acceptance:red:2026-10-15', dueAt: Date.parse('2026-10-15T16:00:00Z') },
    ]);
    expect(state.supplementRounds[0]!.supplied.sort()).toEqual([...MISSING_AFTER_PARTIAL].sort());
    expect(state.acceptanceClockFrom).toBe('2026-10-09');

    // nothing is being waited for any more
    expect(
      violationOf(d.attempt(command('supply_materials', { materials: ['APPLICANT_ID'] }, applicantActor), T_SUPPLY))
        .code,
    ).toBe('no_supplement_requested');
    // and there is nothing left to ask for
    expect(violationOf(d.attempt(askSupplement, T_SUPPLY)).code).toBe('nothing_missing');

    // Accept on Mon 10-12: statutory + 20 = 11-09 (13..16: 4, 19..23: 9, 26..30: 14, 11-02..06: 19, 11-09: 20);
    // promised + 10 = 10-26 (.. 23: 9, 26: 10).
    d.run(accept, T_ACCEPT_AFTER_SUPPLY);
    expect(d.current.acceptedOn).toBe('2026-10-12');
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-11-09', promisedDue: '2026-10-26' });
  });

  it('accept: in_review, deadlines from the acceptance date, one task per (matter, department)', () => {
    const d = new Driver();
    d.run(submit(ALL_REQUIRED), T_SUBMIT);
    const events = d.run(accept, T_SAME_DAY);
    expect(types(events)).toEqual([
      'accepted',
      'notice_sent',
      'matter_decided', // 企业设立登记 is immediate: approved at once
      'task_opened',
      'task_opened',
      'task_opened',
      'task_opened',
      'task_opened',
    ]);
    const state = d.current;
    expect(state.status).toBe('in_review');
    expect(state.acceptedOn).toBe('2026-09-18');
    expect(state.deemedAccepted).toBe(false);
    // latest statutory: 20 days (户外广告, 排水) -> 10-22; latest promised: 10 days (户外广告) -> 10-09
    expect(state.deadlines).toEqual({ statutoryDue: '2026-10-22', promisedDue: '2026-10-09' });
    expect(state.limits).toEqual({ statutory: 20, promised: 10 });
    // review warnings on the promised date (yellow 1 working day before: Thu 10-08, the first day after 国庆),
    // only a red one on the statutory date
    expect(pendingTimers(state)).toEqual([
      { id: 'review:yellow:2026-10-09', dueAt: Date.parse('2026-10-08T16:00:00Z') },
      { id: 'review:red:2026-10-09', dueAt: Date.parse('2026-10-09T16:00:00Z') },
      { id: 'statutory:red:2026-10-22', dueAt: Date.parse('2026-10-22T16:00:00Z') },
    ]);
    const acceptedEvent = events[0]!;
    if (acceptedEvent.type !== 'accepted') throw new Error('unreachable');
    expect(acceptedEvent.data).toEqual({
      acceptedOn: '2026-09-18',
      deemed: false,
      statutoryDue: '2026-10-22',
      promisedDue: '2026-10-09',
      limits: { statutory: 20, promised: 10 },
    });

    const summary = state.tasks.map((t) => [t.id, t.department, t.lead, t.stage, t.status, t.openedOn, t.due]);
    // 户外广告 is a promised matter: its two departments review in parallel, both at stage 1
    expect(summary).toEqual([
      [FOOD, 'SAMR', true, 1, 'open', '2026-09-18', '2026-09-24'], // promised 5
      [AD_LEAD, 'CITY_MANAGEMENT', true, 1, 'open', '2026-09-18', '2026-10-09'], // promised 10
      [AD_TRAFFIC, 'TRAFFIC_POLICE', false, 1, 'open', '2026-09-18', '2026-10-09'],
      [FIRE, 'FIRE_RESCUE', true, 1, 'open', '2026-09-18', '2026-09-22'], // promised 3
      [SEWAGE, 'WATER', true, 1, 'open', '2026-09-18', '2026-09-29'], // promised 7
    ]);
    expect(state.tasks.every((t) => t.history.length === 1 && t.history[0]!.what === 'open')).toBe(true);
    expect(state.tasks.find((t) => t.id === AD_TRAFFIC)?.departmentName).toBe('市公安局交通警察支队');
    expect(state.tasks.some((t) => t.matter === 'BUSINESS_REGISTRATION')).toBe(false);
    expect(state.outcomes.BUSINESS_REGISTRATION).toBe('approved');
    expect(state.outcomes.FOOD_BUSINESS_LICENCE).toBe('pending');

    const notice = state.notices.at(-1)!;
    expect(notice.kind).toBe('accepted');
    expect(notice.due).toBe('2026-10-09');
    expect(notice.body).toContain('2026年10月9日');
    expect(notice.body).toContain('2026年9月18日');

    expect(violationOf(d.attempt(accept, T_REVIEW))).toMatchObject({ code: 'acceptance_already_decided', status: 409 });
    expect(violationOf(d.attempt(askSupplement, T_REVIEW)).code).toBe('acceptance_already_decided');
  });

  it('accept: a case of immediate matters only (企业开办) gets no task and is approved at once', () => {
    const d = new Driver();
    const matters = themeSnapshots('START_BUSINESS');
    expect(matters.every((m) => m.kind === 'immediate')).toBe(true);
    const materials = [
      'COMPANY_REGISTRATION_APPLICATION',
      'ARTICLES_OF_ASSOCIATION',
      'APPLICANT_ID',
      'PREMISES_PROOF',
      'SEAL_FILING_FORM',
      'FINANCE_STAFF_ID',
      'SOCIAL_INSURANCE_FORM',
    ];
    d.run(submitCommand(matters, materials, { theme: { code: 'START_BUSINESS', name: '企业开办一件事' } }), T_SUBMIT);
    const events = d.run(accept, T_SUBMIT);
    expect(types(events)).toEqual([
      'accepted',
      'notice_sent',
      'matter_decided',
      'matter_decided',
      'matter_decided',
      'matter_decided',
      'case_approved',
      'notice_sent',
      ...Array<string>(4).fill('certificate_issued'), // 同步发证: in the approving step
    ]);
    const state = d.current;
    expect(state.status).toBe('approved');
    expect(state.tasks).toEqual([]);
    // limits of 0 working days: accepted with review due the same day (即办件) ...
    const acceptedEvent = events[0]!;
    if (acceptedEvent.type !== 'accepted') throw new Error('unreachable');
    expect(acceptedEvent.data).toMatchObject({
      statutoryDue: '2026-09-18',
      promisedDue: '2026-09-18',
      limits: { statutory: 0, promised: 0 },
    });
    // ... and approved at once, so the only deadline left is delivery, 10 working days after the decision (第44条):
    // Fri 09-18 + 10: Sun 09-20 (make-up), 21, 22, 23, 24 (5), 28, 29, 30 (8), 10-08, 10-09 (10).
    expect(state.deadlines).toEqual({ deliveryDue: '2026-10-09' });
    const approvedEvent = events.find((e) => e.type === 'case_approved')!;
    expect(approvedEvent.data).toEqual({ deliveryDue: '2026-10-09' });
    expect(Object.values(state.outcomes)).toEqual(['approved', 'approved', 'approved', 'approved']);
    expect(state.notices.map((n) => n.kind)).toEqual(['accepted', 'approved']);
    expect(state.certificates.map((c) => c.matter)).toEqual(matters.map((m) => m.code));
  });
});

describe('departmental opinions (并联审批)', () => {
  it('all approve: each matter decided when its last task is approved, then the case, a notice, every certificate', () => {
    const d = acceptedCase();
    expect(types(d.run(approve(FOOD, 'SAMR'), T_REVIEW))).toEqual(['opinion_given', 'matter_decided']);
    expect(d.current.outcomes.FOOD_BUSINESS_LICENCE).toBe('approved');
    // 户外广告 has two departments: the lead's approval alone does not decide it
    expect(types(d.run(approve(AD_LEAD), T_REVIEW))).toEqual(['opinion_given']);
    expect(d.current.outcomes.OUTDOOR_AD_PERMIT).toBe('pending');
    expect(types(d.run(approve(AD_TRAFFIC, 'TRAFFIC_POLICE'), T_REVIEW))).toEqual(['opinion_given', 'matter_decided']);
    expect(types(d.run(approve(FIRE), T_REVIEW))).toEqual(['opinion_given', 'matter_decided']);
    expect(d.current.status).toBe('in_review');
    expect(certificatesToIssue(d.current)).toEqual([]); // nothing is issued before the whole case is decided

    const last = d.run(approve(SEWAGE), T_REVIEW);
    expect(types(last)).toEqual([
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      ...Array<string>(5).fill('certificate_issued'),
    ]);
    const state = d.current;
    expect(state.status).toBe('approved');
    expect(state.decidedAt).toBe(new Date(T_REVIEW).toISOString());
    expect(Object.values(state.outcomes).every((o) => o === 'approved')).toBe(true);
    expect(state.tasks.every((t) => t.status === 'approved' && t.decision === 'approve')).toBe(true);
    expect(state.notices.at(-1)?.kind).toBe('approved');
    expect(state.notices.at(-1)?.id).toBe(`${CASE_NO}-N2`);
    // every certificate issued in the approving step, numbered from the case; none left to issue
    expect(state.certificates.map((c) => [c.matter, c.issuedOn])).toEqual(
      RESTAURANT.map((m) => [m.code, '2026-09-22']),
    );
    expect(certificatesToIssue(state)).toEqual([]);

    // a second opinion on a decided task
    expect(violationOf(d.attempt(approve(FOOD), T_REVIEW))).toMatchObject({
      code: 'task_already_decided',
      status: 409,
    });
  });

  it('one refusal: the case is refused, open tasks cancelled, reasons name the department', () => {
    const d = acceptedCase();
    d.run(approve(FOOD), T_REVIEW);
    const reason = '设置位置遮挡交通信号灯';
    const events = d.run(refuse(AD_TRAFFIC, reason, 'TRAFFIC_POLICE'), T_REVIEW);
    expect(types(events)).toEqual([
      'opinion_given',
      'matter_decided',
      'task_cancelled',
      'task_cancelled',
      'task_cancelled',
      'case_refused',
      'notice_sent',
    ]);
    const cancelled = events.filter(
      (e): e is Extract<CaseEvent, { type: 'task_cancelled' }> => e.type === 'task_cancelled',
    );
    expect(cancelled.map((e) => e.data.taskId).sort()).toEqual([AD_LEAD, FIRE, SEWAGE].sort());

    const state = d.current;
    expect(state.status).toBe('refused');
    expect(state.reasons).toHaveLength(1);
    expect(state.reasons[0]).toContain('市公安局交通警察支队');
    expect(state.reasons[0]).toContain(reason);
    expect(state.outcomes).toEqual({
      BUSINESS_REGISTRATION: 'approved',
      FOOD_BUSINESS_LICENCE: 'approved',
      OUTDOOR_AD_PERMIT: 'refused',
      FIRE_SAFETY_INSPECTION: 'cancelled',
      SEWAGE_DISCHARGE_PERMIT: 'cancelled',
    });
    expect(state.tasks.filter((t) => t.status === 'open')).toEqual([]);
    expect(state.tasks.find((t) => t.id === AD_TRAFFIC)).toMatchObject({ status: 'refused', reason });
    const notice = state.notices.at(-1)!;
    expect(notice.kind).toBe('refused');
    expect(notice.body).toContain(reason);
    expect(notice.body).toContain('行政复议'); // the applicant's remedies are stated
    expect(certificatesToIssue(state)).toEqual([]);

    expect(violationOf(d.attempt(approve(FIRE), T_REVIEW))).toMatchObject({ code: 'task_cancelled', status: 409 });
    expect(violationOf(d.attempt(approve(FOOD), T_REVIEW)).code).toBe('task_already_decided');
    expect(violationOf(d.attempt(refuse(AD_TRAFFIC, 'again'), T_REVIEW)).code).toBe('task_already_decided');
  });

  it('rejects an opinion from a department not on the task (403), for an unknown task (404), a refusal without reason (422)', () => {
    const d = acceptedCase();
    expect(violationOf(d.attempt(approve(FOOD, 'WATER'), T_REVIEW))).toMatchObject({
      code: 'department_not_on_task',
      status: 403,
    });
    expect(violationOf(d.attempt(approve(`${CASE_NO}-NOPE-SAMR`), T_REVIEW))).toMatchObject({
      code: 'task_not_found',
      status: 404,
    });
    expect(violationOf(d.attempt(refuse(FOOD, ' '), T_REVIEW))).toMatchObject({ code: 'reason_required', status: 422 });
    // none of these changed anything: the task is still open
    expect(d.current.tasks.find((t) => t.id === FOOD)?.status).toBe('open');
  });
});

describe('timers', () => {
  const ACCEPTANCE_TIMER = 'acceptance:red:2026-09-24';
  const ACCEPTANCE_DUE_AT = Date.parse('2026-09-24T16:00:00Z'); // end of Thu 09-24 in Beijing
  // yellow: 1 working day before (the theme's smallest positive warningDays is 1): end of Wed 09-23
  const ACCEPTANCE_YELLOW = 'acceptance:yellow:2026-09-24';
  const ACCEPTANCE_YELLOW_AT = Date.parse('2026-09-23T16:00:00Z');

  it('a received case waits on `acceptance:red:<due>` at the end of that China day, after a yellow warning', () => {
    const d = new Driver();
    d.run(submit(ALL_REQUIRED), T_SUBMIT);
    expect(pendingTimers(d.current)).toEqual([
      { id: ACCEPTANCE_YELLOW, dueAt: ACCEPTANCE_YELLOW_AT },
      { id: ACCEPTANCE_TIMER, dueAt: ACCEPTANCE_DUE_AT },
    ]);
    expect(pendingTimers(undefined)).toEqual([]);
  });

  it('deemed acceptance (第32条): nothing before dueAt; at dueAt accepted as of the receipt date, with tasks', () => {
    const d = new Driver();
    d.run(submit(ALL_REQUIRED), T_SUBMIT);
    expect(d.attempt(fire(ACCEPTANCE_TIMER), ACCEPTANCE_DUE_AT - 1)).toEqual({ ok: true, events: [] });
    // a timer id that is not pending changes nothing
    expect(d.attempt(fire('acceptance:red:2026-09-25'), ACCEPTANCE_DUE_AT + 86_400_000)).toEqual({
      ok: true,
      events: [],
    });
    expect(d.attempt(fire('acceptance:2026-09-24'), ACCEPTANCE_DUE_AT)).toEqual({ ok: true, events: [] }); // old id form

    const events = d.run(fire(ACCEPTANCE_TIMER), ACCEPTANCE_DUE_AT);
    // A deemed acceptance decides nothing: the immediate matter (企业设立登记) gets a department task like the others.
    expect(types(events).slice(0, 4)).toEqual(['deadline_warning', 'deemed_accepted', 'notice_sent', 'task_opened']);
    expect(types(events)).not.toContain('matter_decided');
    expect(types(events).filter((t) => t === 'task_opened')).toHaveLength(6);
    expect(events[0]!.data).toEqual({ deadline: 'acceptance', level: 'red', due: '2026-09-24' });
    const accepted = events[1]!;
    if (accepted.type !== 'deemed_accepted') throw new Error('unreachable');
    expect(accepted.actor.kind).toBe('system');
    // accepted as of the day received (Fri 09-18), so the limits run from 09-18, not from 09-24/25
    expect(accepted.data).toEqual({
      acceptedOn: '2026-09-18',
      deemed: true,
      statutoryDue: '2026-10-22',
      promisedDue: '2026-10-09',
      limits: { statutory: 20, promised: 10 },
    });
    const state = d.current;
    expect(state.status).toBe('in_review');
    expect(state.deemedAccepted).toBe(true);
    expect(state.tasks.every((t) => t.openedOn === '2026-09-18')).toBe(true);
    expect(state.notices.at(-1)?.body).toContain('五个工作日');
    expect(state.warnings).toEqual([
      { deadline: 'acceptance', level: 'red', due: '2026-09-24', at: new Date(ACCEPTANCE_DUE_AT).toISOString() },
    ]);

    // the same timer delivered again (at-least-once) is stale now
    expect(d.attempt(fire(ACCEPTANCE_TIMER), ACCEPTANCE_DUE_AT + 1000)).toEqual({ ok: true, events: [] });
  });

  it('deemed acceptance also applies when materials are missing but no notice was given in time', () => {
    const d = new Driver();
    d.run(submit(SUBMITTED_PARTIAL), T_SUBMIT);
    const events = d.run(fire(ACCEPTANCE_TIMER), ACCEPTANCE_DUE_AT + 3_600_000);
    expect(types(events).slice(0, 2)).toEqual(['deadline_warning', 'deemed_accepted']);
    expect(d.current.status).toBe('in_review');
    expect(d.current.deemedAccepted).toBe(true);
  });

  it('the acceptance timer is stale once the clerk has decided', () => {
    const d = acceptedCase();
    expect(d.attempt(fire(ACCEPTANCE_TIMER), ACCEPTANCE_DUE_AT)).toEqual({ ok: true, events: [] });
    const s = supplementCase();
    expect(s.attempt(fire(ACCEPTANCE_TIMER), ACCEPTANCE_DUE_AT)).toEqual({ ok: true, events: [] });
  });

  it('supplement expiry: `supplement:red:<due>` after due ends the case as not accepted, with a notice', () => {
    const d = supplementCase();
    const dueAt = Date.parse('2026-10-12T16:00:00Z');
    // yellow 1 working day before Mon 10-12: the make-up Saturday 10-10 (Sun 10-11 is off)
    expect(pendingTimers(d.current)).toEqual([
      { id: 'supplement:yellow:2026-10-12', dueAt: Date.parse('2026-10-10T16:00:00Z') },
      { id: 'supplement:red:2026-10-12', dueAt },
    ]);
    expect(d.attempt(fire('supplement:red:2026-10-12'), dueAt - 1)).toEqual({ ok: true, events: [] });

    const events = d.run(fire('supplement:red:2026-10-12'), dueAt);
    expect(types(events)).toEqual(['deadline_warning', 'not_accepted', 'notice_sent']);
    expect(events[0]!.data).toEqual({ deadline: 'supplement', level: 'red', due: '2026-10-12' });
    const state = d.current;
    expect(state.status).toBe('not_accepted');
    expect(state.reasons).toEqual(['申请人未在规定期限内补正材料']);
    expect(state.notices.map((n) => n.kind)).toEqual(['supplement', 'not_accepted']);
    expect(state.notices[1]!.body).toContain('申请人未在规定期限内补正材料');
    expect(pendingTimers(state)).toEqual([]);
  });

  it('the supplement timer is stale once the materials are complete', () => {
    const d = supplementCase();
    d.run(command('supply_materials', { materials: MISSING_AFTER_PARTIAL }, applicantActor), T_SUPPLY);
    expect(d.attempt(fire('supplement:red:2026-10-12'), Date.parse('2026-10-12T16:00:00Z'))).toEqual({
      ok: true,
      events: [],
    });
  });

  describe('deemed acceptance after a completed supplement', () => {
    // Received Fri 09-18 with 2 of 18 materials; one-time notice Mon 09-21 (in time); everything supplied
    // Fri 10-09; the clerk then stays silent: new acceptanceDue 10-15 passes.
    function silentAfterSupplement(): Driver {
      const d = supplementCase();
      d.run(command('supply_materials', { materials: MISSING_AFTER_PARTIAL }, applicantActor), T_SUPPLY);
      const events = d.run(fire('acceptance:red:2026-10-15'), Date.parse('2026-10-15T16:00:00Z'));
      expect(types(events).slice(0, 2)).toEqual(['deadline_warning', 'deemed_accepted']);
      return d;
    }

    it('is deemed accepted when the fresh 5-working-day period passes', () => {
      const d = silentAfterSupplement();
      expect(d.current.status).toBe('in_review');
      expect(d.current.deemedAccepted).toBe(true);
    });

    // The complete materials were received on 2026-10-09 after a one-time notice sent in time, so the case counts
    // as accepted from then (第32条, "自收到申请材料之日起"), not from the first, incomplete receipt on 2026-09-18.
    it('counts as accepted from the day the complete materials arrived', () => {
      const d = silentAfterSupplement();
      expect(d.current.acceptedOn).toBe('2026-10-09');
    });
  });
});

describe('replay and purity', () => {
  function wholeCase(): Driver {
    const d = supplementCase();
    d.run(
      command('supply_materials', { materials: MISSING_AFTER_PARTIAL.slice(0, 5) }, applicantActor),
      T_PARTIAL_SUPPLY,
    );
    d.run(command('supply_materials', { materials: MISSING_AFTER_PARTIAL.slice(5) }, applicantActor), T_SUPPLY);
    d.run(accept, T_ACCEPT_AFTER_SUPPLY);
    const later = cst('2026-10-14 10:00');
    for (const id of [FOOD, AD_LEAD, AD_TRAFFIC, FIRE, SEWAGE]) d.run(approve(id), later);
    return d;
  }

  it('replay of the whole log equals the state built incrementally, and seq counts the events', () => {
    const d = wholeCase();
    expect(d.current.status).toBe('approved');
    const replayed = replay(d.log);
    expect(replayed).toEqual(d.current);
    expect(replayed?.seq).toBe(d.log.length);
    // 1 received + 2 supplement + 2 supplied + (accepted, notice, 1 immediate, 5 tasks) + 5 opinions
    // + 4 matters decided by opinions + case_approved + notice + 5 certificates
    expect(d.log.length).toBe(1 + 2 + 2 + 8 + 5 + 4 + 2 + 5);
  });

  it('replay of a refused case equals the incremental state', () => {
    const d = acceptedCase();
    d.run(refuse(FIRE, '疏散通道被占用'), T_REVIEW);
    expect(replay(d.log)).toEqual(d.current);
    expect(d.current.seq).toBe(d.log.length);
  });

  it('replay of nothing is undefined; an event before `received` is an error', () => {
    expect(replay([])).toBeUndefined();
    const d = acceptedCase();
    expect(() => evolve(undefined, d.log[1]!)).toThrow();
  });

  it('decide and evolve never mutate the state they are given', () => {
    const d = supplementCase();
    const frozen = deepFreeze(structuredClone(d.current));
    const copy = structuredClone(frozen);
    const events = eventsOf(
      decideAt(frozen, command('supply_materials', { materials: MISSING_AFTER_PARTIAL }, applicantActor), T_SUPPLY),
    );
    const next = events.reduce(evolve, frozen);
    expect(next.status).toBe('received');
    expect(frozen).toEqual(copy);

    const a = acceptedCase();
    const frozenReview = deepFreeze(structuredClone(a.current));
    const refused = eventsOf(decideAt(frozenReview, refuse(FOOD, '经营场所不符合要求'), T_REVIEW)).reduce(
      evolve,
      frozenReview,
    );
    expect(refused.status).toBe('refused');
    expect(frozenReview.status).toBe('in_review');
  });

  it('is deterministic: the same state, command and time give the same events', () => {
    const a = acceptedCase();
    const b = acceptedCase();
    expect(a.log).toEqual(b.log);
    expect(decideAt(a.current, refuse(SEWAGE, '无预处理设施'), T_REVIEW)).toEqual(
      decideAt(b.current, refuse(SEWAGE, '无预处理设施'), T_REVIEW),
    );
  });

  it('snapshots are taken from the catalogue: the fixture matches the demo data', () => {
    // guards the hand-computed expectations above against a changed seed
    const limits = RESTAURANT.map((m) => [
      m.code,
      m.kind,
      m.statutoryLimitDays,
      m.promisedLimitDays,
      m.supplementLimitDays,
    ]);
    expect(limits).toEqual([
      ['BUSINESS_REGISTRATION', 'immediate', 0, 0, 10],
      ['FOOD_BUSINESS_LICENCE', 'promised', 10, 5, 10],
      ['OUTDOOR_AD_PERMIT', 'promised', 20, 10, 10],
      ['FIRE_SAFETY_INSPECTION', 'promised', 10, 3, 10],
      ['SEWAGE_DISCHARGE_PERMIT', 'promised', 20, 7, 10],
    ]);
    expect(snapshot('OUTDOOR_AD_PERMIT').departments.map((x) => x.code)).toEqual(['CITY_MANAGEMENT', 'TRAFFIC_POLICE']);
  });
});
