/**
 * The hall's queue (取号 · 叫号) as pure rules: service lines and their ticket letters, which window serves which
 * line (无差别受理 unless configured), the calling order, ticket numbers and the wait estimate. The API applies them
 * in PostgreSQL (api/queue/); docs/hall.md explains them.
 */
import type { Catalogue } from './catalogue.ts';

/** The line of 一件事 (theme services): one line for every theme, they are received at the same windows. */
export const THEME_LINE = 'THEME';

export interface ServiceLine {
  /** A lead department's code, or THEME_LINE. */
  code: string;
  letter: string;
  name: string;
}

/**
 * Calling order, lowest first: an appointment checked in within its slot, then a priority applicant (老弱病残孕 and
 * the like, chosen at the kiosk on the hall guide's word), then everyone else; within a rank, first come first served.
 */
export const RANKS = { appointment: 0, priority: 1, ordinary: 2 } as const;
export type Rank = (typeof RANKS)[keyof typeof RANKS];

export function ticketRank(ticket: { appointmentOnTime: boolean; priority: boolean }): Rank {
  if (ticket.appointmentOnTime) return RANKS.appointment;
  return ticket.priority ? RANKS.priority : RANKS.ordinary;
}

/** The calling order of two waiting tickets (negative: `a` is called first). A transfer to the window goes first. */
export function compareTickets(
  a: { rank: number; takenAt: number; seq: number; transferredHere?: boolean },
  b: { rank: number; takenAt: number; seq: number; transferredHere?: boolean },
): number {
  return (
    Number(Boolean(b.transferredHere)) - Number(Boolean(a.transferredHere)) ||
    a.rank - b.rank ||
    a.takenAt - b.takenAt ||
    a.seq - b.seq
  );
}

/** `A` and 23 → `A023`: three digits, more when a line passes 999 tickets in a day. */
export function ticketNumber(letter: string, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1) throw new RangeError(`ticket sequence must be a whole number >= 1: ${seq}`);
  return `${letter}${String(seq).padStart(3, '0')}`;
}

export const TICKET_NUMBER = /^[A-Z]\d{3,6}$/;

/**
 * The service lines: one per department that leads a matter, and one for 一件事. `letters` (QUEUE_LINE_LETTERS) fixes
 * some letters; the others get the free letters in the order of the department codes, 一件事 `T` unless taken.
 */
export function serviceLines(
  catalogue: Pick<Catalogue, 'departments' | 'matters'>,
  letters: Record<string, string> = {},
): ServiceLine[] {
  const leads = new Set(catalogue.matters.flatMap((m) => m.departments.filter((d) => d.lead).map((d) => d.code)));
  const departments = catalogue.departments.filter((d) => leads.has(d.code)).sort((a, b) => (a.code < b.code ? -1 : 1));
  const taken = new Set(Object.values(letters));
  const themeLetter = letters[THEME_LINE] ?? (taken.has('T') ? undefined : 'T');
  if (themeLetter) taken.add(themeLetter);
  const free = [...'ABCDEFGHIJKLMNOPQRSUVWXYZT'].filter((l) => !taken.has(l));
  const lines: ServiceLine[] = departments.map((d) => {
    const letter = letters[d.code] ?? free.shift();
    if (!letter) throw new RangeError('more service lines than letters: set QUEUE_LINE_LETTERS');
    return { code: d.code, letter, name: d.name };
  });
  lines.push({ code: THEME_LINE, letter: themeLetter ?? free.shift() ?? '', name: '一件事（主题服务）' });
  const used = lines.map((l) => l.letter);
  if (used.some((l, i) => !l || used.indexOf(l) !== i)) throw new RangeError('two service lines share a ticket letter');
  return lines;
}

/** The line a matter is received on: its lead department's. */
export function lineOfMatter(catalogue: Pick<Catalogue, 'matters'>, matter: string): string | undefined {
  return catalogue.matters.find((m) => m.code === matter)?.departments.find((d) => d.lead)?.code;
}

/**
 * The lines a window serves: those configured for it (QUEUE_WINDOW_LINES), otherwise every line (无差别受理).
 * Undefined means every line.
 */
export function linesOfWindow(windowLines: Record<string, string[]>, window: string): string[] | undefined {
  const lines = windowLines[window];
  return lines && lines.length > 0 ? lines : undefined;
}

export function windowServes(windowLines: Record<string, string[]>, window: string, line: string): boolean {
  return linesOfWindow(windowLines, window)?.includes(line) ?? true;
}

/**
 * Minutes until a ticket with `ahead` tickets before it is called: the tickets ahead shared among the windows
 * calling (at least one), each taking the mean of today's recent service times, or `defaultServiceMinutes` before any
 * was served.
 */
export function estimateWaitMinutes(input: {
  ahead: number;
  activeWindows: number;
  recentServiceMinutes: number[];
  defaultServiceMinutes: number;
}): number {
  const { ahead, recentServiceMinutes } = input;
  if (ahead <= 0) return 0;
  const perTicket = recentServiceMinutes.length
    ? recentServiceMinutes.reduce((sum, m) => sum + m, 0) / recentServiceMinutes.length
    : input.defaultServiceMinutes;
  return Math.ceil((ahead * perTicket) / Math.max(1, input.activeWindows));
}

/** 过号: a ticket may be marked a no-show once it has been called this many times (the first call and 重呼). */
export function mayMarkNoShow(callCount: number, callsBeforeNoShow: number): boolean {
  return callCount >= callsBeforeNoShow;
}

/** What the board says aloud for a call: 请 A023 号到 5 号窗口 (the letters and digits read one by one). */
export function announcement(number: string, window: string): string {
  const spelled = number.split('').join(' ');
  const windowNumber = /^W0*(\d+)$/.exec(window)?.[1] ?? window;
  return `请 ${spelled} 号到 ${windowNumber} 号窗口办理`;
}
