/**
 * Appointments (预约) as pure rules: slots per service line over working days only (the holiday calendar of
 * rules/workingDays.ts), the check-in window that earns an appointment its priority, cancellation up to a cut-off,
 * and the no-show limit. docs/hall.md states the rules.
 */
import { addCalendarDays, isCalendarDate, isWorkingDay, type IsoDate } from './workingDays.ts';

export interface AppointmentRules {
  /** Opening periods of a working day, China time: `[["09:00","12:00"],["13:30","17:00"]]`. */
  hours: Array<[string, string]>;
  slotMinutes: number;
  capacity: number;
  /** How many days ahead a slot may be booked (today counts as day 0). */
  daysAhead: number;
  /** A booking may be cancelled until this many minutes before its slot starts. */
  cancelCutoffMinutes: number;
  /** Check-in earlier than this before the slot does not count as within it. */
  earlyCheckInMinutes: number;
  /** `noShowLimit` missed appointments within `noShowDays` days bar booking for `noShowDays` days after the last one. */
  noShowLimit: number;
  noShowDays: number;
}

export const DEFAULT_APPOINTMENT_RULES: AppointmentRules = {
  hours: [
    ['09:00', '12:00'],
    ['13:30', '17:00'],
  ],
  slotMinutes: 30,
  capacity: 4,
  daysAhead: 14,
  cancelCutoffMinutes: 60,
  earlyCheckInMinutes: 15,
  noShowLimit: 3,
  noShowDays: 30,
};

export interface Slot {
  id: string;
  line: string;
  date: IsoDate;
  /** Epoch milliseconds. */
  startsAt: number;
  endsAt: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** 09:00 on a China calendar day, as an instant. */
export function chinaTime(date: IsoDate, hhmm: string): number {
  return Date.parse(`${date}T${hhmm}:00+08:00`);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmmOf = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The slots of a line on a day: none on a day off (weekends, holidays; 调休 weekends are working days). */
export function slotsOn(date: IsoDate, line: string, rules: AppointmentRules): Slot[] {
  if (!isCalendarDate(date) || !isWorkingDay(date)) return [];
  const slots: Slot[] = [];
  for (const [open, close] of rules.hours) {
    for (let m = minutesOf(open); m + rules.slotMinutes <= minutesOf(close); m += rules.slotMinutes) {
      const start = hhmmOf(m);
      slots.push({
        id: `${line}.${date}.${start.replace(':', '')}`,
        line,
        date,
        startsAt: chinaTime(date, start),
        endsAt: chinaTime(date, hhmmOf(m + rules.slotMinutes)),
      });
    }
  }
  return slots;
}

/** The slot a slot id names, if the rules generate it (an id is `LINE.YYYY-MM-DD.HHMM`). */
export function slotById(id: string, rules: AppointmentRules): Slot | undefined {
  const match = /^([A-Z_]+)\.(\d{4}-\d{2}-\d{2})\.\d{4}$/.exec(id);
  if (!match) return undefined;
  return slotsOn(match[2]!, match[1]!, rules).find((s) => s.id === id);
}

/** Whether a slot may still be booked at `now`: it has not started and lies within the booking horizon. */
export function bookable(slot: Slot, today: IsoDate, now: number, rules: AppointmentRules): boolean {
  return slot.startsAt > now && slot.date <= addCalendarDays(today, rules.daysAhead);
}

export function cancellable(slot: Pick<Slot, 'startsAt'>, now: number, rules: AppointmentRules): boolean {
  return now <= slot.startsAt - rules.cancelCutoffMinutes * MINUTE;
}

/**
 * A check-in at the kiosk: `on_time` from `earlyCheckInMinutes` before the slot until its end (the ticket gets the
 * appointment's priority), `early` before that, `late` after it (the ticket is an ordinary one).
 */
export function checkIn(slot: Pick<Slot, 'startsAt' | 'endsAt'>, now: number, rules: AppointmentRules) {
  if (now < slot.startsAt - rules.earlyCheckInMinutes * MINUTE) return 'early' as const;
  return now <= slot.endsAt ? ('on_time' as const) : ('late' as const);
}

/**
 * The no-show limit: an appointment missed (slot ended, never checked in, not cancelled) that is the `noShowLimit`-th
 * miss within `noShowDays` days bars booking until `noShowDays` days after it. Returns the end of the bar still
 * running at `now`, or undefined when booking is open.
 */
export function bookingBarredUntil(missedSlotEnds: number[], now: number, rules: AppointmentRules): number | undefined {
  const misses = missedSlotEnds.filter((t) => t <= now).sort((a, b) => a - b);
  const window = rules.noShowDays * DAY;
  let barredUntil: number | undefined;
  misses.forEach((miss, i) => {
    const within = misses.slice(0, i + 1).filter((t) => t > miss - window).length;
    if (within >= rules.noShowLimit && miss + window > now) barredUntil = miss + window;
  });
  return barredUntil;
}
