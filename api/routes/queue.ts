/**
 * 取号 · 叫号: the kiosk takes a ticket (no sign-in, limited per kiosk address), the clerk calls the next one at their
 * window (the window from the session), calls again, transfers, marks a no-show or served with the cases received;
 * the board reads the latest calls and hears them live (server-sent events).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { announcement, linesOfWindow, mayMarkNoShow, RANKS, ticketRank } from '../../rules/queue.ts';
import { checkIn, slotById } from '../../rules/appointments.ts';
import { chinaDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { ApiError } from '../errors.ts';
import { staffOf } from '../auth/guard.ts';
import {
  Board,
  errors,
  ServedBody,
  TakeTicketBody,
  TakenTicket,
  Ticket,
  TicketParams,
  TransferBody,
  WindowQueue,
} from '../schemas.ts';
import { BoardEvents, type BoardEvent } from '../queue/boardEvents.ts';
import { hallLines, lineFor } from '../queue/lines.ts';
import { hallSettings } from '../queue/settings.ts';
import {
  callNext,
  calledHere,
  currentTicket,
  insertTicket,
  latestCalls,
  placeInQueue,
  queryRows,
  ticketView,
  updateTicket,
  waitingByLine,
  waitingFor,
  type Executor,
  type TicketRow,
} from '../queue/tickets.ts';

/** The clerk's window, from the session: a clerk without one cannot call. */
function windowOf(request: FastifyRequest): { window: string; username: string } {
  const user = staffOf(request);
  if (!user.window) throw new ApiError(422, 'no_window', '您的账号没有指定窗口，不能叫号', 'window');
  return { window: user.window, username: user.username };
}

const callOf = (row: TicketRow) => ({
  number: row.number,
  window: row.at_window ?? '',
  calledAt: row.last_called_at ?? row.called_at ?? row.taken_at,
  callCount: row.call_count,
  status: row.status,
  announcement: announcement(row.number, row.at_window ?? ''),
});

