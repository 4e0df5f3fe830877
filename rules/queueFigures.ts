/**
 * The hall's figures from the tickets' taken, called and served times: per day and per hour of the day (China time,
 * by the hour the ticket was taken) the tickets, waits p50 and p90, the share called within 10 minutes (the seeds'
 * target), service times, no-shows, appointments kept, and per window the tickets served. Pure: the API reads the rows
 * (api/queue/) and this counts them.
 */
import { chinaDate, type IsoDate } from './workingDays.ts';

export interface TicketTimes {
  takenAt: number;
  calledAt?: number | null;
  servedAt?: number | null;
  noShowAt?: number | null;
  window?: string | null;
  /** Taken with an appointment code checked in within its slot. */
  appointment: boolean;
}

export interface AppointmentOutcome {
  date: IsoDate;
  kept: boolean;
}

export interface Figures {
  tickets: number;
  called: number;
  waitP50Minutes: number | null;
  waitP90Minutes: number | null;
  /** Called within TARGET_WAIT_MINUTES, of those called; null when none was. */
  withinTargetShare: number | null;
  served: number;
  serviceP50Minutes: number | null;
  serviceMeanMinutes: number | null;
  noShows: number;
}

export interface WindowFigures {
  window: string;
  served: number;
  serviceMeanMinutes: number | null;
}

export interface DayFigures extends Figures {
  date: IsoDate;
  appointmentsBooked: number;
  appointmentsKept: number;
  hours: Array<Figures & { hour: number }>;
  windows: WindowFigures[];
}

/** The seeds' target: no one waits more than 10 minutes (004). */
export const TARGET_WAIT_MINUTES = 10;

const MINUTE = 60_000;

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const mean = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : null);

export function figuresOf(tickets: TicketTimes[]): Figures {
  const waits = tickets.filter((t) => t.calledAt != null).map((t) => (t.calledAt! - t.takenAt) / MINUTE);
  const services = tickets
    .filter((t) => t.servedAt != null && t.calledAt != null)
    .map((t) => (t.servedAt! - t.calledAt!) / MINUTE);
  return {
    tickets: tickets.length,
    called: waits.length,
    waitP50Minutes: round1(percentile(waits, 50)),
    waitP90Minutes: round1(percentile(waits, 90)),
    withinTargetShare: waits.length
      ? Math.round((waits.filter((w) => w <= TARGET_WAIT_MINUTES).length / waits.length) * 1000) / 1000
      : null,
    served: services.length,
    serviceP50Minutes: round1(percentile(services, 50)),
    serviceMeanMinutes: round1(mean(services)),
    noShows: tickets.filter((t) => t.noShowAt != null).length,
  };
}

/** The China hour of the day (0–23) of an instant. */
export const chinaHour = (ms: number) => new Date(ms + 8 * 3_600_000).getUTCHours();

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** The figures per day (days with tickets or appointments), each with its hours and its windows. */
export function queueFigures(tickets: TicketTimes[], appointments: AppointmentOutcome[] = []): DayFigures[] {
  const byDay = groupBy(tickets, (t) => chinaDate(t.takenAt));
  const appointmentsByDay = groupBy(appointments, (a) => a.date);
  const days = [...new Set([...byDay.keys(), ...appointmentsByDay.keys()])].sort();
  return days.map((date) => {
    const dayTickets = byDay.get(date) ?? [];
    const booked = appointmentsByDay.get(date) ?? [];
    const hours = [...groupBy(dayTickets, (t) => chinaHour(t.takenAt)).entries()]
      .sort(([a], [b]) => a - b)
      .map(([hour, hourTickets]) => ({ hour, ...figuresOf(hourTickets) }));
    const windows = [
      ...groupBy(
        dayTickets.filter((t) => t.servedAt != null && t.window),
        (t) => t.window!,
      ).entries(),
    ]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([window, served]) => ({
        window,
        served: served.length,
        serviceMeanMinutes: round1(mean(served.map((t) => (t.servedAt! - (t.calledAt ?? t.servedAt!)) / MINUTE))),
      }));
    return {
      date,
      ...figuresOf(dayTickets),
      appointmentsBooked: booked.length,
      appointmentsKept: booked.filter((a) => a.kept).length,
      hours,
      windows,
    };
  });
}
