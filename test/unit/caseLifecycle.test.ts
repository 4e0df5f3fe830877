/**
 * The statutory lifecycle (issue 3) driven through decide + evolve at fixed instants, on real matters of the demo
 * catalogue:
 *   CONSTRUCTION_COMPLETION_ACCEPTANCE  joint      HOUSING (lead, stage 2), NATURAL_RESOURCES, CIVIL_AIR_DEFENCE
 *                                                  statutory 45, promised 15, supplement 15, warning 3
 *   LABOUR_DISPATCH_LICENCE             escalated  DISTRICT_HRSS (stage 1), HRSS (lead, stage 2)
 *                                                  statutory 40, promised 30 (20 lower level + 10 higher level),
 *                                                  supplement 10, warning 3
 *   OUTDOOR_AD_PERMIT                   promised   CITY_MANAGEMENT (lead), TRAFFIC_POLICE, both at stage 1
 *                                                  statutory 20, promised 10, supplement 10, warning 3
 *
 * Dates counted by hand on the 2026 calendar. July and August 2026 have no holiday: Mon 07-06, 07-13, 07-20, 07-27,
 * 08-03, 08-10, 08-17, 08-24, 08-31, 09-07 are 0, 5, 10, ... 45 working days after Mon 07-06.
 * Around 中秋/国庆: 09-25..09-27 and 10-01..10-07 off; Sun 09-20 and Sat 10-10 are make-up working days.
 */
import { describe, expect, it } from 'vitest';
import type { CaseEvent, CaseState } from '../../rules/caseModel.ts';
import { evolve, replay } from '../../rules/caseModel.ts';
import {
  DEFAULT_WARNING_DAYS,
  DELIVERY_LIMIT_DAYS,
  ESCALATED_REVIEW_DAYS,
  certificatesToIssue,
  outstandingMaterials,
  pendingTimers,
} from '../../rules/caseDecisions.ts';
import type { MatterSnapshot } from '../../rules/catalogue.ts';
import { addWorkingDays, endOfChinaDay, workingDaysBetween } from '../../rules/workingDays.ts';
import {
  Driver,
  cst,
  deepFreeze,
  eventsOf,
  fold,
  snapshot,
  submitCommand,
  themeSnapshots,
  types,
  violationOf,
  decideAt,
  type TestCommand,
} from './fixtures.ts';

const CASE_NO = 'YM-2026-000001';
const JOINT = snapshot('CONSTRUCTION_COMPLETION_ACCEPTANCE');
const ESCALATED = snapshot('LABOUR_DISPATCH_LICENCE');
const AD = snapshot('OUTDOOR_AD_PERMIT');

const JOINT_MATERIALS = [
  'COMPLETION_ACCEPTANCE_APPLICATION',
  'BUSINESS_LICENCE',
  'COMPLETION_REPORT',
  'PLANNING_SURVEY_REPORT',
  'FIRE_ACCEPTANCE_DOCS',
  'CONSTRUCTION_ARCHIVE_RECEIPT',
];
const ESCALATED_MATERIALS = [
  'LABOUR_DISPATCH_APPLICATION',
  'BUSINESS_LICENCE',
  'APPLICANT_ID',
  'CAPITAL_VERIFICATION',
  'PREMISES_PROOF',
  'DISPATCH_MANAGEMENT_RULES',
];
const AD_MATERIALS = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];

const taskId = (matter: MatterSnapshot, department: string) => `${CASE_NO}-${matter.code}-${department}`;
const HOUSING = taskId(JOINT, 'HOUSING');
const NATURAL_RESOURCES = taskId(JOINT, 'NATURAL_RESOURCES');
const CIVIL_AIR_DEFENCE = taskId(JOINT, 'CIVIL_AIR_DEFENCE');
const DISTRICT = taskId(ESCALATED, 'DISTRICT_HRSS');
const CITY_HRSS = taskId(ESCALATED, 'HRSS');
const AD_CITY = taskId(AD, 'CITY_MANAGEMENT');
const AD_TRAFFIC = taskId(AD, 'TRAFFIC_POLICE');

const nameOf = (matter: MatterSnapshot, code: string) => {
  const found = matter.materials.find((m) => m.code === code);
  if (!found) throw new Error(`${matter.code} has no material ${code}`);
  return found.name;
};

// Fixed instants (China wall-clock). Mon 2026-07-06 is the usual day of receipt and acceptance.
const T_SUBMIT = cst('2026-07-06 09:30');
const T_ACCEPT = cst('2026-07-06 10:00');
const at = (day: string, time = '10:00') => cst(`${day} ${time}`);

const accept: TestCommand = { type: 'decide_acceptance', decision: 'accept', clerkId: 'clerk-01' };
const approve = (id: string, reviewerId = 'reviewer-1'): TestCommand => ({
  type: 'give_opinion',
  taskId: id,
  decision: 'approve',
  reviewerId,
});
const refuse = (id: string, reason: string): TestCommand => ({
  type: 'give_opinion',
  taskId: id,
  decision: 'refuse',
  reason,
  reviewerId: 'reviewer-2',
});
const askFor = (id: string, materials: string[], reason = '材料内容不符合要求'): TestCommand => ({
  type: 'give_opinion',
  taskId: id,
  decision: 'supplement',
  materials,
  reason,
  reviewerId: 'reviewer-3',
});
const supply = (materials: string[], extra: Partial<Extract<TestCommand, { type: 'supply_materials' }>> = {}) =>
  ({ type: 'supply_materials', materials, ...extra }) as TestCommand;
const fire = (timerId: string): TestCommand => ({ type: 'timer_fired', timerId });

/** A case of the given matters received at T_SUBMIT and accepted by the clerk at T_ACCEPT. */
function acceptedCase(
  matters: MatterSnapshot[],
  materials: string[],
  extra: Partial<Extract<TestCommand, { type: 'submit' }>> = {},
): Driver {
  const d = new Driver();
  d.run(submitCommand(matters, materials, extra), T_SUBMIT);
  d.run(accept, T_ACCEPT);
  return d;
}

const jointCase = () => acceptedCase([JOINT], JOINT_MATERIALS);
const adCase = () => acceptedCase([AD], AD_MATERIALS);

function taskOf(state: CaseState, id: string) {
  const task = state.tasks.find((t) => t.id === id);
  if (!task) throw new Error(`no task ${id}`);
  return task;
}

