/**
 * rules/decisions/timers.ts: deadline warnings (红黄牌预警) as timers.
 * Driven through decide + evolve at fixed instants on real matters of the demo catalogue (./lifecycleFixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { pendingTimers } from '../../rules/caseDecisions.ts';
import { endOfChinaDay } from '../../rules/workingDays.ts';
import { Driver, cst, submitCommand, themeSnapshots, types, given } from './fixtures.ts';
import { CASE_NO, AD_CITY, at, accept, approve, fire, adCase } from './lifecycleFixtures.ts';
import { command, head, reviewer } from '../support/commands.ts';

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
    const { state } = given(...d.log)
      .when(fire(YELLOW), YELLOW_AT)
      .then([
        {
          type: 'deadline_warning',
          actor: { kind: 'system', id: 'system' },
          data: { deadline: 'review', level: 'yellow', due: '2026-07-20' },
        },
      ]);
    d.run(fire(YELLOW), YELLOW_AT);
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
      command('request_extension', { department: 'CITY_MANAGEMENT', reason: '需现场核查' }, reviewer('r')),
      at('2026-07-13'),
    );
    d.run(
      command('decide_extension', { extensionId: `${CASE_NO}-X1`, decision: 'approve' }, head('h')),
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
      d.run(command('give_opinion', { taskId: task.id, decision: 'approve' }, reviewer('r')), decidedAt);
    }
    expect(d.current.status).toBe('approved');
    // decided on Fri 09-25 (中秋): + 10 = 09-28, 29, 30 (3), 10-08, 10-09 (5), Sat 10-10 (6), 12..15 (10) -> Thu 10-15
    expect(d.current.deadlines.deliveryDue).toBe('2026-10-15');
  });
});
