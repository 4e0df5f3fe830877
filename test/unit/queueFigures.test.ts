/** Queue figures on hand-counted tickets. */
import { describe, expect, it } from 'vitest';
import { percentile, queueFigures, type TicketTimes } from '../../rules/queueFigures.ts';

const MIN = 60_000;
/** 2 March 2026 at hh:mm China time. */
const at = (hhmm: string, day = '2026-03-02') => Date.parse(`${day}T${hhmm}:00+08:00`);

function ticket(taken: string, waitMin: number | null, serviceMin: number | null, extra: Partial<TicketTimes> = {}) {
  const takenAt = at(taken);
  const calledAt = waitMin === null ? null : takenAt + waitMin * MIN;
  return {
    takenAt,
    calledAt,
    servedAt: calledAt !== null && serviceMin !== null ? calledAt + serviceMin * MIN : null,
    window: 'W01',
    appointment: false,
    ...extra,
  };
}

describe('percentile (nearest rank)', () => {
  it('hand-counted', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });
});

describe('queueFigures', () => {
  const tickets: TicketTimes[] = [
    // 09:xx: waits 2, 6, 12, 20; services 5, 7, 9 (the 20-minute one is a no-show)
    ticket('09:00', 2, 5),
    ticket('09:10', 6, 7, { window: 'W02' }),
    ticket('09:20', 12, 9, { appointment: true }),
    { ...ticket('09:30', 20, null), noShowAt: at('09:55') },
    // 10:xx: waits 1, 3; one still waiting
    ticket('10:05', 1, 4, { window: 'W02' }),
    ticket('10:15', 3, 6),
    ticket('10:40', null, null),
    // next day, one ticket
    {
      ...ticket('09:00', 30, 10),
      takenAt: at('09:00', '2026-03-03'),
      calledAt: at('09:30', '2026-03-03'),
      servedAt: at('09:40', '2026-03-03'),
    },
  ];

  const [day1, day2] = queueFigures(tickets, [
    { date: '2026-03-02', kept: true },
    { date: '2026-03-02', kept: false },
    { date: '2026-03-03', kept: false },
  ]);

  it('per day: tickets, waits p50/p90, share within 10 minutes, service times, no-shows, appointments', () => {
    // waits of day 1: 1 2 3 6 12 20 → p50 = 3rd = 3, p90 = ceil(5.4) = 6th = 20; within 10: 4 of 6
    expect(day1).toMatchObject({
      date: '2026-03-02',
      tickets: 7,
      called: 6,
      waitP50Minutes: 3,
      waitP90Minutes: 20,
      withinTargetShare: 0.667,
      served: 5,
      // services 4 5 6 7 9 → p50 = 6, mean 6.2
      serviceP50Minutes: 6,
      serviceMeanMinutes: 6.2,
      noShows: 1,
      appointmentsBooked: 2,
      appointmentsKept: 1,
    });
    expect(day2).toMatchObject({
      date: '2026-03-03',
      tickets: 1,
      waitP50Minutes: 30,
      withinTargetShare: 0,
      appointmentsKept: 0,
    });
  });

  it('per hour of taking', () => {
    expect(day1!.hours.map((h) => [h.hour, h.tickets, h.waitP50Minutes, h.withinTargetShare])).toEqual([
      [9, 4, 6, 0.5],
      [10, 3, 1, 1],
    ]);
  });

  it('per window: served and mean service time', () => {
    expect(day1!.windows).toEqual([
      { window: 'W01', served: 3, serviceMeanMinutes: 6.7 }, // 5, 9, 6
      { window: 'W02', served: 2, serviceMeanMinutes: 5.5 }, // 7, 4
    ]);
  });
});