function only<T extends CaseEvent['type']>(events: CaseEvent[], type: T): Extract<CaseEvent, { type: T }> {
  const found = events.filter((e): e is Extract<CaseEvent, { type: T }> => e.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('the demo matters used here', () => {
  it('match the catalogue data the hand-counted dates rest on', () => {
    const summary = (m: MatterSnapshot) => [
      m.kind,
      m.departments.map((x) => `${x.code}${x.lead ? '*' : ''}`),
      m.statutoryLimitDays,
      m.promisedLimitDays,
      m.supplementLimitDays,
      m.warningDays,
    ];
    expect(summary(JOINT)).toEqual(['joint', ['HOUSING*', 'NATURAL_RESOURCES', 'CIVIL_AIR_DEFENCE'], 45, 15, 15, 3]);
    expect(summary(ESCALATED)).toEqual(['escalated', ['DISTRICT_HRSS', 'HRSS*'], 40, 30, 10, 3]);
    expect(ESCALATED.higherLevelLimitDays).toBe(10);
    expect(summary(AD)).toEqual(['promised', ['CITY_MANAGEMENT*', 'TRAFFIC_POLICE'], 20, 10, 10, 3]);
    expect(AD.materials.filter((m) => m.commitmentAllowed).map((m) => m.code)).toEqual(['OWNER_CONSENT']);
    expect(AD.materials.find((m) => m.code === 'AD_STRUCTURE_SAFETY')?.required).toBe(false);
    for (const [matter, materials] of [
      [JOINT, JOINT_MATERIALS],
      [ESCALATED, ESCALATED_MATERIALS],
      [AD, AD_MATERIALS],
    ] as const) {
      expect(matter.materials.filter((m) => m.required).map((m) => m.code)).toEqual(materials);
    }
    expect([ESCALATED_REVIEW_DAYS, DELIVERY_LIMIT_DAYS, DEFAULT_WARNING_DAYS]).toEqual([20, 10, 3]);
  });
});

describe('joint matters (联办件): the lead decides after the co-departments', () => {
  it('co-departments open at stage 1, the lead waits at stage 2 and opens once both have answered', () => {
    const d = new Driver();
    d.run(submitCommand([JOINT], JOINT_MATERIALS), T_SUBMIT);
    const events = d.run(accept, T_ACCEPT);
    expect(types(events)).toEqual(['accepted', 'notice_sent', 'task_opened', 'task_opened', 'task_opened']);
    const accepted = only(events, 'accepted');
    // Mon 07-06 + 45 = Mon 09-07; + 15 = Mon 07-27
    expect(accepted.data).toEqual({
      acceptedOn: '2026-07-06',
      deemed: false,
      statutoryDue: '2026-09-07',
      promisedDue: '2026-07-27',
      limits: { statutory: 45, promised: 15 },
    });

    const summary = (s: CaseState) => s.tasks.map((t) => [t.id, t.lead, t.stage, t.status, t.openedOn, t.due]);
    expect(summary(d.current)).toEqual([
      [HOUSING, true, 2, 'waiting', '2026-07-06', '2026-07-27'],
      [NATURAL_RESOURCES, false, 1, 'open', '2026-07-06', '2026-07-27'],
      [CIVIL_AIR_DEFENCE, false, 1, 'open', '2026-07-06', '2026-07-27'],
    ]);
    expect(violationOf(d.attempt(approve(HOUSING), at('2026-07-07')))).toMatchObject({
      code: 'task_not_open',
      status: 409,
    });

    // one co-department answers: the lead still waits
    expect(types(d.run(approve(NATURAL_RESOURCES), at('2026-07-08')))).toEqual(['opinion_given']);
    expect(taskOf(d.current, HOUSING).status).toBe('waiting');
    expect(violationOf(d.attempt(approve(HOUSING), at('2026-07-08'))).code).toBe('task_not_open');

    // the second answers (even with a refusal): the lead's task opens that day, its due unchanged
    const reason = '人防工程未按批准的设计施工';
    const second = d.run(refuse(CIVIL_AIR_DEFENCE, reason), at('2026-07-09'));
    expect(types(second)).toEqual(['opinion_given', 'task_opened']);
    expect(only(second, 'task_opened').data).toMatchObject({ id: HOUSING, status: 'open', openedOn: '2026-07-09' });
    const lead = taskOf(d.current, HOUSING);
    expect([lead.status, lead.openedOn, lead.due]).toEqual(['open', '2026-07-09', '2026-07-27']);
    expect(lead.history.map((h) => h.what)).toEqual(['waiting', 'opened']);
    // a co-department's refusal alone does not refuse the case
    expect(d.current.status).toBe('in_review');
    expect(d.current.outcomes).toEqual({ CONSTRUCTION_COMPLETION_ACCEPTANCE: 'pending' });
    expect(taskOf(d.current, CIVIL_AIR_DEFENCE)).toMatchObject({ status: 'refused', reason, stage: 1 });

    // the lead's decision is the matter's outcome
    const last = d.run(approve(HOUSING, 'housing-head'), at('2026-07-10'));
    expect(types(last)).toEqual([
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      'certificate_issued',
    ]);
    expect(only(last, 'matter_decided').data).toEqual({
      matter: 'CONSTRUCTION_COMPLETION_ACCEPTANCE',
      outcome: 'approved',
    });
    // Fri 07-10 + 10 = Fri 07-24 (13..17, 20..24)
    expect(only(last, 'case_approved').data).toEqual({ deliveryDue: '2026-07-24' });
    const state = d.current;
    expect(state.status).toBe('approved');
    expect(state.deadlines).toEqual({ deliveryDue: '2026-07-24' });
    expect(state.reasons).toEqual([]);
    expect(taskOf(state, HOUSING).history.map((h) => [h.what, h.by])).toEqual([
      ['waiting', 'system'],
      ['opened', 'system'],
      ['approved', 'housing-head'],
    ]);
    expect(state.notices.map((n) => n.kind)).toEqual(['accepted', 'approved']);
  });

  it("the lead's refusal refuses the case, with the lead's reason only", () => {
    const d = jointCase();
    d.run(approve(NATURAL_RESOURCES), at('2026-07-08'));
    d.run(approve(CIVIL_AIR_DEFENCE), at('2026-07-08', '11:00'));
    const reason = '竣工验收资料不完整，工程质量不符合强制性标准';
    const events = d.run(refuse(HOUSING, reason), at('2026-07-13'));
    expect(types(events)).toEqual(['opinion_given', 'matter_decided', 'case_refused', 'notice_sent']);
    const state = d.current;
    expect(state.status).toBe('refused');
    expect(state.outcomes).toEqual({ CONSTRUCTION_COMPLETION_ACCEPTANCE: 'refused' });
    expect(state.reasons).toEqual([`市住房和城乡建设局：${reason}`]);
    expect(state.notices.at(-1)?.kind).toBe('refused');
  });
});

describe('escalated matters (上报件): the lower level reviews, the higher level decides', () => {
  // Accepted Mon 09-14. + 20 working days: 15..18 (4), Sun 09-20 (5), 21..24 (9), 28..30 (12), 10-08, 10-09 (14),
  // Sat 10-10 (15), 12..16 (20) -> Fri 10-16. + 30 (promised): 19..23 (25), 26..30 (30) -> Fri 10-30.
  // + 40 (statutory): 11-02..06 (35), 11-09..13 (40) -> Fri 11-13.
  const T_ESC_ACCEPT = at('2026-09-14');

  function escalatedCase(): Driver {
    const d = new Driver();
    d.run(submitCommand([ESCALATED], ESCALATED_MATERIALS), at('2026-09-14', '09:00'));
    d.run(accept, T_ESC_ACCEPT);
    return d;
  }

  it('stage 1 is due 20 working days after acceptance; the higher level opens after it with its own limit', () => {
    const d = escalatedCase();
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-11-13', promisedDue: '2026-10-30' });
    expect(d.current.tasks.map((t) => [t.id, t.lead, t.stage, t.status, t.due])).toEqual([
      [DISTRICT, false, 1, 'open', '2026-10-16'],
      [CITY_HRSS, true, 2, 'waiting', '2026-10-30'],
    ]);
    expect(violationOf(d.attempt(approve(CITY_HRSS), at('2026-09-15'))).code).toBe('task_not_open');

    // the lower level answers on Thu 10-15: the higher level's task opens, due 10-15 + 10 (its own limit):
    // 10-16 (1), 19..23 (6), 26..29 (10) -> Thu 10-29, within the case's promised 10-30
    const events = d.run(approve(DISTRICT, 'district-reviewer'), at('2026-10-15'));
    expect(types(events)).toEqual(['opinion_given', 'task_opened']);
    const higher = taskOf(d.current, CITY_HRSS);
    expect([higher.status, higher.openedOn, higher.due]).toEqual(['open', '2026-10-15', '2026-10-29']);
    expect(higher.due).toBe(addWorkingDays('2026-10-15', ESCALATED.higherLevelLimitDays ?? 0));
    expect(d.current.outcomes.LABOUR_DISPATCH_LICENCE).toBe('pending');

    // the higher level decides: Mon 11-02 + 10 -> Mon 11-16
    const last = d.run(approve(CITY_HRSS, 'city-reviewer'), at('2026-11-02'));
    expect(types(last)).toEqual([
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      'certificate_issued',
    ]);
    expect(d.current.status).toBe('approved');
    expect(d.current.deadlines).toEqual({ deliveryDue: '2026-11-16' });
  });

  it("the higher level's refusal refuses the case even after the lower level approved", () => {
    const d = escalatedCase();
    d.run(approve(DISTRICT), at('2026-09-16'));
    const events = d.run(refuse(CITY_HRSS, '注册资本未达到法定要求'), at('2026-09-17'));
    expect(types(events)).toEqual(['opinion_given', 'matter_decided', 'case_refused', 'notice_sent']);
    expect(d.current.status).toBe('refused');
    expect(d.current.reasons).toEqual(['市人力资源和社会保障局：注册资本未达到法定要求']);
  });
});

describe('department supplement requests (补齐补正, one consolidated notice)', () => {
  // OUTDOOR_AD_PERMIT accepted Mon 07-06: promisedDue 07-20 (+10), statutoryDue 08-03 (+20), tasks due 07-20.
  it('waits for every open task, then sends one notice with the union, pauses the clock; supply resumes it', () => {
    const d = adCase();
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-08-03', promisedDue: '2026-07-20' });

    // invalid requests change nothing
    expect(violationOf(d.attempt(askFor(AD_TRAFFIC, []), at('2026-07-08')))).toMatchObject({
      code: 'materials_required',
      status: 422,
    });
    expect(
      violationOf(
        d.attempt(
          {
            type: 'give_opinion',
            taskId: AD_TRAFFIC,
            decision: 'supplement',
            materials: ['AD_DESIGN_DRAWING'],
            reviewerId: 'r',
          },
          at('2026-07-08'),
        ),
      ),
    ).toMatchObject({ code: 'reason_required', status: 422 });
    expect(violationOf(d.attempt(askFor(AD_TRAFFIC, ['SEAL_FILING_FORM']), at('2026-07-08')))).toMatchObject({
      code: 'unknown_material',
      status: 422,
    });

    // Wed 07-08: the lead asks; the traffic police are still reviewing: no notice yet, the clock runs
    const first = d.run(askFor(AD_CITY, ['AD_DESIGN_DRAWING'], '设计图未标注尺寸'), at('2026-07-08'));
    expect(types(first)).toEqual(['department_supplement_requested']);
    expect(d.current.status).toBe('in_review');
    expect(d.current.clock.paused).toBe(false);
    expect(d.current.notices.map((n) => n.kind)).toEqual(['accepted']);
    expect(taskOf(d.current, AD_CITY)).toMatchObject({
      status: 'supplement_requested',
      supplementRequest: { materials: ['AD_DESIGN_DRAWING'], reason: '设计图未标注尺寸' },
    });
    expect(violationOf(d.attempt(approve(AD_CITY), at('2026-07-09')))).toMatchObject({
      code: 'task_awaiting_supplement',
      status: 409,
    });

    // Fri 07-10: the last open task asks too: one consolidated notice, the clock stops that day
    const second = d.run(
      askFor(AD_TRAFFIC, ['AD_STRUCTURE_SAFETY', 'AD_DESIGN_DRAWING'], '需补充结构安全证明'),
      at('2026-07-10'),
    );
    expect(types(second)).toEqual([
      'department_supplement_requested',
      'clock_paused',
      'notice_sent',
      'supplement_requested',
    ]);
    expect(only(second, 'clock_paused').data).toEqual({ reason: 'supplement', since: '2026-07-10' });
    const notice = only(second, 'notice_sent').data;
    expect(notice.kind).toBe('supplement');
    expect(notice.id).toBe(`${CASE_NO}-N2`);
    // Fri 07-10 + 10 = Fri 07-24
    expect(notice.due).toBe('2026-07-24');
    expect(notice.items).toEqual([
      { code: 'AD_DESIGN_DRAWING', name: nameOf(AD, 'AD_DESIGN_DRAWING'), matters: [AD.name] },
      { code: 'AD_STRUCTURE_SAFETY', name: nameOf(AD, 'AD_STRUCTURE_SAFETY'), matters: [AD.name] },
    ]);
    expect(notice.body).toContain(nameOf(AD, 'AD_STRUCTURE_SAFETY'));
    expect(only(second, 'supplement_requested').data).toEqual({
      noticeId: notice.id,
      materials: ['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY'],
      due: '2026-07-24',
      stage: 'review',
    });
    let state = d.current;
    expect(state.status).toBe('awaiting_supplement');
    expect(state.clock).toEqual({
      paused: true,
      pausedSince: '2026-07-10',
      pauseReasons: ['supplement'],
      pausedWorkingDays: 0,
      extensionDays: 0,
    });
    expect(state.deadlines).toEqual({
      statutoryDue: '2026-08-03',
      promisedDue: '2026-07-20',
      supplementDue: '2026-07-24',
    });
    // only the supplement clock runs (yellow 3 working days before: Tue 07-21); no review timer while paused
    expect(pendingTimers(state)).toEqual([
      { id: 'supplement:yellow:2026-07-24', dueAt: endOfChinaDay('2026-07-21') },
      { id: 'supplement:red:2026-07-24', dueAt: endOfChinaDay('2026-07-24') },
    ]);

    // Tue 07-14: part of it at the window: still waiting
    const part = d.run(supply(['AD_DESIGN_DRAWING']), at('2026-07-14'));
    expect(types(part)).toEqual(['materials_supplied']);
    expect(part[0]!.data).toEqual({ materials: ['AD_DESIGN_DRAWING'], channel: 'window', receivedOn: '2026-07-14' });
    expect(d.current.status).toBe('awaiting_supplement');
    expect(d.current.clock.paused).toBe(true);
    expect(d.current.visits).toBe(2);

    // Mon 07-20: the rest online: the clock resumes; paused 07-13..17, 07-20 = 6 working days
    const rest = d.run(supply(['AD_STRUCTURE_SAFETY'], { channel: 'online' }), at('2026-07-20'));
    expect(types(rest)).toEqual(['materials_supplied', 'clock_resumed', 'task_opened', 'task_opened']);
    expect(workingDaysBetween('2026-07-10', '2026-07-20')).toBe(6);
    expect(only(rest, 'clock_resumed').data).toEqual({ reason: 'supplement', on: '2026-07-20', pausedWorkingDays: 6 });
    state = d.current;
    expect(state.status).toBe('in_review');
    expect(state.visits).toBe(2); // online: no visit
    expect(state.clock).toEqual({ paused: false, pauseReasons: [], pausedWorkingDays: 6, extensionDays: 0 });
    // 08-03 + 6 = Tue 08-11; 07-20 + 6 = Tue 07-28
    expect(state.deadlines).toEqual({ statutoryDue: '2026-08-11', promisedDue: '2026-07-28' });
    expect(state.deadlines.statutoryDue).toBe(addWorkingDays('2026-08-03', 6));
    expect(state.deadlines.promisedDue).toBe(addWorkingDays('2026-07-20', 6));
    expect(state.tasks.map((t) => [t.id, t.status, t.due])).toEqual([
      [AD_CITY, 'open', '2026-07-28'],
      [AD_TRAFFIC, 'open', '2026-07-28'],
    ]);
    expect(state.supplementRounds.at(-1)).toMatchObject({
      stage: 'review',
      materials: ['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY'],
      supplied: ['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY'],
    });
  });

  it('a later round may ask again only about material asked for before (一次性告知); its expiry terminates the case', () => {
    const d = adCase();
    d.run(askFor(AD_CITY, ['AD_DESIGN_DRAWING']), at('2026-07-08'));
    d.run(askFor(AD_TRAFFIC, ['AD_STRUCTURE_SAFETY']), at('2026-07-10'));
    d.run(supply(['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY']), at('2026-07-20'));
    expect(d.current.status).toBe('in_review');

    // Tue 07-21: OWNER_CONSENT could have been asked for in the first notice
    const v = violationOf(d.attempt(askFor(AD_CITY, ['OWNER_CONSENT']), at('2026-07-21')));
    expect(v).toMatchObject({ code: 'one_time_notice_violated', status: 409, field: 'materials' });
    expect(v.message).toContain(nameOf(AD, 'OWNER_CONSENT'));
    expect(violationOf(d.attempt(askFor(AD_CITY, ['AD_DESIGN_DRAWING', 'OWNER_CONSENT']), at('2026-07-21'))).code).toBe(
      'one_time_notice_violated',
    );
    // a problem with a supplied material (asked for before, even by another department) may be raised again
    expect(
      types(d.run(askFor(AD_CITY, ['AD_STRUCTURE_SAFETY'], '结构安全证明无鉴定机构盖章'), at('2026-07-21'))),
    ).toEqual(['department_supplement_requested']);
    // the traffic police approve: no task is open any more, so the second notice goes out
    const events = d.run(approve(AD_TRAFFIC), at('2026-07-22'));
    expect(types(events)).toEqual(['opinion_given', 'clock_paused', 'notice_sent', 'supplement_requested']);
    const notice = only(events, 'notice_sent').data;
    expect(notice.id).toBe(`${CASE_NO}-N3`);
    expect(notice.items?.map((i) => i.code)).toEqual(['AD_STRUCTURE_SAFETY']);
    // Wed 07-22 + 10 = Wed 08-05
    expect(notice.due).toBe('2026-08-05');
    expect(d.current.supplementRounds.map((r) => [r.stage, r.materials])).toEqual([
      ['review', ['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY']],
      ['review', ['AD_STRUCTURE_SAFETY']],
    ]);

    // nobody supplies: after 08-05 the review ends (terminated, not `not_accepted`)
    expect(d.attempt(fire('supplement:red:2026-08-05'), endOfChinaDay('2026-08-05') - 1)).toEqual({
      ok: true,
      events: [],
    });
    const expired = d.run(fire('supplement:red:2026-08-05'), endOfChinaDay('2026-08-05'));
    expect(types(expired)).toEqual(['deadline_warning', 'task_cancelled', 'terminated', 'notice_sent']);
    expect(d.current.status).toBe('terminated');
    expect(d.current.notices.at(-1)?.kind).toBe('terminated');
    expect(taskOf(d.current, AD_CITY).status).toBe('cancelled');
    expect(d.current.outcomes.OUTDOOR_AD_PERMIT).toBe('cancelled');
    expect(pendingTimers(d.current)).toEqual([]);
  });

  it('a refusal while another department waits for a supplement refuses the case without a notice to supplement', () => {
    const d = adCase();
    d.run(askFor(AD_CITY, ['AD_DESIGN_DRAWING']), at('2026-07-08'));
    const events = d.run(refuse(AD_TRAFFIC, '设置位置遮挡交通信号灯'), at('2026-07-09'));
    expect(types(events)).toEqual(['opinion_given', 'matter_decided', 'task_cancelled', 'case_refused', 'notice_sent']);
    expect(d.current.status).toBe('refused');
    expect(d.current.notices.map((n) => n.kind)).toEqual(['accepted', 'refused']);
  });

  it('in a joint matter the waiting lead does not hold back the notice; the co-department reopens on supply', () => {
    const d = jointCase();
    d.run(askFor(NATURAL_RESOURCES, ['PLANNING_SURVEY_REPORT']), at('2026-07-07'));
    const events = d.run(approve(CIVIL_AIR_DEFENCE), at('2026-07-08'));
    expect(types(events)).toEqual(['opinion_given', 'clock_paused', 'notice_sent', 'supplement_requested']);
    // JOINT's supplement limit is 15: Wed 07-08 + 15 = Wed 07-29
    expect(only(events, 'supplement_requested').data.due).toBe('2026-07-29');
    expect(taskOf(d.current, HOUSING).status).toBe('waiting');

    // supplied Fri 07-10: paused 07-09, 07-10 = 2 working days; the waiting lead's due moves as well
    d.run(supply(['PLANNING_SURVEY_REPORT']), at('2026-07-10'));
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-09-09', promisedDue: '2026-07-29' });
    expect(d.current.tasks.map((t) => [t.status, t.due])).toEqual([
      ['waiting', '2026-07-29'],
      ['open', '2026-07-29'],
      ['approved', '2026-07-27'],
    ]);
    expect(types(d.run(approve(NATURAL_RESOURCES), at('2026-07-13')))).toEqual(['opinion_given', 'task_opened']);
    expect(taskOf(d.current, HOUSING)).toMatchObject({ status: 'open', openedOn: '2026-07-13', due: '2026-07-29' });
  });
});

describe('special procedures (特别程序, 第45条)', () => {
  const P1 = `${CASE_NO}-P1`;
  const REASON = '设置位置临近主干道，需专家论证交通安全影响';
  const endProcedure = (procedureId: string, task = AD_TRAFFIC, reviewerId = 'traffic-1'): TestCommand => ({
    type: 'end_special_procedure',
    taskId: task,
    procedureId,
    reviewerId,
  });
  const startExpertReview: Extract<TestCommand, { type: 'start_special_procedure' }> = {
    type: 'start_special_procedure',
    taskId: AD_TRAFFIC,
    procedure: 'expert_review',
    expectedWorkingDays: 5,
    reason: REASON,
    reviewerId: 'traffic-1',
  };

  it('pauses the clock with a written notice; the task cannot decide meanwhile; the end moves every due date', () => {
    const d = adCase();
    expect(violationOf(d.attempt({ ...startExpertReview, expectedWorkingDays: 0 }, at('2026-07-08')))).toMatchObject({
      code: 'invalid_field',
      status: 422,
    });

    const events = d.run(startExpertReview, at('2026-07-08'));
    expect(types(events)).toEqual(['clock_paused', 'special_procedure_started', 'notice_sent']);
    expect(only(events, 'clock_paused').data).toEqual({ reason: `special_procedure:${P1}`, since: '2026-07-08' });
    const notice = only(events, 'notice_sent').data;
    expect(notice.kind).toBe('special_procedure');
    expect(notice.body).toContain('5 个工作日');
    expect(notice.body).toContain('专家评审');
    expect(notice.body).toContain(REASON);
    let state = d.current;
    expect(state.status).toBe('in_review');
    expect(state.clock).toMatchObject({
      paused: true,
      pausedSince: '2026-07-08',
      pauseReasons: [`special_procedure:${P1}`],
    });
    expect(state.specialProcedures).toEqual([
      {
        id: P1,
        taskId: AD_TRAFFIC,
        type: 'expert_review',
        expectedWorkingDays: 5,
        reason: REASON,
        startedOn: '2026-07-08',
      },
    ]);
    expect(pendingTimers(state)).toEqual([]); // no review timers while the clock is paused

    expect(violationOf(d.attempt(approve(AD_TRAFFIC), at('2026-07-09')))).toMatchObject({
      code: 'special_procedure_running',
      status: 409,
    });
    expect(violationOf(d.attempt(askFor(AD_TRAFFIC, ['AD_STRUCTURE_SAFETY']), at('2026-07-09'))).code).toBe(
      'special_procedure_running',
    );
    expect(violationOf(d.attempt(startExpertReview, at('2026-07-09'))).code).toBe('special_procedure_running');
    // the other department goes on reviewing
    expect(types(d.run(approve(AD_CITY), at('2026-07-09')))).toEqual(['opinion_given']);

    // ended Fri 07-17: 07-09, 07-10, 07-13..17 = 7 working days
    const end = d.run(endProcedure(P1), at('2026-07-17'));
    expect(types(end)).toEqual(['special_procedure_ended', 'clock_resumed']);
    expect(workingDaysBetween('2026-07-08', '2026-07-17')).toBe(7);
    expect(only(end, 'clock_resumed').data).toEqual({
      reason: `special_procedure:${P1}`,
      on: '2026-07-17',
      pausedWorkingDays: 7,
    });
    state = d.current;
    expect(state.specialProcedures[0]?.endedOn).toBe('2026-07-17');
    expect(state.clock).toEqual({ paused: false, pauseReasons: [], pausedWorkingDays: 7, extensionDays: 0 });
    // 07-20 + 7 = Wed 07-29; 08-03 + 7 = Wed 08-12
    expect(state.deadlines).toEqual({ statutoryDue: '2026-08-12', promisedDue: '2026-07-29' });
    expect(state.tasks.map((t) => [t.status, t.due])).toEqual([
      ['approved', '2026-07-20'], // decided tasks keep their due
      ['open', '2026-07-29'],
    ]);
    // review timers again, on the moved dates (yellow 3 working days before 07-29: Fri 07-24)
    expect(pendingTimers(state)).toEqual([
      { id: 'review:yellow:2026-07-29', dueAt: endOfChinaDay('2026-07-24') },
      { id: 'review:red:2026-07-29', dueAt: endOfChinaDay('2026-07-29') },
      { id: 'statutory:red:2026-08-12', dueAt: endOfChinaDay('2026-08-12') },
    ]);

    expect(violationOf(d.attempt(endProcedure(P1), at('2026-07-20')))).toMatchObject({
      code: 'special_procedure_ended',
      status: 409,
    });
    expect(violationOf(d.attempt(endProcedure('NOPE'), at('2026-07-20')))).toMatchObject({
      code: 'special_procedure_not_found',
      status: 404,
    });
    // the procedure must be named with the task it belongs to
    expect(violationOf(d.attempt(endProcedure(P1, AD_CITY), at('2026-07-20'))).code).toBe(
      'special_procedure_not_found',
    );
    expect(types(d.run(approve(AD_TRAFFIC), at('2026-07-20')))).toEqual([
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      'certificate_issued',
    ]);
  });

  it('two overlapping procedures: the paused days are counted once, from the first start to the last end', () => {
    const d = adCase();
    d.run(startExpertReview, at('2026-07-08')); // P1 on the traffic police
    d.run({ ...startExpertReview, taskId: AD_CITY, procedure: 'hearing', reviewerId: 'city-1' }, at('2026-07-09')); // P2
    const first = d.run(endProcedure(P1), at('2026-07-13'));
    expect(only(first, 'clock_resumed').data.pausedWorkingDays).toBe(0);
    expect(d.current.clock.paused).toBe(true);
    expect(pendingTimers(d.current)).toEqual([]);
    const last = d.run(endProcedure(`${CASE_NO}-P2`, AD_CITY), at('2026-07-15'));
    // 07-08 .. 07-15: 09, 10, 13, 14, 15 = 5
    expect(only(last, 'clock_resumed').data.pausedWorkingDays).toBe(5);
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-08-10', promisedDue: '2026-07-27' });
  });

  // A case that has ended keeps no review deadlines: ending its procedure afterwards is refused.
  it('ending a procedure after the case was withdrawn does not bring back review deadlines', () => {
    const d = adCase();
    d.run(startExpertReview, at('2026-07-07'));
    d.run({ type: 'withdraw' }, at('2026-07-08'));
    expect(d.current.deadlines).toEqual({});
    const decision = d.attempt(endProcedure(P1), at('2026-07-10'));
    expect(violationOf(decision)).toMatchObject({ status: 409, code: 'already_decided' });
    expect(d.current.status).toBe('withdrawn');
    expect(d.current.deadlines).toEqual({});
  });
});

describe('extensions (延期, 第42条)', () => {
  const request = (department: string, reason = '需现场核查设置位置'): TestCommand => ({
    type: 'request_extension',
    department,
    reason,
    reviewerId: 'reviewer-1',
  });
  const decideX = (extensionId: string, decision: 'approve' | 'refuse'): TestCommand => ({
    type: 'decide_extension',
    extensionId,
    decision,
    headId: 'head-1',
  });
  const X1 = `${CASE_NO}-X1`;

  it('a 20-day matter: once by 10 working days, with a notice giving the reason; never twice', () => {
    const d = adCase();
    expect(violationOf(d.attempt(request('WATER'), at('2026-07-13')))).toMatchObject({
      code: 'department_not_on_case',
      status: 403,
    });
    const requested = d.run(request('CITY_MANAGEMENT'), at('2026-07-13'));
    expect(types(requested)).toEqual(['extension_requested']);
    expect(requested[0]!.data).toEqual({
      id: X1,
      department: 'CITY_MANAGEMENT',
      reason: '需现场核查设置位置',
      requestedBy: 'reviewer-1',
      days: 10,
    });
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-08-03', promisedDue: '2026-07-20' }); // not yet
    expect(violationOf(d.attempt(request('TRAFFIC_POLICE'), at('2026-07-13')))).toMatchObject({
      code: 'extension_pending',
      status: 409,
    });

    const decided = d.run(decideX(X1, 'approve'), at('2026-07-14'));
    expect(types(decided)).toEqual(['extension_decided', 'notice_sent']);
    const state = d.current;
    // 08-03 + 10 = Mon 08-17; 07-20 + 10 = Mon 08-03
    expect(state.deadlines).toEqual({ statutoryDue: '2026-08-17', promisedDue: '2026-08-03' });
    expect(state.tasks.map((t) => t.due)).toEqual(['2026-08-03', '2026-08-03']);
    expect(state.clock.extensionDays).toBe(10);
    expect(state.extensions).toEqual([
      {
        id: X1,
        department: 'CITY_MANAGEMENT',
        reason: '需现场核查设置位置',
        requestedBy: 'reviewer-1',
        days: 10,
        status: 'approved',
        decidedBy: 'head-1',
      },
    ]);
    const notice = state.notices.at(-1)!;
    expect(notice.kind).toBe('extension');
    expect(notice.due).toBe('2026-08-17');
    expect(notice.body).toContain('10 个工作日');
    expect(notice.body).toContain('2026年8月17日');
    expect(notice.body).toContain('需现场核查设置位置');

    expect(violationOf(d.attempt(decideX(X1, 'approve'), at('2026-07-15'))).code).toBe('extension_already_decided');
    expect(violationOf(d.attempt(request('TRAFFIC_POLICE'), at('2026-07-15')))).toMatchObject({
      code: 'extension_already_granted',
      status: 409,
    });
    expect(violationOf(d.attempt(decideX('NOPE', 'approve'), at('2026-07-15'))).code).toBe('extension_not_found');
  });

  it('a joint (45-day) matter is extended by 15 working days, the waiting lead included', () => {
    const d = jointCase();
    const requested = d.run(request('HOUSING', '涉及多部门联合现场验收'), at('2026-07-20'));
    expect(requested[0]!.data).toMatchObject({ days: 15 });
    d.run(decideX(X1, 'approve'), at('2026-07-21'));
    // 09-07 + 15: 08..11 (4), 14..18 (9), Sun 09-20 (10), 21..24 (14), 28 (15) -> Mon 09-28; 07-27 + 15 -> Mon 08-17
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-09-28', promisedDue: '2026-08-17' });
    expect(d.current.tasks.map((t) => [t.status, t.due])).toEqual([
      ['waiting', '2026-08-17'],
      ['open', '2026-08-17'],
      ['open', '2026-08-17'],
    ]);
    expect(d.current.notices.at(-1)?.body).toContain('15 个工作日');
    expect(d.current.notices.at(-1)?.body).toContain('2026年9月28日');
  });

  it('a refused extension changes no date, sends no notice, and leaves room for another request', () => {
    const d = adCase();
    d.run(request('TRAFFIC_POLICE'), at('2026-07-13'));
    const notices = d.current.notices.length;
    expect(types(d.run(decideX(X1, 'refuse'), at('2026-07-14')))).toEqual(['extension_decided']);
    expect(d.current.notices).toHaveLength(notices);
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-08-03', promisedDue: '2026-07-20' });
    expect(d.current.extensions[0]).toMatchObject({ status: 'refused', decidedBy: 'head-1' });
    expect(d.run(request('TRAFFIC_POLICE'), at('2026-07-15'))[0]!.data).toMatchObject({ id: `${CASE_NO}-X2` });
  });

  it('only a case under review can be extended', () => {
    const d = new Driver();
    d.run(submitCommand([AD], AD_MATERIALS), T_SUBMIT);
    expect(violationOf(d.attempt(request('CITY_MANAGEMENT'), T_ACCEPT)).code).toBe('not_in_review');
  });
});

describe('withdrawal (撤回)', () => {
  it('before a decision: withdrawn, open and waiting tasks cancelled, a notice; nothing after it', () => {
    const d = jointCase();
    d.run(approve(NATURAL_RESOURCES), at('2026-07-07'));
    const events = d.run({ type: 'withdraw', reason: '项目调整，暂不申请验收' }, at('2026-07-08'));
    expect(types(events)).toEqual(['task_cancelled', 'task_cancelled', 'withdrawn', 'notice_sent']);
    expect(events.filter((e) => e.type === 'task_cancelled').map((e) => (e.data as { taskId: string }).taskId)).toEqual(
      [HOUSING, CIVIL_AIR_DEFENCE],
    );
    expect(only(events, 'withdrawn').actor).toEqual({ kind: 'applicant', id: '91440300MA5XXXXX0X' });
    const state = d.current;
    expect(state.status).toBe('withdrawn');
    expect(state.tasks.map((t) => t.status)).toEqual(['cancelled', 'approved', 'cancelled']);
    expect(state.outcomes).toEqual({ CONSTRUCTION_COMPLETION_ACCEPTANCE: 'cancelled' });
    expect(state.deadlines).toEqual({});
    expect(state.reasons).toEqual(['项目调整，暂不申请验收']);
    const notice = state.notices.at(-1)!;
    expect(notice.kind).toBe('withdrawn');
    expect(notice.body).toContain('项目调整，暂不申请验收');
    expect(pendingTimers(state)).toEqual([]);

    expect(violationOf(d.attempt({ type: 'withdraw' }, at('2026-07-09')))).toMatchObject({
      code: 'already_decided',
      status: 409,
    });
    expect(violationOf(d.attempt(approve(CIVIL_AIR_DEFENCE), at('2026-07-09'))).code).toBe('task_cancelled');
  });

  it('before acceptance, with the default reason', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION']), T_SUBMIT);
    d.run({ type: 'decide_acceptance', decision: 'supplement', clerkId: 'clerk-01' }, T_ACCEPT);
    const events = d.run({ type: 'withdraw', reason: '  ' }, at('2026-07-07'));
    expect(types(events)).toEqual(['withdrawn', 'notice_sent']);
    expect(d.current.reasons).toEqual(['申请人主动撤回申请']);
    expect(pendingTimers(d.current)).toEqual([]);
  });

  it('after a decision: already_decided (409)', () => {
    const d = adCase();
    d.run(approve(AD_CITY), at('2026-07-07'));
    d.run(approve(AD_TRAFFIC), at('2026-07-07'));
    expect(d.current.status).toBe('approved');
    expect(violationOf(d.attempt({ type: 'withdraw' }, at('2026-07-08')))).toMatchObject({
      code: 'already_decided',
      status: 409,
    });
  });
});

describe('容缺受理 (accept with deficiencies)', () => {
  const WITHOUT_DRAWING = AD_MATERIALS.filter((c) => c !== 'AD_DESIGN_DRAWING');
  const acceptDeficient = (deficiencies?: string[], deficienciesDue?: string): TestCommand => ({
    type: 'decide_acceptance',
    decision: 'accept_with_deficiencies',
    clerkId: 'clerk-01',
    ...(deficiencies ? { deficiencies } : {}),
    ...(deficienciesDue ? { deficienciesDue } : {}),
  });

  function received(materials = WITHOUT_DRAWING): Driver {
    const d = new Driver();
    d.run(submitCommand([AD], materials), T_SUBMIT);
    return d;
  }

  /** Accepted Mon 07-06 with AD_DESIGN_DRAWING missing, both departments approve Wed 07-08. */
  function approvedDeficient(): Driver {
    const d = received();
    d.run(acceptDeficient(['AD_DESIGN_DRAWING']), T_ACCEPT);
    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    return d;
  }

  it('the deficiencies must be exactly the missing required materials', () => {
    const d = received();
    expect(violationOf(d.attempt(acceptDeficient(), T_ACCEPT))).toMatchObject({
      code: 'deficiencies_required',
      status: 422,
    });
    expect(violationOf(d.attempt(acceptDeficient(['AD_DESIGN_DRAWING', 'OWNER_CONSENT']), T_ACCEPT))).toMatchObject({
      code: 'not_deficient',
      status: 422,
      field: 'deficiencies',
    });
    expect(violationOf(d.attempt(acceptDeficient(['AD_DESIGN_DRAWING'], '2026-07-06'), T_ACCEPT))).toMatchObject({
      code: 'due_in_past',
      status: 422,
    });
    // a day that does not exist would make the case's later deadline computations throw (the case could never move)
    for (const impossible of ['2099-13-45', '2027-02-30']) {
      expect(violationOf(d.attempt(acceptDeficient(['AD_DESIGN_DRAWING'], impossible), T_ACCEPT))).toMatchObject({
        code: 'invalid_date',
        status: 422,
        field: 'deficienciesDue',
      });
    }
    const two = received(WITHOUT_DRAWING.filter((c) => c !== 'OWNER_CONSENT'));
    const v = violationOf(two.attempt(acceptDeficient(['AD_DESIGN_DRAWING']), T_ACCEPT));
    expect(v).toMatchObject({ code: 'materials_missing', status: 409 });
    expect(v.message).toContain(nameOf(AD, 'OWNER_CONSENT'));
  });

  it('accepted with a deficiency due date; approved, but no certificate until the material arrives', () => {
    const d = received();
    const events = d.run(acceptDeficient(['AD_DESIGN_DRAWING']), T_ACCEPT);
    // supplementLimitDays 10: Mon 07-06 + 10 = Mon 07-20
    expect(only(events, 'accepted').data).toMatchObject({
      deficiencies: ['AD_DESIGN_DRAWING'],
      deficienciesDue: '2026-07-20',
    });
    expect(d.current.deficiencies).toEqual(['AD_DESIGN_DRAWING']);
    expect(d.current.deadlines).toEqual({
      statutoryDue: '2026-08-03',
      promisedDue: '2026-07-20',
      deficienciesDue: '2026-07-20',
    });

    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    let state = d.current;
    expect(state.status).toBe('approved');
    // Wed 07-08 + 10 = Wed 07-22
    expect(state.deadlines).toEqual({ deliveryDue: '2026-07-22', deficienciesDue: '2026-07-20' });
    expect(certificatesToIssue(state)).toEqual([]);
    expect(violationOf(d.attempt({ type: 'deliver', method: 'pickup', clerkId: 'c' }, at('2026-07-09')))).toMatchObject(
      {
        code: 'certificates_withheld',
        status: 409,
      },
    );
    // yellow 3 working days before: Fri 07-17 for delivery, Wed 07-15 for the deficiencies
    expect(pendingTimers(state)).toEqual([
      { id: 'delivery:yellow:2026-07-22', dueAt: endOfChinaDay('2026-07-17') },
      { id: 'delivery:red:2026-07-22', dueAt: endOfChinaDay('2026-07-22') },
      { id: 'deficiencies:yellow:2026-07-20', dueAt: endOfChinaDay('2026-07-15') },
      { id: 'deficiencies:red:2026-07-20', dueAt: endOfChinaDay('2026-07-20') },
    ]);

    const supplied = d.run(supply(['AD_DESIGN_DRAWING']), at('2026-07-13'));
    expect(types(supplied)).toEqual(['materials_supplied', 'certificate_issued']);
    state = d.current;
    expect(state.deficiencies).toEqual([]);
    expect(state.deadlines).toEqual({ deliveryDue: '2026-07-22' });
    expect(state.visits).toBe(2);
    expect(state.certificates.map((c) => c.matter)).toEqual(['OUTDOOR_AD_PERMIT']);
    expect(d.attempt(fire('deficiencies:red:2026-07-20'), endOfChinaDay('2026-07-20'))).toEqual({
      ok: true,
      events: [],
    });
  });

  it('`deficiencies:red:<due>` after the due date terminates the case with a notice', () => {
    const d = approvedDeficient();
    expect(d.attempt(fire('deficiencies:red:2026-07-20'), endOfChinaDay('2026-07-20') - 1)).toEqual({
      ok: true,
      events: [],
    });
    const events = d.run(fire('deficiencies:red:2026-07-20'), endOfChinaDay('2026-07-20'));
    expect(types(events)).toEqual(['deadline_warning', 'terminated', 'notice_sent']);
    expect(events[0]!.data).toEqual({ deadline: 'deficiencies', level: 'red', due: '2026-07-20' });
    const state = d.current;
    expect(state.status).toBe('terminated');
    expect(state.reasons[0]).toContain(nameOf(AD, 'AD_DESIGN_DRAWING'));
    expect(state.notices.at(-1)?.kind).toBe('terminated');
    expect(state.notices.at(-1)?.body).toContain(nameOf(AD, 'AD_DESIGN_DRAWING'));
    expect(certificatesToIssue(state)).toEqual([]);
    expect(pendingTimers(state)).toEqual([]);
  });

  it('the deficiency timer also ends a case still under review, cancelling its tasks', () => {
    const d = received();
    d.run(acceptDeficient(['AD_DESIGN_DRAWING'], '2026-07-10'), T_ACCEPT);
    const events = d.run(fire('deficiencies:red:2026-07-10'), endOfChinaDay('2026-07-10'));
    expect(types(events)).toEqual([
      'deadline_warning',
      'task_cancelled',
      'task_cancelled',
      'terminated',
      'notice_sent',
    ]);
    expect(d.current.outcomes).toEqual({ OUTDOOR_AD_PERMIT: 'cancelled' });
  });

  // evolve must never change the state it folds into (here: deficienciesDue of the previous state's deadlines).
  it('supplying the last deficiency does not mutate the state it is folded into', () => {
    const d = approvedDeficient();
    const frozen = deepFreeze(structuredClone(d.current));
    const events = eventsOf(decideAt(frozen, supply(['AD_DESIGN_DRAWING']), at('2026-07-13')));
    const next = events.reduce(evolve, frozen);
    expect(next.deadlines).toEqual({ deliveryDue: '2026-07-22' });
    expect(frozen.deadlines).toEqual({ deliveryDue: '2026-07-22', deficienciesDue: '2026-07-20' });
  });
});

describe('告知承诺 and the certificate library', () => {
  it('a commitment stands in for a commitmentAllowed material; acceptance needs no document for it', () => {
    const d = new Driver();
    const materials = AD_MATERIALS.filter((c) => c !== 'OWNER_CONSENT');
    const events = d.run(submitCommand([AD], materials, { commitments: ['OWNER_CONSENT', 'OWNER_CONSENT'] }), T_SUBMIT);
    expect(only(events, 'received').data).toMatchObject({ commitments: ['OWNER_CONSENT'], channel: 'window' });
    expect(d.current.commitments).toEqual(['OWNER_CONSENT']);
    expect(d.current.materialsProvided).not.toContain('OWNER_CONSENT');
    expect(outstandingMaterials(d.current)).toEqual([]);
    d.run(accept, T_ACCEPT);
    expect(d.current.status).toBe('in_review');
  });

  it('a commitment for a material that does not allow one: commitment_not_allowed (422)', () => {
    const v = violationOf(
      decideAt(undefined, submitCommand([AD], AD_MATERIALS, { commitments: ['AD_DESIGN_DRAWING'] }), T_SUBMIT),
    );
    expect(v).toMatchObject({ code: 'commitment_not_allowed', status: 422, field: 'commitments' });
  });

  it('a supplement may be answered by a commitment where allowed, and only there', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE']), T_SUBMIT);
    d.run({ type: 'decide_acceptance', decision: 'supplement', clerkId: 'clerk-01' }, T_ACCEPT);
    expect(d.current.notices[0]!.items?.map((i) => i.code)).toEqual(['AD_DESIGN_DRAWING', 'OWNER_CONSENT']);
    expect(violationOf(d.attempt(supply([], { commitments: ['AD_DESIGN_DRAWING'] }), at('2026-07-07')))).toMatchObject({
      code: 'commitment_not_allowed',
      status: 422,
    });
    const events = d.run(supply(['AD_DESIGN_DRAWING'], { commitments: ['OWNER_CONSENT'] }), at('2026-07-07'));
    // complete: back to the clerk with a fresh 5 working days (Tue 07-07 + 5 = Tue 07-14)
    expect(events[0]!.data).toEqual({
      materials: ['AD_DESIGN_DRAWING'],
      commitments: ['OWNER_CONSENT'],
      channel: 'window',
      receivedOn: '2026-07-07',
      acceptanceDue: '2026-07-14',
    });
    expect(d.current.status).toBe('received');
    expect(d.current.commitments).toEqual(['OWNER_CONSENT']);
    d.run(accept, at('2026-07-08'));
    expect(d.current.status).toBe('in_review');
  });

  it('materials from the certificate library count as provided and never appear in a notice', () => {
    const d = new Driver();
    const fromLibrary = [{ material: 'BUSINESS_LICENCE', certificateNo: 'ZZ2026-000123-01' }];
    const events = d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'OWNER_CONSENT'], { fromLibrary }), T_SUBMIT);
    expect(only(events, 'received').data.fromLibrary).toEqual(fromLibrary);
    expect(outstandingMaterials(d.current).map((m) => m.code)).toEqual(['AD_DESIGN_DRAWING']);
    d.run({ type: 'decide_acceptance', decision: 'supplement', clerkId: 'clerk-01' }, T_ACCEPT);
    const notice = d.current.notices[0]!;
    expect(notice.items?.map((i) => i.code)).toEqual(['AD_DESIGN_DRAWING']);
    expect(notice.body).not.toContain('营业执照');
    d.run(supply(['AD_DESIGN_DRAWING']), at('2026-07-07'));
    d.run(accept, at('2026-07-07', '11:00'));
    expect(d.current.status).toBe('in_review');
  });

  // 上一环节已收取的材料不再重复提交; 能用电子证照的不要求复印件: a library material is never asked for.
  it('a department cannot put a certificate-library material into the consolidated notice', () => {
    const d = acceptedCase([AD], ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'], {
      fromLibrary: [{ material: 'BUSINESS_LICENCE', certificateNo: 'ZZ2026-000123-01' }],
    });
    const request = d.attempt(askFor(AD_CITY, ['BUSINESS_LICENCE'], '请提交营业执照复印件'), at('2026-07-07'));
    expect(violationOf(request)).toMatchObject({ status: 409, code: 'material_in_library' });
    d.run(approve(AD_TRAFFIC), at('2026-07-07', '11:00'));
    const asked = d.current.notices.flatMap((n) => n.items ?? []).map((i) => i.code);
    expect(asked).not.toContain('BUSINESS_LICENCE');
  });
});

