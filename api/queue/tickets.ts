/**
 * Tickets in PostgreSQL: taking one (the day's number of its line from a counter row), calling the next (one
 * statement, `FOR UPDATE SKIP LOCKED`: concurrent windows each lock a different waiting row, none waits for another),
 * and the clerk's steps on the called ticket. The rules (order, numbers, estimate) are rules/queue.ts.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { estimateWaitMinutes, RANKS, ticketNumber } from '../../rules/queue.ts';
import type { IsoDate } from '../../rules/workingDays.ts';
import { ApiError } from '../errors.ts';

export interface TicketRow {
  id: number;
  day: string;
  line: string;
  seq: number;
  number: string;
  matter: string | null;
  theme: string | null;
  priority: boolean;
  appointment_code: string | null;
  rank: number;
  status: 'waiting' | 'called' | 'served' | 'no_show';
  taken_at: Date;
  called_at: Date | null;
  last_called_at: Date | null;
  call_count: number;
  at_window: string | null;
  transferred_to: string | null;
  served_at: Date | null;
  no_show_at: Date | null;
  case_nos: string[];
}

export type Executor = Pick<Database, 'execute'>;

/**
 * The rows of a raw query. Timestamps come back as PostgreSQL's text (drizzle's driver leaves them unparsed): every
 * `*_at` column is made a Date, so answers carry ISO 8601 instants.
 */
async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as Array<Record<string, unknown>>;
  return result.map((row) => {
    const copy = { ...row };
    for (const key of Object.keys(copy)) {
      if (key.endsWith('_at') && typeof copy[key] === 'string') copy[key] = new Date(copy[key]);
    }
    return copy as T;
  });
}

/** A ticket as the API answers it. */
export function ticketView(row: TicketRow) {
  return {
    number: row.number,
    date: String(row.day),
    line: row.line,
    matter: row.matter,
    theme: row.theme,
    priority: row.priority,
    appointment: row.rank === RANKS.appointment,
    status: row.status,
    window: row.at_window,
    transferredTo: row.transferred_to,
    callCount: row.call_count,
    takenAt: row.taken_at,
    calledAt: row.called_at,
    servedAt: row.served_at,
    noShowAt: row.no_show_at,
    caseNos: row.case_nos,
  };
}

export interface NewTicket {
  day: IsoDate;
  line: string;
  letter: string;
  matter: string | null;
  theme: string | null;
  priority: boolean;
  appointmentCode: string | null;
  rank: number;
  now: number;
  kiosk: string;
}

/** Inserts a ticket numbered after the line's last of the day (the counter row serialises takers of one line). */
export async function insertTicket(tx: Executor, ticket: NewTicket): Promise<TicketRow> {
  const [counter] = await rows<{ last: number }>(
    tx,
    sql`INSERT INTO queue_counters (day, line, last) VALUES (${ticket.day}, ${ticket.line}, 1)
        ON CONFLICT (day, line) DO UPDATE SET last = queue_counters.last + 1 RETURNING last`,
  );
  const seq = counter!.last;
  const [row] = await rows<TicketRow>(
    tx,
    sql`INSERT INTO queue_tickets (day, line, seq, number, matter, theme, priority, appointment_code, rank, status,
          taken_at, kiosk)
        VALUES (${ticket.day}, ${ticket.line}, ${seq}, ${ticketNumber(ticket.letter, seq)}, ${ticket.matter},
          ${ticket.theme}, ${ticket.priority}, ${ticket.appointmentCode}, ${ticket.rank}, 'waiting',
          ${new Date(ticket.now).toISOString()}, ${ticket.kiosk})
        RETURNING *`,
  );
  return row!;
}

