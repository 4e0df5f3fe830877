/** rules/supervision.ts: the fact row and rollup contribution a case's state gives, and the histogram median. */
import { describe, expect, it } from 'vitest';
import { histogramMedian, splitPeriod } from '../../db/supervision.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { activeWarnings, contributionOf, supervisionFact } from '../../rules/supervision.ts';
import { Driver, cst, snapshot, submitCommand } from './fixtures.ts';
import { applicantActor, clerk, command, reviewer } from '../support/commands.ts';

const AD = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];

function inReview(): Driver {
  const d = new Driver();
  d.run(submitCommand([snapshot('OUTDOOR_AD_PERMIT')], AD), cst('2026-03-02 09:00'));
  d.run(command('decide_acceptance', { decision: 'accept' }, clerk('c')), cst('2026-03-02 10:00'));
  return d;
}

describe('supervision fact', () => {
  it('an open case in review: due on the promised date, near due after the warning threshold, held by its departments', () => {
    const f = supervisionFact(inReview().current);
    expect(f).toMatchObject({
      status: 'in_review',
      window: 'W3',
      received_on: '2026-03-02',
      accepted_on: '2026-03-02',
      decided_on: null,
      promised_due: '2026-03-16',
      due_on: '2026-03-16',
      near_due_after: '2026-03-11', // OUTDOOR_AD_PERMIT warns 3 working days before
      holder_departments: ['CITY_MANAGEMENT', 'TRAFFIC_POLICE'],
      departments: ['CITY_MANAGEMENT', 'TRAFFIC_POLICE'],
      department_matters: ['CITY_MANAGEMENT|OUTDOOR_AD_PERMIT', 'TRAFFIC_POLICE|OUTDOOR_AD_PERMIT'],
      warning_rank: 0,
      visits: 1,
    });
    expect(f.applicant_id_masked).toBe('914***********XX0X');
    expect(f.contribution).toEqual([
      expect.objectContaining({ day: '2026-03-02', received: 1, accepted: 1, decided: 0, working_days: null }),
    ]);
  });

  it('a decision late on the promised date but within the statutory one', () => {
    const d = inReview();
    for (const t of d.current.tasks) {
      d.run(command('give_opinion', { taskId: t.id, decision: 'approve' }, reviewer('r')), cst('2026-03-18 10:00'));
    }
    const f = supervisionFact(d.current);
    expect(f).toMatchObject({
      status: 'approved',
      decided_on: '2026-03-18',
      closed_on: '2026-03-18',
      on_time: false,
      within_statutory: true,
      working_days: 12,
      due_on: null,
      holder_departments: [],
    });
    expect(f.contribution.find((c) => c.day === '2026-03-18')).toMatchObject({
      decided: 1,
      approved: 1,
      on_time: 0,
      within_statutory: 1,
      at_most_one_visit: 1,
      immediate_decided: 0,
      working_days: 12,
    });
  });

  it('a withdrawal counts on the day it ends, not as a decision', () => {
    const d = inReview();
    d.run(command('withdraw', { reason: '不办了' }, applicantActor), cst('2026-03-04 10:00'));
    const f = supervisionFact(d.current);
    expect(f).toMatchObject({ status: 'withdrawn', decided_on: null, closed_on: '2026-03-04', on_time: null });
    expect(f.contribution.find((c) => c.day === '2026-03-04')).toMatchObject({ withdrawn: 1, decided: 0 });
  });

  it('an immediate matter decided on the spot is same-day and on time', () => {
    const d = new Driver();
    d.run(
      submitCommand(
        [snapshot('BUSINESS_REGISTRATION')],
        ['COMPANY_REGISTRATION_APPLICATION', 'ARTICLES_OF_ASSOCIATION', 'APPLICANT_ID', 'PREMISES_PROOF'],
      ),
      cst('2026-03-02 09:00'),
    );
    d.run(command('decide_acceptance', { decision: 'accept' }, clerk('c')), cst('2026-03-02 09:30'));
    const f = supervisionFact(d.current);
    expect(f).toMatchObject({ immediate: true, same_day: true, on_time: true, working_days: 0 });
    expect(f.contribution).toEqual([
      expect.objectContaining({ day: '2026-03-02', received: 1, accepted: 1, decided: 1, same_day: 1 }),
    ]);
  });
});