describe('delivery (送达) and visits (最多跑一次)', () => {
  function approvedAd(channel: 'window' | 'online' = 'window'): Driver {
    const d = acceptedCase([AD], AD_MATERIALS, { channel });
    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    return d;
  }
  const pickup: TestCommand = { type: 'deliver', method: 'pickup', clerkId: 'clerk-02' };

  it('not before approval; not before the certificate; pickup counts a visit; only once', () => {
    const d = adCase();
    expect(violationOf(d.attempt(pickup, at('2026-07-07')))).toMatchObject({ code: 'not_decided', status: 409 });
    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    // 同步发证: the approving step issued the certificate
    expect(d.current.certificates.map((c) => [c.certificateNo, c.matter, c.issuedOn])).toEqual([
      ['ZZYM-2026-000001-01', 'OUTDOOR_AD_PERMIT', '2026-07-08'],
    ]);
    expect(certificatesToIssue(d.current)).toEqual([]);
    expect(violationOf(d.attempt({ type: 'deliver', method: 'post', clerkId: 'c' }, at('2026-07-09')))).toMatchObject({
      code: 'tracking_number_required',
      status: 422,
      field: 'trackingNumber',
    });
    expect(
      violationOf(d.attempt({ type: 'deliver', method: 'post', trackingNumber: ' ', clerkId: 'c' }, at('2026-07-09')))
        .code,
    ).toBe('tracking_number_required');

    expect(d.current.visits).toBe(1);
    const events = d.run(pickup, at('2026-07-13'));
    expect(types(events)).toEqual(['delivered']);
    expect(events[0]!.data).toEqual({ method: 'pickup', on: '2026-07-13', by: 'clerk-02' });
    const state = d.current;
    expect(state.delivery).toEqual({ method: 'pickup', on: '2026-07-13', by: 'clerk-02' });
    expect(state.visits).toBe(2);
    expect(state.deadlines).toEqual({});
    expect(pendingTimers(state)).toEqual([]);
    expect(violationOf(d.attempt(pickup, at('2026-07-14')))).toMatchObject({ code: 'already_delivered', status: 409 });
  });

  it('an online application delivered by post needs no visit at all', () => {
    const d = approvedAd('online');
    expect(d.log[0]!.data).toMatchObject({ channel: 'online' });
    expect(d.current.visits).toBe(0);
    d.run({ type: 'deliver', method: 'post', trackingNumber: 'SF1234567890', clerkId: 'clerk-02' }, at('2026-07-09'));
    expect(d.current.delivery).toEqual({
      method: 'post',
      trackingNumber: 'SF1234567890',
      on: '2026-07-09',
      by: 'clerk-02',
    });
    expect(d.current.visits).toBe(0);
  });

  it('visits: window submission 1, online 0; a supplement at the window +1, online or by post +0', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION'], { channel: 'online' }), T_SUBMIT);
    expect(d.current.visits).toBe(0);
    d.run({ type: 'decide_acceptance', decision: 'supplement', clerkId: 'clerk-01' }, T_ACCEPT);
    d.run(supply(['BUSINESS_LICENCE'], { channel: 'post' }), at('2026-07-07'));
    expect(d.current.visits).toBe(0);
    d.run(supply(['AD_DESIGN_DRAWING'], { channel: 'online' }), at('2026-07-08'));
    expect(d.current.visits).toBe(0);
    d.run(supply(['OWNER_CONSENT']), at('2026-07-09'));
    expect(d.current.visits).toBe(1);
    expect(d.log.at(-1)!.data).toMatchObject({ channel: 'window', receivedOn: '2026-07-09' });
  });
});

