/**
 * rules/decisions/extensions.ts: special procedures (特别程序, 第45条) and extensions (延期, 第42条).
 * Driven through decide + evolve at fixed instants on real matters of the demo catalogue (./lifecycleFixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { pendingTimers } from '../../rules/caseDecisions.ts';
import { endOfChinaDay, workingDaysBetween } from '../../rules/workingDays.ts';
import { Driver, submitCommand, types, violationOf, type TestCommand, given } from './fixtures.ts';
import {
  CASE_NO,
  AD,
  AD_MATERIALS,
  AD_CITY,
  AD_TRAFFIC,
  T_SUBMIT,
  T_ACCEPT,
  at,
  approve,
  askFor,
  jointCase,
  adCase,
  only,
} from './lifecycleFixtures.ts';
import { applicantActor, command, head, reviewer, withData } from '../support/commands.ts';

describe('special procedures (特别程序, 第45条)', () => {
  const P1 = `${CASE_NO}-P1`;
  const REASON = '设置位置临近主干道，需专家论证交通安全影响';
  const endProcedure = (procedureId: string, task = AD_TRAFFIC, reviewerId = 'traffic-1'): TestCommand =>
    command('end_special_procedure', { taskId: task, procedureId }, reviewer(reviewerId));
  const startExpertReview: Extract<TestCommand, { type: 'start_special_procedure' }> = command(
    'start_special_procedure',
    { taskId: AD_TRAFFIC, procedure: 'expert_review', expectedWorkingDays: 5, reason: REASON },
    reviewer('traffic-1'),
  );

  it('pauses the clock with a written notice; the task cannot decide meanwhile; the end moves every due date', () => {
    const d = adCase();
    given(...d.log)
      .when(withData(startExpertReview, { expectedWorkingDays: 0 }), at('2026-07-08'))
      .refused({
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

    given(...d.log)
      .when(approve(AD_TRAFFIC), at('2026-07-09'))
      .refused({
        code: 'special_procedure_running',
        status: 409,
      });
    given(...d.log)
      .when(askFor(AD_TRAFFIC, ['AD_STRUCTURE_SAFETY']), at('2026-07-09'))
      .refused({ code: 'special_procedure_running' });
    given(...d.log)
      .when(startExpertReview, at('2026-07-09'))
      .refused({ code: 'special_procedure_running' });
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

    given(...d.log)
      .when(endProcedure(P1), at('2026-07-20'))
      .refused({
        code: 'special_procedure_ended',
        status: 409,
      });
    given(...d.log)
      .when(endProcedure('NOPE'), at('2026-07-20'))
      .refused({
        code: 'special_procedure_not_found',
        status: 404,
      });
    // the procedure must be named with the task it belongs to
    given(...d.log)
      .when(endProcedure(P1, AD_CITY), at('2026-07-20'))
      .refused({ code: 'special_procedure_not_found' });
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
    d.run(withData(startExpertReview, { taskId: AD_CITY, procedure: 'hearing' }, reviewer('city-1')), at('2026-07-09')); // P2
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
    d.run(command('withdraw', {}, applicantActor), at('2026-07-08'));
    expect(d.current.deadlines).toEqual({});
    const decision = d.attempt(endProcedure(P1), at('2026-07-10'));
    expect(violationOf(decision)).toMatchObject({ status: 409, code: 'already_decided' });
    expect(d.current.status).toBe('withdrawn');
    expect(d.current.deadlines).toEqual({});
  });
});

describe('extensions (延期, 第42条)', () => {
  const request = (department: string, reason = '需现场核查设置位置'): TestCommand =>
    command('request_extension', { department, reason }, reviewer('reviewer-1'));
  const decideX = (extensionId: string, decision: 'approve' | 'refuse'): TestCommand =>
    command('decide_extension', { extensionId, decision }, head('head-1'));
  const X1 = `${CASE_NO}-X1`;

  it('a 20-day matter: once by 10 working days, with a notice giving the reason; never twice', () => {
    const d = adCase();
    given(...d.log)
      .when(request('WATER'), at('2026-07-13'))
      .refused({ code: 'department_not_on_case', status: 403 });
    given(...d.log)
      .when(request('CITY_MANAGEMENT'), at('2026-07-13'))
      .then([
        {
          type: 'extension_requested',
          data: {
            id: X1,
            department: 'CITY_MANAGEMENT',
            reason: '需现场核查设置位置',
            requestedBy: 'reviewer-1',
            days: 10,
          },
        },
      ]);
    d.run(request('CITY_MANAGEMENT'), at('2026-07-13'));
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-08-03', promisedDue: '2026-07-20' }); // not yet
    given(...d.log)
      .when(request('TRAFFIC_POLICE'), at('2026-07-13'))
      .refused({
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

    given(...d.log)
      .when(decideX(X1, 'approve'), at('2026-07-15'))
      .refused({ code: 'extension_already_decided' });
    given(...d.log)
      .when(request('TRAFFIC_POLICE'), at('2026-07-15'))
      .refused({
        code: 'extension_already_granted',
        status: 409,
      });
    given(...d.log)
      .when(decideX('NOPE', 'approve'), at('2026-07-15'))
      .refused({ code: 'extension_not_found' });
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
    given(...d.log)
      .when(request('CITY_MANAGEMENT'), T_ACCEPT)
      .refused({ code: 'not_in_review' });
  });
});