/** How many waiting tickets of the day are called before this one, and the estimated wait. */
export async function placeInQueue(db: Executor, ticket: TicketRow, now: number, serviceMinutes: number) {
  const [ahead] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM queue_tickets
        WHERE day = ${ticket.day} AND status = 'waiting' AND id <> ${ticket.id}
          AND (rank < ${ticket.rank} OR (rank = ${ticket.rank} AND (taken_at, id) < (${new Date(ticket.taken_at).toISOString()}, ${ticket.id})))`,
  );
  const hourAgo = new Date(now - 3_600_000).toISOString();
  const [windows] = await rows<{ n: number }>(
    db,
    sql`SELECT count(DISTINCT at_window)::int AS n FROM queue_tickets
        WHERE day = ${ticket.day} AND last_called_at > ${hourAgo}`,
  );
  const services = await rows<{ minutes: number }>(
    db,
    sql`SELECT extract(epoch FROM served_at - called_at) / 60 AS minutes FROM queue_tickets
        WHERE day = ${ticket.day} AND status = 'served' ORDER BY served_at DESC LIMIT 20`,
  );
  return {
    ahead: ahead!.n,
    estimatedWaitMinutes: estimateWaitMinutes({
      ahead: ahead!.n,
      activeWindows: windows!.n,
      recentServiceMinutes: services.map((s) => Number(s.minutes)),
      defaultServiceMinutes: serviceMinutes,
    }),
  };
}

/** The ticket at a window now (called, not yet finished), if any. */
export async function currentTicket(db: Executor, day: IsoDate, window: string): Promise<TicketRow | undefined> {
  const [row] = await rows<TicketRow>(
    db,
    sql`SELECT * FROM queue_tickets WHERE day = ${day} AND at_window = ${window} AND status = 'called'`,
  );
  return row;
}

/**
 * The waiting tickets a window may call: not transferred to another window, and of its lines (every line unless
 * configured) or transferred to it (a transfer names the window, whatever the ticket's line).
 */
function callableAt(window: string, lines: string[] | undefined): SQL {
  const ofLines = lines
    ? sql`line IN (${sql.join(
        lines.map((l) => sql`${l}`),
        sql`, `,
      )})`
    : sql`true`;
  return sql`status = 'waiting' AND (transferred_to IS NULL OR transferred_to = ${window})
    AND (transferred_to = ${window} OR ${ofLines})`;
}

export async function waitingFor(db: Executor, day: IsoDate, window: string, lines: string[] | undefined) {
  const [row] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM queue_tickets WHERE day = ${day} AND ${callableAt(window, lines)}`,
  );
  return row!.n;
}

/**
 * 叫号: the first waiting ticket in calling order (a transfer to this window first, then rank, then time taken) is
 * locked, skipping rows another window holds, and marked called here, in one statement. Undefined: no one waits.
 */
export async function callNext(
  db: Executor,
  call: { day: IsoDate; window: string; lines: string[] | undefined; clerk: string; now: number },
): Promise<TicketRow | undefined> {
  const busy = await currentTicket(db, call.day, call.window);
  if (busy) throw windowBusy(busy.number);
  const at = new Date(call.now).toISOString();
  try {
    const [row] = await rows<TicketRow>(
      db,
      sql`UPDATE queue_tickets SET status = 'called', called_at = coalesce(called_at, ${at}), last_called_at = ${at},
            call_count = call_count + 1, at_window = ${call.window}, called_by = ${call.clerk}, transferred_to = NULL
          WHERE id = (
            SELECT id FROM queue_tickets
            WHERE day = ${call.day} AND ${callableAt(call.window, call.lines)}
            ORDER BY (transferred_to IS NOT NULL) DESC, rank, taken_at, id
            LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING *`,
    );
    return row;
  } catch (error) {
    // The same window calling twice at once: the unique index on (day, window) of called tickets refuses the second.
    // (drizzle wraps the driver's error: its code is on the cause)
    const code =
      (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code === '23505') throw windowBusy('');
    throw error;
  }
}

function windowBusy(number: string) {
  return new ApiError(
    409,
    'window_busy',
    number ? `本窗口的 ${number} 号尚未办结、过号或转窗口，不能叫下一位` : '本窗口已在叫号，不能同时叫两位',
  );
}

/** The clerk's steps on the ticket now at their window: the ticket of today with that number, called here. */
export async function calledHere(db: Executor, day: IsoDate, number: string, window: string): Promise<TicketRow> {
  const [row] = await rows<TicketRow>(
    db,
    sql`SELECT * FROM queue_tickets WHERE day = ${day} AND number = ${number} FOR UPDATE`,
  );
  if (!row) throw new ApiError(404, 'ticket_not_found', `今日没有 ${number} 号`, 'number');
  if (row.status !== 'called' || row.at_window !== window) {
    throw new ApiError(409, 'ticket_not_at_window', `${number} 号不在本窗口办理中（状态：${row.status}）`, 'number');
  }
  return row;
}

export async function updateTicket(db: Executor, id: number, set: SQL): Promise<TicketRow> {
  const [row] = await rows<TicketRow>(db, sql`UPDATE queue_tickets SET ${set} WHERE id = ${id} RETURNING *`);
  return row!;
}

/** The latest calls of the day (the board), newest first. */
export async function latestCalls(db: Executor, day: IsoDate, limit = 12) {
  return rows<TicketRow>(
    db,
    sql`SELECT * FROM queue_tickets WHERE day = ${day} AND last_called_at IS NOT NULL
        ORDER BY last_called_at DESC, id DESC LIMIT ${limit}`,
  );
}

export async function waitingByLine(db: Executor, day: IsoDate) {
  return rows<{ line: string; n: number }>(
    db,
    sql`SELECT line, count(*)::int AS n FROM queue_tickets WHERE day = ${day} AND status = 'waiting' GROUP BY line`,
  );
}

export { rows as queryRows };