describe('warnings in force', () => {
  const warned = (state: CaseState, warnings: CaseState['warnings']): CaseState => ({ ...state, warnings });

  it('red before yellow; a warning for a due date the case no longer runs against is not in force', () => {
    const s = inReview().current;
    const due = s.deadlines.promisedDue!;
    const at = '2026-03-12T00:00:00.000Z';
    const state = warned(s, [
      { deadline: 'review', level: 'yellow', due, at },
      { deadline: 'review', level: 'yellow', due: '2026-03-09', at }, // an earlier due date, since moved
      { deadline: 'statutory', level: 'red', due: s.deadlines.statutoryDue!, at },
    ]);
    expect(activeWarnings(state).map((w) => `${w.deadline}:${w.level}`)).toEqual(['statutory:red', 'review:yellow']);
    expect(supervisionFact(state)).toMatchObject({
      warning_level: 'red',
      warning_rank: 2,
      warning_deadline: 'statutory',
    });
    const upgraded = warned(s, [
      { deadline: 'review', level: 'yellow', due, at },
      { deadline: 'review', level: 'red', due, at },
    ]);
    expect(activeWarnings(upgraded)).toHaveLength(1);
    expect(activeWarnings(upgraded)[0]!.level).toBe('red');
  });
});

describe('contribution and median', () => {
  it('a case not accepted counts on the day it was refused acceptance', () => {
    const f = supervisionFact(inReview().current);
    const rows = contributionOf({ ...f, status: 'not_accepted', accepted_on: null, closed_on: '2026-03-03' });
    expect(rows.map((r) => [r.day, r.received, r.accepted, r.not_accepted])).toEqual([
      ['2026-03-02', 1, 0, 0],
      ['2026-03-03', 0, 0, 1],
    ]);
  });

  it('the median of a histogram: the middle value, or the mean of the two middle ones', () => {
    expect(histogramMedian(new Map())).toBeNull();
    expect(histogramMedian(new Map([[4, 1]]))).toBe(4);
    expect(
      histogramMedian(
        new Map([
          [1, 2],
          [3, 1],
          [9, 1],
        ]),
      ),
    ).toBe(2); // 1 1 3 9
    expect(
      histogramMedian(
        new Map([
          [0, 0],
          [2, 3],
          [5, 2],
        ]),
      ),
    ).toBe(2); // 2 2 2 5 5
  });
});

describe('periods as whole months and edge days', () => {
  it('splits a period into the months it covers whole and the days around them', () => {
    expect(splitPeriod('2026-03-01', '2026-03-31')).toEqual({ months: ['2026-03-01', '2026-03-01'], days: [] });
    expect(splitPeriod('2025-11-01', '2026-10-30')).toEqual({
      months: ['2025-11-01', '2026-09-01'],
      days: [['2026-10-01', '2026-10-30']],
    });
    expect(splitPeriod('2026-01-15', '2026-03-31')).toEqual({
      months: ['2026-02-01', '2026-03-01'],
      days: [['2026-01-15', '2026-01-31']],
    });
    expect(splitPeriod('2026-03-02', '2026-03-30')).toEqual({ days: [['2026-03-02', '2026-03-30']] });
    expect(splitPeriod('2026-02-10', '2026-03-05')).toEqual({ days: [['2026-02-10', '2026-03-05']] });
    expect(splitPeriod('2026-12-01', '2027-01-31')).toEqual({ months: ['2026-12-01', '2027-01-01'], days: [] });
  });
});
