/** Appointment rules: slots over working days, booking horizon, cut-off, check-in, the no-show bar. */
import { describe, expect, it } from 'vitest';
import {
  bookable,
  bookingBarredUntil,
  cancellable,
  checkIn,
  chinaTime,
  DEFAULT_APPOINTMENT_RULES as rules,
  slotById,
  slotsOn,
} from '../../rules/appointments.ts';

const DAY = 86_400_000;
const MIN = 60_000;

describe('slots', () => {
  it('a working day: 6 slots in the morning and 7 in the afternoon, 30 minutes each, China time', () => {
    const slots = slotsOn('2026-03-03', 'SAMR', rules);
    expect(slots).toHaveLength(13);
    expect(slots[0]).toMatchObject({ id: 'SAMR.2026-03-03.0900', startsAt: Date.parse('2026-03-03T01:00:00Z') });
    expect(slots[5]!.id).toBe('SAMR.2026-03-03.1130');
    expect(slots[6]!.id).toBe('SAMR.2026-03-03.1330');
    expect(slots.at(-1)!.endsAt).toBe(chinaTime('2026-03-03', '17:00'));
  });

  it('none on weekends and holidays; a 调休 Saturday is a working day', () => {
    expect(slotsOn('2026-03-07', 'SAMR', rules)).toEqual([]); // Saturday
    expect(slotsOn('2026-10-01', 'SAMR', rules)).toEqual([]); // 国庆节
    expect(slotsOn('2026-02-28', 'SAMR', rules)).toHaveLength(13); // 春节调休 Saturday
    expect(slotsOn('2026-02-30', 'SAMR', rules)).toEqual([]);
  });

  it('a slot id names a generated slot only', () => {
    expect(slotById('SAMR.2026-03-03.0930', rules)?.startsAt).toBe(chinaTime('2026-03-03', '09:30'));
    expect(slotById('SAMR.2026-03-03.0945', rules)).toBeUndefined();
    expect(slotById('SAMR.2026-03-07.0930', rules)).toBeUndefined();
    expect(slotById('samr.x', rules)).toBeUndefined();
  });

  it('bookable from now until the horizon, not once started', () => {
    const slot = slotById('SAMR.2026-03-03.0930', rules)!;
    expect(bookable(slot, '2026-03-02', chinaTime('2026-03-02', '10:00'), rules)).toBe(true);
    expect(bookable(slot, '2026-03-03', chinaTime('2026-03-03', '09:30'), rules)).toBe(false);
    const far = slotsOn('2026-03-20', 'SAMR', rules)[0]!;
    expect(bookable(far, '2026-03-02', chinaTime('2026-03-02', '10:00'), rules)).toBe(false); // 18 days ahead
  });
});

describe('cancellation and check-in', () => {
  const slot = { startsAt: chinaTime('2026-03-03', '10:00'), endsAt: chinaTime('2026-03-03', '10:30') };

  it('cancellable until 60 minutes before the slot', () => {
    expect(cancellable(slot, slot.startsAt - 60 * MIN, rules)).toBe(true);
    expect(cancellable(slot, slot.startsAt - 59 * MIN, rules)).toBe(false);
  });

  it('on time from 15 minutes before the slot to its end', () => {
    expect(checkIn(slot, slot.startsAt - 16 * MIN, rules)).toBe('early');
    expect(checkIn(slot, slot.startsAt - 15 * MIN, rules)).toBe('on_time');
    expect(checkIn(slot, slot.endsAt, rules)).toBe('on_time');
    expect(checkIn(slot, slot.endsAt + 1, rules)).toBe('late');
  });
});

describe('the no-show bar: 3 misses within 30 days bar booking for 30 days after the third', () => {
  const t0 = Date.parse('2026-03-02T02:00:00Z');

  it('two misses: open', () => {
    expect(bookingBarredUntil([t0, t0 + DAY], t0 + 2 * DAY, rules)).toBeUndefined();
  });

  it('three within 30 days: barred until 30 days after the third, open after', () => {
    const misses = [t0, t0 + 10 * DAY, t0 + 20 * DAY];
    expect(bookingBarredUntil(misses, t0 + 21 * DAY, rules)).toBe(t0 + 50 * DAY);
    // the first miss has left the 30-day count by day 31, the bar still runs (it was reached on day 20)
    expect(bookingBarredUntil(misses, t0 + 40 * DAY, rules)).toBe(t0 + 50 * DAY);
    expect(bookingBarredUntil(misses, t0 + 50 * DAY, rules)).toBeUndefined();
  });

  it('three spread over more than 30 days never bar', () => {
    expect(bookingBarredUntil([t0, t0 + 20 * DAY, t0 + 40 * DAY], t0 + 41 * DAY, rules)).toBeUndefined();
  });

  it('misses in the future of now (slots not yet over) do not count', () => {
    expect(bookingBarredUntil([t0, t0 + DAY, t0 + 5 * DAY], t0 + 2 * DAY, rules)).toBeUndefined();
  });
});