describe('warnings (红黄牌预警)', () => {
  // OUTDOOR_AD_PERMIT accepted Mon 07-06: promisedDue Mon 07-20, yellow 3 working days before = end of Wed 07-15.
  const YELLOW = 'review:yellow:2026-07-20';
  const YELLOW_AT = Date.parse('2026-07-15T16:00:00Z');

  it('a yellow review warning fires at its instant, once, and changes nothing else', () => {
    const d = adCase();
    expect(pendingTimers(d.current)).toEqual([
      { id: YELLOW, dueAt: YELLOW_AT },
      { id: 'review:red:2026-07-20', dueAt: Date.parse('2026-07-20T16:00:00Z') },
      { id: 'statutory:red:2026-08-03', dueAt: Date.parse('2026-08-03T16:00:00Z') },
    ]);
    expect(d.attempt(fire(YELLOW), YELLOW_AT - 1)).toEqual({ ok: true, events: [] });
    const before = d.current;
    const events = d.run(fire(YELLOW), YELLOW_AT);
    expect(types(events)).toEqual(['deadline_warning']);
    expect(events[0]!.actor).toEqual({ kind: 'system', id: 'system' });
    expect(events[0]!.data).toEqual({ deadline: 'review', level: 'yellow', due: '2026-07-20' });
    const state = d.current;
    expect(state.warnings).toEqual([
      { deadline: 'review', level: 'yellow', due: '2026-07-20', at: '2026-07-15T16:00:00.000Z' },
    ]);
    expect({ ...state, warnings: [], seq: 0, lastEventAt: '' }).toEqual({
      ...before,
      warnings: [],
      seq: 0,
      lastEventAt: '',
    });
    // recorded once: the same id again (at-least-once delivery) yields nothing
    expect(d.attempt(fire(YELLOW), YELLOW_AT + 60_000)).toEqual({ ok: true, events: [] });
    expect(pendingTimers(state).map((t) => t.id)).toEqual(['review:red:2026-07-20', 'statutory:red:2026-08-03']);
    // there is no yellow statutory timer
    expect(d.attempt(fire('statutory:yellow:2026-08-03'), endOfChinaDay('2026-08-03'))).toEqual({
      ok: true,
      events: [],
    });
  });

  it('red review and statutory warnings are recorded; the case goes on', () => {
    const d = adCase();
    const red = d.run(fire('review:red:2026-07-20'), endOfChinaDay('2026-07-20'));
    expect(types(red)).toEqual(['deadline_warning']);
    expect(d.current.status).toBe('in_review');
    // the yellow one, not fired in time, is still pending (late)
    expect(pendingTimers(d.current).map((t) => t.id)).toEqual([YELLOW, 'statutory:red:2026-08-03']);
    d.run(fire('statutory:red:2026-08-03'), endOfChinaDay('2026-08-03'));
    expect(d.current.warnings.map((w) => `${w.deadline}:${w.level}:${w.due}`)).toEqual([
      'review:red:2026-07-20',
      'statutory:red:2026-08-03',
    ]);
    expect(types(d.run(approve(AD_CITY), at('2026-08-04')))).toEqual(['opinion_given']);
  });

  it('a moved deadline is a new timer; the old id is stale', () => {
    const d = adCase();
    d.run(
      { type: 'request_extension', department: 'CITY_MANAGEMENT', reason: '需现场核查', reviewerId: 'r' },
      at('2026-07-13'),
    );
    d.run(
      { type: 'decide_extension', extensionId: `${CASE_NO}-X1`, decision: 'approve', headId: 'h' },
      at('2026-07-13'),
    );
    expect(d.attempt(fire(YELLOW), YELLOW_AT)).toEqual({ ok: true, events: [] });
    // new promisedDue Mon 08-03: yellow 3 working days before = Wed 07-29
    expect(pendingTimers(d.current)).toEqual([
      { id: 'review:yellow:2026-08-03', dueAt: endOfChinaDay('2026-07-29') },
      { id: 'review:red:2026-08-03', dueAt: endOfChinaDay('2026-08-03') },
      { id: 'statutory:red:2026-08-17', dueAt: endOfChinaDay('2026-08-17') },
    ]);
  });

  it('without any matter warningDays the yellow warning comes DEFAULT_WARNING_DAYS (3) working days early', () => {
    const matters = themeSnapshots('START_BUSINESS');
    expect(matters.every((m) => m.warningDays === 0)).toBe(true);
    const d = new Driver();
    const materials = [
      'COMPANY_REGISTRATION_APPLICATION',
      'ARTICLES_OF_ASSOCIATION',
      'APPLICANT_ID',
      'PREMISES_PROOF',
      'SEAL_FILING_FORM',
      'FINANCE_STAFF_ID',
      'SOCIAL_INSURANCE_FORM',
    ];
    d.run(submitCommand(matters, materials), cst('2026-09-18 10:00'));
    d.run(accept, cst('2026-09-18 11:00'));
    // deliveryDue Fri 10-09; 3 working days before it, across 国庆: 10-08 (1), 09-30 (2), 09-29 (3)
    expect(pendingTimers(d.current)).toEqual([
      { id: 'delivery:yellow:2026-10-09', dueAt: endOfChinaDay('2026-09-29') },
      { id: 'delivery:red:2026-10-09', dueAt: endOfChinaDay('2026-10-09') },
    ]);
    const events = d.run(fire('delivery:red:2026-10-09'), endOfChinaDay('2026-10-09'));
    expect(events.map((e) => e.data)).toEqual([{ deadline: 'delivery', level: 'red', due: '2026-10-09' }]);
    expect(d.current.status).toBe('approved');
  });

  // A deemed acceptance approves nothing by itself: immediate matters then get a department task, and the
  // 10-working-day delivery period (第44条) counts from the day the decision is actually made.
  it('after a deemed acceptance, immediate matters are reviewed and deliveryDue counts from the decision day', () => {
    const d = new Driver();
    d.run(submitCommand(themeSnapshots('START_BUSINESS'), []), cst('2026-09-18 10:00'));
    // the red acceptance timer fires at the end of Thu 09-24 = Fri 09-25 00:00 in Beijing
    d.run(fire('acceptance:red:2026-09-24'), endOfChinaDay('2026-09-24'));
    expect(d.current.status).toBe('in_review');
    expect(d.current.tasks.length).toBeGreaterThan(0);
    const decidedAt = cst('2026-09-25 10:00');
    for (const task of d.current.tasks) {
      d.run({ type: 'give_opinion', taskId: task.id, decision: 'approve', reviewerId: 'r' }, decidedAt);
    }
    expect(d.current.status).toBe('approved');
    // decided on Fri 09-25 (中秋): + 10 = 09-28, 29, 30 (3), 10-08, 10-09 (5), Sat 10-10 (6), 12..15 (10) -> Thu 10-15
    expect(d.current.deadlines.deliveryDue).toBe('2026-10-15');
  });
});

