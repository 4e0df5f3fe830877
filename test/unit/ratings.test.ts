/** 好差评: rating once after the case is finished, follow-ups of bad ratings, appeals. */
import { describe, expect, it } from 'vitest';
import { pendingTimers, type CommandData } from '../../rules/caseDecisions.ts';
import { departmentConcerned, type RatingLevel } from '../../rules/ratings.ts';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { Driver, cst, snapshot, submitCommand, types, violationOf } from './fixtures.ts';
import { applicantActor, clerk, command, reviewer, supervisor } from '../support/commands.ts';

const AD = snapshot('OUTDOOR_AD_PERMIT');
const MATERIALS = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];
const T0 = cst('2026-09-14 09:00');
const T1 = cst('2026-09-14 10:00');
const T2 = cst('2026-09-15 10:00');
const T_RATE = cst('2026-09-16 10:00');

function reviewedCase(traffic: 'approve' | 'refuse') {
  const d = new Driver();
  d.run(submitCommand([AD], MATERIALS), T0);
  d.run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), T1);
  const task = (dept: string) => d.current.tasks.find((t) => t.department === dept)?.id as string;
  d.run(
    command(
      'give_opinion',
      { taskId: task('TRAFFIC_POLICE'), decision: traffic, reason: '影响交通视线' },
      reviewer('r2'),
    ),
    T2,
  );
  if (traffic === 'approve') {
    d.run(command('give_opinion', { taskId: task('CITY_MANAGEMENT'), decision: 'approve' }, reviewer('r1')), T2);
  }
  return d;
}

const rate = (level: RatingLevel, extra: Partial<CommandData['rate']> = {}) =>
  command('rate', { queryCode: 'Q7X2', level, ...extra }, applicantActor);

describe('rating a finished case', () => {
  it('is refused before the case is finished, with a wrong query code (as an unknown case), and a second time', () => {
    const d = new Driver();
    d.run(submitCommand([AD], MATERIALS), T0);
    expect(violationOf(d.attempt(rate('satisfied'), T1))).toMatchObject({ status: 409, code: 'case_not_finished' });
    const refused = reviewedCase('refuse');
    expect(violationOf(refused.attempt(rate('satisfied', { queryCode: 'WRONG' }), T_RATE))).toMatchObject({
      status: 404,
      code: 'case_not_found',
    });
    refused.run(rate('satisfied', { comment: '  窗口服务很好 ' }), T_RATE);
    expect(refused.current.rating).toMatchObject({ level: 'satisfied', comment: '窗口服务很好', status: 'valid' });
    expect(refused.current.followUp).toBeUndefined();
    expect(violationOf(refused.attempt(rate('very_satisfied'), T_RATE))).toMatchObject({ code: 'already_rated' });
  });

  it('a bad rating of a refusal opens a follow-up owned by the refusing department, due in 15 working days', () => {
    const d = reviewedCase('refuse');
    expect(d.current.status).toBe('refused');
    expect(departmentConcerned(d.current).code).toBe('TRAFFIC_POLICE');
    const events = d.run(rate('very_dissatisfied', { channel: 'app' }), T_RATE);
    expect(types(events)).toEqual(['rated', 'follow_up_opened']);
    expect(d.current.followUp).toMatchObject({
      department: 'TRAFFIC_POLICE',
      openedOn: '2026-09-16',
      due: addWorkingDays('2026-09-16', 15),
      status: 'open',
    });
    // The follow-up runs on the finished case: its yellow and red warnings are timers.
    expect(pendingTimers(d.current).map((t) => t.id)).toEqual([
      `follow_up:yellow:${d.current.followUp?.due}`,
      `follow_up:red:${d.current.followUp?.due}`,
    ]);
  });

  it('the follow-up period is configurable (stamped into the command)', () => {
    const d = reviewedCase('refuse');
    d.run(rate('dissatisfied', { followUpDays: 5 }), T_RATE);
    expect(d.current.followUp?.due).toBe(addWorkingDays('2026-09-16', 5));
  });

  it('only the owning department replies, once; the reply is on the case and the timers stop', () => {
    const d = reviewedCase('approve');
    expect(d.current.status).toBe('approved');
    d.run(rate('dissatisfied'), T_RATE);
    expect(d.current.followUp?.department).toBe('CITY_MANAGEMENT');
    const reply = (department: string) =>
      command('reply_follow_up', { department, text: '已约谈承办人员并改进' }, reviewer('r1'));
    expect(violationOf(d.attempt(reply('TRAFFIC_POLICE'), T_RATE))).toMatchObject({
      status: 403,
      code: 'not_follow_up_department',
    });
    d.run(reply('CITY_MANAGEMENT'), T_RATE);
    expect(d.current.followUp).toMatchObject({ status: 'replied', reply: { text: '已约谈承办人员并改进', by: 'r1' } });
    expect(pendingTimers(d.current).filter((t) => t.id.startsWith('follow_up'))).toEqual([]);
    expect(violationOf(d.attempt(reply('CITY_MANAGEMENT'), T_RATE))).toMatchObject({
      code: 'follow_up_closed',
    });
  });

  it('an appeal by a department on the case, decided once by a supervisor; voiding cancels the follow-up', () => {
    const d = reviewedCase('refuse');
    expect(
      violationOf(
        d.attempt(command('appeal_rating', { department: 'CITY_MANAGEMENT', reason: 'x' }, reviewer('r1')), T_RATE),
      ),
    ).toMatchObject({ code: 'rating_not_found' });
    d.run(rate('very_dissatisfied', { comment: '审批人员态度恶劣' }), T_RATE);
    const appeal = (department: string) =>
      command('appeal_rating', { department, reason: '评价内容与事实不符，有录音为证' }, reviewer('r2'));
    expect(violationOf(d.attempt(appeal('TAX'), T_RATE))).toMatchObject({ status: 403 });
    d.run(appeal('TRAFFIC_POLICE'), T_RATE);
    expect(d.current.rating?.status).toBe('appealed');
    expect(violationOf(d.attempt(appeal('TRAFFIC_POLICE'), T_RATE))).toMatchObject({
      code: 'already_appealed',
    });
    d.run(command('decide_rating_appeal', { decision: 'void', reason: '经核实评价不实' }, supervisor('s1')), T_RATE);
    expect(d.current.rating).toMatchObject({ status: 'voided', appeal: { decision: 'void', decidedBy: 's1' } });
    expect(d.current.followUp?.status).toBe('cancelled');
    expect(d.log.at(-1)?.actor).toEqual({ kind: 'supervisor', id: 's1' });
    expect(
      violationOf(
        d.attempt(command('decide_rating_appeal', { decision: 'uphold', reason: '再议' }, supervisor('s1')), T_RATE),
      ),
    ).toMatchObject({ code: 'appeal_already_decided' });
  });

  it('an upheld appeal keeps the rating valid and the follow-up open', () => {
    const d = reviewedCase('refuse');
    d.run(rate('dissatisfied'), T_RATE);
    d.run(command('appeal_rating', { department: 'TRAFFIC_POLICE', reason: '申诉理由' }, reviewer('r2')), T_RATE);
    d.run(command('decide_rating_appeal', { decision: 'uphold', reason: '评价属实' }, supervisor('s1')), T_RATE);
    expect(d.current.rating?.status).toBe('valid');
    expect(d.current.followUp?.status).toBe('open');
  });
});
