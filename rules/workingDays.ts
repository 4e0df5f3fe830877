/**
 * Working-day arithmetic over China's statutory holidays (行政许可法 第82条: periods are counted in working days,
 * excluding statutory holidays). The State Council's yearly notice also moves working days onto weekends (调休).
 *
 * All dates are calendar dates in China Standard Time (UTC+8, no daylight saving), as `YYYY-MM-DD` strings.
 */
import holidayData from './cn-holidays.json' with { type: 'json' };

export type IsoDate = string;

interface HolidayFile {
  years: Record<string, { holidays: Array<{ name: string; offDays: string[]; workingWeekends?: string[] }> }>;
}

const offDays = new Set<string>();
const workingWeekends = new Set<string>();
for (const year of Object.values((holidayData as HolidayFile).years)) {
  for (const holiday of year.holidays) {
    holiday.offDays.forEach((d) => offDays.add(d));
    holiday.workingWeekends?.forEach((d) => workingWeekends.add(d));
  }
}

/** Years whose holiday notice is in the data; outside them only weekends are days off (see isCalendarKnown). */
export const knownYears: readonly number[] = Object.keys((holidayData as HolidayFile).years)
  .map(Number)
  .sort((a, b) => a - b);

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function toUtcMs(date: IsoDate): number {
  if (!ISO_DATE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return ms;
}

/** Whether the text is a YYYY-MM-DD day that exists (2026-02-30 does not). */
export function isCalendarDate(date: string): boolean {
  try {
    toUtcMs(date);
    return true;
  } catch {
    return false;
  }
}

function fromUtcMs(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Whether the holiday notice for this date's year is in the data (if not, results are provisional). */
export function isCalendarKnown(date: IsoDate): boolean {
  return knownYears.includes(Number(date.slice(0, 4)));
}

export function isWorkingDay(date: IsoDate): boolean {
  if (offDays.has(date)) return false;
  if (workingWeekends.has(date)) return true;
  const weekday = new Date(toUtcMs(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date on which a period of `days` working days that starts on `start` ends.
 * The start day itself is not counted; the period ends at the end of the returned day.
 * `days = 0` returns `start` (things due the same day, e.g. 即办件).
 */
export function addWorkingDays(start: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number >= 0: ${days}`);
  let date = start;
  toUtcMs(start);
  for (let counted = 0; counted < days;) {
    date = addCalendarDays(date, 1);
    if (isWorkingDay(date)) counted++;
  }
  return date;
}

/** Working days after `from` up to and including `to` (0 when `to` <= `from`). */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  toUtcMs(from);
  toUtcMs(to);
  let count = 0;
  for (let date = addCalendarDays(from, 1); date <= to; date = addCalendarDays(date, 1)) {
    if (isWorkingDay(date)) count++;
  }
  return count;
}

/** The China calendar date of an instant. */
export function chinaDate(instantMs: number): IsoDate {
  return fromUtcMs(instantMs + CHINA_OFFSET_MS);
}

/** The instant a China calendar day ends (= the next day's 00:00 CST): when a period ending that day has passed. */
export function endOfChinaDay(date: IsoDate): number {
  return toUtcMs(date) + DAY_MS - CHINA_OFFSET_MS;
}

/** The working day `days` working days before `date` (the day on which that many working days remain after it). */
export function subtractWorkingDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number >= 0: ${days}`);
  let d = date;
  toUtcMs(date);
  for (let counted = 0; counted < days;) {
    d = addCalendarDays(d, -1);
    if (isWorkingDay(d)) counted++;
  }
  return d;
}