export const queueRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const hall = hallSettings(deps.hall);
    const board = new BoardEvents(deps.db);
    const streams = new Set<() => void>();
    // Open streams would keep the server from closing: end them first (browsers reconnect to another process).
    app.addHook('preClose', async () => {
      for (const end of streams) end();
    });
    app.addHook('onClose', () => board.close());
    const today = () => chinaDate(deps.clock.now());
    const lines = async () => hallLines(await deps.catalogue.get(), hall.lineLetters);
    const publish = (event: BoardEvent) => board.publish(event).catch(() => {});

    app.post(
      '/queue/tickets',
      {
        config: {
          access: 'queue.take',
          // Per kiosk (client address): a kiosk cannot flood the queue with tickets.
          rateLimit: { max: hall.kioskPerMinute, timeWindow: 60_000, keyGenerator: (r: FastifyRequest) => r.ip },
        },
        schema: {
          summary: '取号：选择事项、一件事或输入预约码（自助取号机，无需登录）',
          body: TakeTicketBody,
          response: { 201: TakenTicket, ...errors(404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { matter, theme, appointmentCode, priority = false } = request.body;
        const now = deps.clock.now();
        const day = chinaDate(now);
        const catalogue = await deps.catalogue.get();
        const hallLineSet = hallLines(catalogue, hall.lineLetters);
        const ticket = await deps.db.transaction(async (tx) => {
          if (appointmentCode !== undefined) {
            if (matter !== undefined || theme !== undefined) {
              throw new ApiError(400, 'appointment_or_matter', '输入预约码时不再选择事项', 'appointmentCode');
            }
            const [booked] = await queryRows<{
              slot_id: string;
              line: string;
              matter: string | null;
              theme: string | null;
              status: string;
              day: string;
            }>(tx, sql`SELECT * FROM appointments WHERE code = ${appointmentCode} FOR UPDATE`);
            if (!booked) throw new ApiError(404, 'appointment_not_found', '预约码不存在', 'appointmentCode');
            if (booked.status !== 'booked') {
              throw new ApiError(409, 'appointment_used', '该预约已取号或已取消', 'appointmentCode');
            }
            if (String(booked.day) !== day) {
              throw new ApiError(
                422,
                'appointment_not_today',
                `该预约是 ${String(booked.day)} 的，不是今天`,
                'appointmentCode',
              );
            }
            const slot = slotById(booked.slot_id, hall.appointments);
            const arrival = slot ? checkIn(slot, now, hall.appointments) : 'late';
            if (arrival === 'early') {
              throw new ApiError(
                422,
                'appointment_too_early',
                `预约时段尚未开始，请在时段开始前 ${hall.appointments.earlyCheckInMinutes} 分钟内取号`,
                'appointmentCode',
              );
            }
            const line = hallLineSet.line(booked.line);
            if (!line) throw new ApiError(404, 'appointment_not_found', '预约的业务线已不存在', 'appointmentCode');
            const row = await insertTicket(tx, {
              day,
              line: line.code,
              letter: line.letter,
              matter: booked.matter,
              theme: booked.theme,
              priority,
              appointmentCode,
              rank: ticketRank({ appointmentOnTime: arrival === 'on_time', priority }),
              now,
              kiosk: request.ip,
            });
            await tx.execute(
              sql`UPDATE appointments SET status = 'checked_in', checked_in_at = ${new Date(now).toISOString()},
                    ticket_number = ${row.number} WHERE code = ${appointmentCode}`,
            );
            return row;
          }
          const target = lineFor(catalogue, hallLineSet, { matter, theme });
          return insertTicket(tx, {
            day,
            line: target.line.code,
            letter: target.line.letter,
            matter: target.matter,
            theme: target.theme,
            priority,
            appointmentCode: null,
            rank: ticketRank({ appointmentOnTime: false, priority }),
            now,
            kiosk: request.ip,
          });
        });
        const place = await placeInQueue(deps.db, ticket, now, hall.serviceMinutes);
        void publish({ type: 'change' });
        return reply.status(201).send({
          number: ticket.number,
          ...place,
          line: ticket.line,
          lineName: hallLineSet.line(ticket.line)?.name ?? ticket.line,
          takenAt: ticket.taken_at,
          priority: ticket.priority,
          appointment: ticket.rank === RANKS.appointment,
          date: day,
        });
      },
    );

    app.get(
      '/queue/window',
      {
        config: { access: 'queue.call' },
        schema: {
          summary: '本窗口：正在办理的票号与可叫的等候人数',
          response: { 200: WindowQueue, ...errors(422) },
        },
      },
      async (request) => {
        const { window } = windowOf(request);
        const day = today();
        const current = await currentTicket(deps.db, day, window);
        return {
          window,
          current: current ? ticketView(current) : null,
          waiting: await waitingFor(deps.db, day, window, linesOfWindow(hall.windowLines, window)),
          callsBeforeNoShow: hall.callsBeforeNoShow,
        };
      },
    );

    app.post(
      '/queue/next',
      {
        config: { access: 'queue.call' },
        schema: {
          summary: '叫号：本窗口叫下一位（优先：按时到场的预约、老弱病残孕，其次先到先叫）；无人等候时 204',
          response: {
            200: Ticket,
            204: Type.Null({ description: '无人等候' }),
            ...errors(409, 422),
          },
        },
      },
      async (request, reply) => {
        const { window, username } = windowOf(request);
        const row = await callNext(deps.db, {
          day: today(),
          window,
          lines: linesOfWindow(hall.windowLines, window),
          clerk: username,
          now: deps.clock.now(),
        });
        if (!row) return reply.status(204).send(null);
        void publish({ type: 'call', ...callOf(row) });
        return ticketView(row);
      },
    );

    /** A step on the ticket now at the clerk's window, in one transaction holding its row. */
    const onCalled = async (
      request: FastifyRequest,
      number: string,
      step: (row: TicketRow, tx: Executor, at: string, window: string) => Promise<TicketRow>,
    ) => {
      const { window } = windowOf(request);
      const at = new Date(deps.clock.now()).toISOString();
      const row = await deps.db.transaction(async (tx) =>
        step(await calledHere(tx, today(), number, window), tx, at, window),
      );
      return { row };
    };

    app.post(
      '/queue/tickets/:number/recall',
      {
        config: { access: 'queue.call' },
        schema: {
          summary: '重呼：再次呼叫本窗口正在办理的票号',
          params: TicketParams,
          response: { 200: Ticket, ...errors(404, 409, 422) },
        },
      },
      async (request) => {
        const { row } = await onCalled(request, request.params.number, (ticket, tx, at) =>
          updateTicket(tx, ticket.id, sql`call_count = call_count + 1, last_called_at = ${at}`),
        );
        void publish({ type: 'call', ...callOf(row) });
        return ticketView(row);
      },
    );

    app.post(
      '/queue/tickets/:number/no-show',
      {
        config: { access: 'queue.call' },
        schema: {
          summary: '过号：呼叫规定次数后未到，标记过号',
          params: TicketParams,
          response: { 200: Ticket, ...errors(404, 409, 422) },
        },
      },
      async (request) => {
        const { row } = await onCalled(request, request.params.number, async (ticket, tx, at) => {
          if (!mayMarkNoShow(ticket.call_count, hall.callsBeforeNoShow)) {
            throw new ApiError(
              422,
              'recall_first',
              `已呼叫 ${ticket.call_count} 次，须呼叫 ${hall.callsBeforeNoShow} 次后才能过号`,
              'number',
            );
          }
          return updateTicket(tx, ticket.id, sql`status = 'no_show', no_show_at = ${at}`);
        });
        void publish({ type: 'change' });
        return ticketView(row);
      },
    );

    app.post(
      '/queue/tickets/:number/transfer',
      {
        config: { access: 'queue.call' },
        schema: {
          summary: '转窗口：转到另一窗口，该窗口下一次叫号时优先叫到',
          params: TicketParams,
          body: TransferBody,
          response: { 200: Ticket, ...errors(404, 409, 422) },
        },
      },
      async (request) => {
        const target = request.body.window;
        const { row } = await onCalled(request, request.params.number, async (ticket, tx, _at, window) => {
          if (target === window) throw new ApiError(422, 'same_window', '不能转到本窗口', 'window');
          const [known] = await queryRows<{ n: number }>(
            tx,
            sql`SELECT count(*)::int AS n FROM users WHERE "window" = ${target} AND active`,
          );
          if (!known!.n) throw new ApiError(422, 'unknown_window', `窗口 ${target} 不存在`, 'window');
          return updateTicket(
            tx,
            ticket.id,
            sql`status = 'waiting', transferred_to = ${target}, at_window = NULL, call_count = 0`,
          );
        });
        void publish({ type: 'change' });
        return ticketView(row);
      },
    );

    app.post(
      '/queue/tickets/:number/served',
      {
        config: { access: 'queue.call' },
        schema: {
          summary: '办结：本窗口办理完毕，关联受理的办件编号',
          params: TicketParams,
          body: ServedBody,
          response: { 200: Ticket, ...errors(404, 409, 422) },
        },
      },
      async (request) => {
        const { caseNos } = request.body;
        const { row } = await onCalled(request, request.params.number, async (ticket, tx, at) => {
          if (caseNos.length > 0) {
            const found = await queryRows<{ case_no: string }>(
              tx,
              sql`SELECT case_no FROM cases WHERE case_no IN (${sql.join(
                caseNos.map((c) => sql`${c}`),
                sql`, `,
              )})`,
            );
            const missing = caseNos.find((c) => !found.some((f) => f.case_no === c));
            if (missing) throw new ApiError(422, 'case_not_found', `办件 ${missing} 不存在`, 'caseNos');
          }
          return updateTicket(
            tx,
            ticket.id,
            sql`status = 'served', served_at = ${at}, case_nos = ${JSON.stringify(caseNos)}::jsonb`,
          );
        });
        void publish({ type: 'change' });
        return ticketView(row);
      },
    );

    app.get(
      '/queue/board',
      {
        config: { access: 'queue.board' },
        schema: { summary: '叫号屏：最近的叫号与各业务线等候人数', response: { 200: Board } },
      },
      async () => {
        const day = today();
        const [calls, waiting, hallLineSet] = await Promise.all([
          latestCalls(deps.db, day),
          waitingByLine(deps.db, day),
          lines(),
        ]);
        return {
          date: day,
          calls: calls.filter((c) => c.at_window).map(callOf),
          waiting: hallLineSet.lines.map((l) => ({
            line: l.code,
            letter: l.letter,
            name: l.name,
            waiting: waiting.find((w) => w.line === l.code)?.n ?? 0,
          })),
        };
      },
    );

    // A stream, not a JSON answer: hidden from the OpenAPI document (docs/hall.md describes it).
    app.get(
      '/queue/board/stream',
      { config: { access: 'queue.board' }, schema: { hide: true } },
      async (request, reply) => {
        reply.hijack();
        const send = (event: BoardEvent) => reply.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        // Listening before answering: once the client has the headers, no call made after that is missed.
        const unsubscribe = await board.subscribe(send);
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-content-type-options': 'nosniff',
        });
        reply.raw.write('retry: 3000\n\n');
        // A comment now and then keeps proxies from closing an idle stream.
        const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), 15_000);
        const end = () => {
          clearInterval(heartbeat);
          unsubscribe();
          streams.delete(end);
          reply.raw.end();
        };
        streams.add(end);
        request.raw.on('close', end);
      },
    );
  };
