/**
 * Working-day arithmetic (行政许可法 第82条). Every expected date below was counted by hand on the 2026 calendar
 * (2026-01-01 is a Thursday) and the State Council notice for 2026:
 *   春节 off 02-15 (Sun) .. 02-23 (Mon); make-up working Saturdays 02-14 and 02-28.
 *   中秋 off 09-25 (Fri) .. 09-27 (Sun); 国庆 off 10-01 (Thu) .. 10-07 (Wed); make-up 09-20 (Sun) and 10-10 (Sat).
 */
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  chinaDate,
  endOfChinaDay,
  isCalendarKnown,
  isWorkingDay,
  knownYears,
  workingDaysBetween,
} from '../../rules/workingDays.ts';

describe('isWorkingDay', () => {
  it('treats make-up weekends (调休) as working days', () => {
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday before 春节
    expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday after 春节
    expect(isWorkingDay('2026-09-20')).toBe(true); // Sunday before 中秋/国庆
    expect(isWorkingDay('2026-10-10')).toBe(true); // Saturday after 国庆
    expect(isWorkingDay('2026-01-04')).toBe(true); // Sunday after 元旦
  });

  it('treats ordinary weekends as days off', () => {
    expect(isWorkingDay('2026-02-07')).toBe(false); // Saturday
    expect(isWorkingDay('2026-02-08')).toBe(false); // Sunday
    expect(isWorkingDay('2026-03-01')).toBe(false); // Sunday right after the 02-28 make-up Saturday
    expect(isWorkingDay('2026-10-11')).toBe(false); // Sunday right after the 10-10 make-up Saturday
    expect(isWorkingDay('2026-09-19')).toBe(false); // Saturday right before the 09-20 make-up Sunday
  });

  it('treats holiday weekdays as days off and ordinary weekdays as working days', () => {
    expect(isWorkingDay('2026-02-16')).toBe(false); // Monday in 春节
    expect(isWorkingDay('2026-02-23')).toBe(false); // Monday, last day of 春节
    expect(isWorkingDay('2026-02-24')).toBe(true); // Tuesday, first day back
    expect(isWorkingDay('2026-09-25')).toBe(false); // Friday, 中秋
    expect(isWorkingDay('2026-10-01')).toBe(false); // Thursday, 国庆
    expect(isWorkingDay('2026-10-07')).toBe(false); // Wednesday, last day of 国庆
    expect(isWorkingDay('2026-10-08')).toBe(true); // Thursday, first day back
    expect(isWorkingDay('2026-11-20')).toBe(true); // an ordinary Friday
  });

  it('rejects malformed or impossible dates with RangeError', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay('2026-2-3')).toThrow(RangeError);
    expect(() => isWorkingDay('tomorrow')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it('does not count the start day; 0 returns the start even on a day off', () => {
    expect(addWorkingDays('2026-11-20', 0)).toBe('2026-11-20');
    expect(addWorkingDays('2026-02-17', 0)).toBe('2026-02-17'); // inside 春节
    expect(addWorkingDays('2026-11-19', 1)).toBe('2026-11-20'); // Thu -> Fri
    expect(addWorkingDays('2026-11-20', 1)).toBe('2026-11-23'); // Fri -> Mon over an ordinary weekend
  });

  it('counts across 春节 2026', () => {
    // Fri 02-13 + 1: the next day, Saturday 02-14, is a make-up working day.
    expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    // Sat 02-14 + 1: 02-15..02-23 are off, so Tue 02-24.
    expect(addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    // 02-13 + 5: 14(1) 24(2) 25(3) 26(4) 27(5).
    expect(addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
    // + 6 lands on the make-up Saturday 02-28; + 7 skips Sun 03-01 to Mon 03-02.
    expect(addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(addWorkingDays('2026-02-13', 7)).toBe('2026-03-02');
    // Starting inside the holiday: the first working day is 02-24.
    expect(addWorkingDays('2026-02-17', 1)).toBe('2026-02-24');
  });

  it('counts across 中秋 and 国庆 2026', () => {
    // Fri 09-18 + 1: Sat 09-19 off, Sun 09-20 is a make-up working day.
    expect(addWorkingDays('2026-09-18', 1)).toBe('2026-09-20');
    // 09-18 + 5: 20(1) 21(2) 22(3) 23(4) 24(5).
    expect(addWorkingDays('2026-09-18', 5)).toBe('2026-09-24');
    // + 6: 25..27 off (中秋), Mon 09-28.
    expect(addWorkingDays('2026-09-18', 6)).toBe('2026-09-28');
    // 09-30 + 1: 10-01..10-07 off, Thu 10-08.
    expect(addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    // 09-18 + 10: ... 28(6) 29(7) 30(8) 10-08(9) 10-09(10).
    expect(addWorkingDays('2026-09-18', 10)).toBe('2026-10-09');
    // 09-18 + 11: Sat 10-10 is a make-up working day.
    expect(addWorkingDays('2026-09-18', 11)).toBe('2026-10-10');
    // 09-18 + 20: 10-10(11), Sun 10-11 off, 12(12) 13 14 15 16(16), 19(17) 20(18) 21(19) 22(20).
    expect(addWorkingDays('2026-09-18', 20)).toBe('2026-10-22');
  });

  it('crosses the year boundary into 元旦 2026', () => {
    // Wed 2025-12-31 + 1: 01-01..01-03 off, Sun 01-04 is a make-up working day.
    expect(addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    // + 2: Mon 01-05.
    expect(addWorkingDays('2025-12-31', 2)).toBe('2026-01-05');
  });

  it('falls back to plain weekends outside the years in the data', () => {
    expect(knownYears).toContain(2026);
    expect(isCalendarKnown('2026-06-01')).toBe(true);
    expect(isCalendarKnown('2099-06-01')).toBe(false);
    // 2099-01-02 is a Friday (2099-01-01 is a Thursday); + 1 skips the weekend.
    expect(addWorkingDays('2099-01-02', 1)).toBe('2099-01-05');
  });

  it('rejects a bad number of days or a bad start with RangeError', () => {
    expect(() => addWorkingDays('2026-09-18', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-09-18', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-09-18', Number.NaN)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-09-18', Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-29', 1)).toThrow(RangeError); // 2026 is not a leap year
    expect(() => addWorkingDays('2026-02-29', 0)).toThrow(RangeError); // even when nothing is added
    expect(() => addWorkingDays('20260918', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('', 1)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after `from` up to and including `to`', () => {
    expect(workingDaysBetween('2026-02-13', '2026-02-14')).toBe(1); // the make-up Saturday
    expect(workingDaysBetween('2026-02-13', '2026-02-23')).toBe(1); // only 02-14; the rest is 春节
    expect(workingDaysBetween('2026-02-13', '2026-02-24')).toBe(2);
    expect(workingDaysBetween('2026-09-18', '2026-10-22')).toBe(20);
    // 09-24 .. 10-08 exclusive of 09-24: 28 29 30 10-08 = 4.
    expect(workingDaysBetween('2026-09-24', '2026-10-08')).toBe(4);
  });

  it('is 0 when `to` is not after `from`', () => {
    expect(workingDaysBetween('2026-11-20', '2026-11-20')).toBe(0);
    expect(workingDaysBetween('2026-11-20', '2026-11-19')).toBe(0);
  });

  it('counts 248 working days in 2026', () => {
    // 2026 has 365 days from a Thursday: 52 weeks + 1 Thursday = 261 weekdays.
    // Weekdays off: 元旦 01-01 01-02 (2), 春节 02-16..02-20 02-23 (6), 清明 04-06 (1), 劳动节 05-01 05-04 05-05 (3),
    // 端午 06-19 (1), 中秋 09-25 (1), 国庆 10-01 10-02 10-05 10-06 10-07 (5) = 19.
    // Make-up weekends: 01-04, 02-14, 02-28, 05-09, 09-20, 10-10 = 6.  261 - 19 + 6 = 248.
    expect(workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it('rejects a malformed `from` with RangeError', () => {
    expect(() => workingDaysBetween('2026-13-01', '2026-12-31')).toThrow(RangeError);
  });

  // '2026-1-5' (not zero-padded) would otherwise compare as a string "somewhere in October 2026".
  it('rejects a malformed `to` with RangeError', () => {
    expect(() => workingDaysBetween('2026-01-05', '2026-1-5')).toThrow(RangeError);
  });
});

describe('addWorkingDays and workingDaysBetween agree (property over 2026)', () => {
  // Every 3rd day of 2026 from 01-01 (122 starts, weekdays, weekends and holidays alike), n = 1..30.
  const starts: string[] = [];
  for (let d = '2026-01-01'; d <= '2026-12-31'; d = addCalendarDays(d, 3)) starts.push(d);

  it('lands on a working day exactly n working days after the start, and on the first such day', () => {
    expect(starts.length).toBe(122);
    for (const start of starts) {
      for (let n = 1; n <= 30; n++) {
        const end = addWorkingDays(start, n);
        const label = `${start} + ${n} = ${end}`;
        expect(end > start, label).toBe(true);
        expect(isWorkingDay(end), label).toBe(true);
        expect(workingDaysBetween(start, end), label).toBe(n);
        // the day before the result is still short of n: the result is the earliest date that completes the period
        expect(workingDaysBetween(start, addCalendarDays(end, -1)), label).toBe(n - 1);
      }
    }
  });

  it('is additive: (start + a) + b = start + (a + b)', () => {
    for (const start of starts) {
      for (const [a, b] of [
        [1, 4],
        [5, 15],
        [7, 13],
      ] as const) {
        expect(addWorkingDays(addWorkingDays(start, a), b), `${start} ${a}+${b}`).toBe(addWorkingDays(start, a + b));
      }
    }
  });
});

describe('chinaDate and endOfChinaDay (UTC+8)', () => {
  it('gives the China date of an instant around UTC midnight', () => {
    // 16:30 UTC on the 21st is 00:30 on the 22nd in Beijing.
    expect(chinaDate(Date.parse('2026-11-21T16:30:00Z'))).toBe('2026-11-22');
    // 15:59:59.999 UTC is still 23:59:59.999 of the same day in Beijing.
    expect(chinaDate(Date.parse('2026-11-21T15:59:59.999Z'))).toBe('2026-11-21');
    expect(chinaDate(Date.parse('2026-11-21T16:00:00Z'))).toBe('2026-11-22');
    // 00:30 UTC is 08:30 the same day.
    expect(chinaDate(Date.parse('2026-11-21T00:30:00Z'))).toBe('2026-11-21');
    // New Year in Beijing happens at 16:00 UTC on 31 December.
    expect(chinaDate(Date.parse('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });

  it('ends a China day at 16:00 UTC (= next day 00:00 CST)', () => {
    expect(endOfChinaDay('2026-11-20')).toBe(Date.parse('2026-11-20T16:00:00Z'));
    expect(endOfChinaDay('2026-11-20')).toBe(Date.parse('2026-11-21T00:00:00+08:00'));
    expect(chinaDate(endOfChinaDay('2026-11-20') - 1)).toBe('2026-11-20');
    expect(chinaDate(endOfChinaDay('2026-11-20'))).toBe('2026-11-21');
    expect(endOfChinaDay('2026-12-31')).toBe(Date.parse('2026-12-31T16:00:00Z'));
  });

  it('rejects a malformed date in endOfChinaDay', () => {
    expect(() => endOfChinaDay('2026-11-31')).toThrow(RangeError);
  });
});
