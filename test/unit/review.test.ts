/**
 * rules/decisions/review.ts: joint (联办件) and escalated (上报件) matters, department supplement requests (one
 * consolidated notice) and withdrawal (撤回).
 * Driven through decide + evolve at fixed instants on real matters of the demo catalogue (./lifecycleFixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CaseState } from '../../rules/caseModel.ts';
import { pendingTimers } from '../../rules/caseDecisions.ts';
import { addWorkingDays, endOfChinaDay, workingDaysBetween } from '../../rules/workingDays.ts';
import { Driver, submitCommand, types, violationOf, given } from './fixtures.ts';
import {
  CASE_NO,
  JOINT,
  ESCALATED,
  AD,
  JOINT_MATERIALS,
  ESCALATED_MATERIALS,
  HOUSING,
  NATURAL_RESOURCES,
  CIVIL_AIR_DEFENCE,
  DISTRICT,
  CITY_HRSS,
  AD_CITY,
  AD_TRAFFIC,
  nameOf,
  T_SUBMIT,
  T_ACCEPT,
  at,
  accept,
  approve,
  refuse,
  askFor,
  supply,
  fire,
  jointCase,
  adCase,
  taskOf,
  only,
} from './lifecycleFixtures.ts';
import { applicantActor, clerk, command, reviewer } from '../support/commands.ts';

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
    given(...d.log)
      .when(approve(HOUSING), at('2026-07-07'))
      .refused({
        code: 'task_not_open',
        status: 409,
      });

    // one co-department answers: the lead still waits
    expect(types(d.run(approve(NATURAL_RESOURCES), at('2026-07-08')))).toEqual(['opinion_given']);
    expect(taskOf(d.current, HOUSING).status).toBe('waiting');
    given(...d.log)
      .when(approve(HOUSING), at('2026-07-08'))
      .refused({ code: 'task_not_open' });

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
    given(...d.log)
      .when(approve(CITY_HRSS), at('2026-09-15'))
      .refused({ code: 'task_not_open' });

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
    given(...d.log)
      .when(askFor(AD_TRAFFIC, []), at('2026-07-08'))
      .refused({
        code: 'materials_required',
        status: 422,
      });
    given(...d.log)
      .when(
        command(
          'give_opinion',
          { taskId: AD_TRAFFIC, decision: 'supplement', materials: ['AD_DESIGN_DRAWING'] },
          reviewer('r'),
        ),
        at('2026-07-08'),
      )
      .refused({ code: 'reason_required', status: 422 });
    given(...d.log)
      .when(askFor(AD_TRAFFIC, ['SEAL_FILING_FORM']), at('2026-07-08'))
      .refused({
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
    given(...d.log)
      .when(approve(AD_CITY), at('2026-07-09'))
      .refused({
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
    given(...d.log)
      .when(askFor(AD_CITY, ['AD_DESIGN_DRAWING', 'OWNER_CONSENT']), at('2026-07-21'))
      .refused({ code: 'one_time_notice_violated' });
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
    const { state } = given(...d.log)
      .when(refuse(AD_TRAFFIC, '设置位置遮挡交通信号灯'), at('2026-07-09'))
      .then(['opinion_given', 'matter_decided', 'task_cancelled', 'case_refused', 'notice_sent']);
    expect(state.status).toBe('refused');
    expect(state.notices.map((n) => n.kind)).toEqual(['accepted', 'refused']);
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

describe('withdrawal (撤回)', () => {
  it('before a decision: withdrawn, open and waiting tasks cancelled, a notice; nothing after it', () => {
    const d = jointCase();
    d.run(approve(NATURAL_RESOURCES), at('2026-07-07'));
    const events = d.run(command('withdraw', { reason: '项目调整，暂不申请验收' }, applicantActor), at('2026-07-08'));
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

    given(...d.log)
      .when(command('withdraw', {}, applicantActor), at('2026-07-09'))
      .refused({
        code: 'already_decided',
        status: 409,
      });
    given(...d.log)
      .when(approve(CIVIL_AIR_DEFENCE), at('2026-07-09'))
      .refused({ code: 'task_cancelled' });
  });

  it('before acceptance, with the default reason', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION']), T_SUBMIT);
    d.run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), T_ACCEPT);
    const { state } = given(...d.log)
      .when(command('withdraw', { reason: '  ' }, applicantActor), at('2026-07-07'))
      .then(['withdrawn', 'notice_sent']);
    expect(state.reasons).toEqual(['申请人主动撤回申请']);
    expect(pendingTimers(state)).toEqual([]);
  });

  it('after a decision: already_decided (409)', () => {
    const d = adCase();
    d.run(approve(AD_CITY), at('2026-07-07'));
    d.run(approve(AD_TRAFFIC), at('2026-07-07'));
    expect(d.current.status).toBe('approved');
    given(...d.log)
      .when(command('withdraw', {}, applicantActor), at('2026-07-08'))
      .refused({
        code: 'already_decided',
        status: 409,
      });
  });
});
