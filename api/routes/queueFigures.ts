/** The hall's figures for supervision: waits, service times, no-shows and appointments per day and hour. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { figuresOf, queueFigures, TARGET_WAIT_MINUTES } from '../../rules/queueFigures.ts';
import { RANKS } from '../../rules/queue.ts';
import type { ApiDeps } from '../app.ts';
import { QueueFigures, QueuePeriodQuery } from '../schemas.ts';
import { queryRows } from '../queue/tickets.ts';
import { period } from './supervision.ts';

const ms = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());

export const queueFigureRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/supervision/queue',
      {
        config: { access: 'supervision.read' },
        schema: {
          summary:
            '排队统计：按日、按小时的取号数、等候时间 p50/p90、10 分钟内叫号比例、办理时长、过号、预约到场、各窗口办结数',
          querystring: QueuePeriodQuery,
          response: { 200: QueueFigures },
        },
      },
      async (request) => {
        const { from, to } = period(request.query.from, request.query.to, 92);
        const [tickets, appointments] = await Promise.all([
          queryRows<{
            taken_at: Date;
            called_at: Date | null;
            served_at: Date | null;
            no_show_at: Date | null;
            at_window: string | null;
            rank: number;
          }>(
            deps.db,
            sql`SELECT taken_at, called_at, served_at, no_show_at, at_window, rank FROM queue_tickets
                WHERE day BETWEEN ${from} AND ${to}`,
          ),
          queryRows<{ day: string; status: string }>(
            deps.db,
            sql`SELECT day, status FROM appointments WHERE day BETWEEN ${from} AND ${to} AND status <> 'cancelled'`,
          ),
        ]);
        const times = tickets.map((t) => ({
          takenAt: ms(t.taken_at)!,
          calledAt: ms(t.called_at),
          servedAt: ms(t.served_at),
          noShowAt: ms(t.no_show_at),
          window: t.at_window,
          appointment: t.rank === RANKS.appointment,
        }));
        return {
          from,
          to,
          targetWaitMinutes: TARGET_WAIT_MINUTES,
          total: figuresOf(times),
          days: queueFigures(
            times,
            appointments.map((a) => ({ date: String(a.day), kept: a.status === 'checked_in' })),
          ),
        };
      },
    );
  };