describe('replay of a long case', () => {
  it('replay(all events) deep-equals the incrementally folded state', () => {
    // An online application for two matters (joint + promised), a one-time notice, supplements by post and at
    // the window, acceptance, a department supplement round, a special procedure, an extension, warnings,
    // opinions at both stages, certificates, delivery by post.
    const d = new Driver();
    d.run(
      submitCommand([JOINT, AD], ['COMPLETION_ACCEPTANCE_APPLICATION', 'OUTDOOR_AD_APPLICATION'], {
        channel: 'online',
        commitments: ['OWNER_CONSENT'],
      }),
      at('2026-07-06', '09:00'),
    );
    d.run({ type: 'decide_acceptance', decision: 'supplement', clerkId: 'clerk-01' }, at('2026-07-06', '15:00'));
    d.run(supply(['BUSINESS_LICENCE', 'COMPLETION_REPORT'], { channel: 'post' }), at('2026-07-08'));
    d.run(
      supply(['PLANNING_SURVEY_REPORT', 'FIRE_ACCEPTANCE_DOCS', 'CONSTRUCTION_ARCHIVE_RECEIPT', 'AD_DESIGN_DRAWING']),
      at('2026-07-09'),
    );
    expect(d.current.status).toBe('received');
    d.run(accept, at('2026-07-10'));
    // Fri 07-10 + 45 (9 weeks) = Fri 09-11; + 15 = Fri 07-31
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-09-11', promisedDue: '2026-07-31' });

    d.run(askFor(NATURAL_RESOURCES, ['PLANNING_SURVEY_REPORT'], '测绘报告缺少签章'), at('2026-07-13'));
    d.run(askFor(AD_TRAFFIC, ['AD_STRUCTURE_SAFETY'], '需结构安全证明'), at('2026-07-13', '11:00'));
    d.run(approve(CIVIL_AIR_DEFENCE), at('2026-07-14'));
    d.run(approve(AD_CITY), at('2026-07-14', '11:00'));
    expect(d.current.status).toBe('awaiting_supplement');
    d.run(supply(['PLANNING_SURVEY_REPORT', 'AD_STRUCTURE_SAFETY'], { channel: 'online' }), at('2026-07-16'));
    expect(d.current.clock.pausedWorkingDays).toBe(2);

    d.run(
      {
        type: 'start_special_procedure',
        taskId: NATURAL_RESOURCES,
        procedure: 'inspection',
        expectedWorkingDays: 3,
        reason: '现场核验规划条件',
        reviewerId: 'nr-1',
      },
      at('2026-07-17'),
    );
    d.run(
      { type: 'request_extension', department: 'HOUSING', reason: '联合验收需协调', reviewerId: 'h-1' },
      at('2026-07-20'),
    );
    d.run(
      { type: 'decide_extension', extensionId: `${CASE_NO}-X1`, decision: 'approve', headId: 'head' },
      at('2026-07-21'),
    );
    d.run(
      { type: 'end_special_procedure', taskId: NATURAL_RESOURCES, procedureId: `${CASE_NO}-P1`, reviewerId: 'nr-1' },
      at('2026-07-22'),
    );
    // paused 2 + 3 (07-20, 21, 22), extended by 15: 07-10 + 15 + 5 + 15 = 07-10 + 35 = Fri 08-28
    expect(d.current.deadlines.promisedDue).toBe('2026-08-28');

    d.run(approve(NATURAL_RESOURCES), at('2026-07-23'));
    d.run(approve(AD_TRAFFIC), at('2026-07-23', '11:00'));
    expect(taskOf(d.current, HOUSING).status).toBe('open');
    // yellow 3 working days before Fri 08-28: end of Tue 08-25
    expect(pendingTimers(d.current)[0]).toEqual({ id: 'review:yellow:2026-08-28', dueAt: endOfChinaDay('2026-08-25') });
    d.run(fire('review:yellow:2026-08-28'), endOfChinaDay('2026-08-25'));
    d.run(approve(HOUSING), at('2026-08-26'));
    expect(d.current.status).toBe('approved');
    // Wed 08-26 + 10 = Wed 09-09
    expect(d.current.deadlines).toEqual({ deliveryDue: '2026-09-09' });
    d.run({ type: 'deliver', method: 'post', trackingNumber: 'EMS0001', clerkId: 'clerk-02' }, at('2026-08-27'));

    const state = d.current;
    expect(state.certificates).toHaveLength(2);
    expect(state.visits).toBe(1); // one supplement at the window
    expect(state.notices.map((n) => n.kind)).toEqual([
      'supplement',
      'accepted',
      'supplement',
      'special_procedure',
      'extension',
      'approved',
    ]);
    const replayed = replay(d.log);
    expect(replayed).toEqual(state);
    expect(replayed?.seq).toBe(d.log.length);
    // and every prefix replays to the state as it was then
    const prefix = d.log.slice(0, 20);
    expect(replay(prefix)).toEqual(fold(undefined, prefix));
  });
});
