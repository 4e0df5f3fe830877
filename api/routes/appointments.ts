/**
 * 预约: the slots of a service line on a day (working days only), booking with a phone number (applicants have no
 * accounts), cancelling with the confirmation code up to the cut-off. A booking locks its slot's row so that the
 * capacity holds under concurrent bookings; repeated no-shows bar booking for a while (rules/appointments.ts).
 */
import { randomInt } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { bookable, bookingBarredUntil, cancellable, slotById, slotsOn } from '../../rules/appointments.ts';
import { chinaDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { ApiError } from '../errors.ts';
import { Appointment, AppointmentParams, BookBody, errors, Slot, SlotsQuery } from '../schemas.ts';
import { hallLines, lineFor } from '../queue/lines.ts';
import { hallSettings } from '../queue/settings.ts';
import { queryRows } from '../queue/tickets.ts';
import { calendarDate } from './supervision.ts';

const CODE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newCode = () => Array.from({ length: 8 }, () => CODE_LETTERS[randomInt(CODE_LETTERS.length)]).join('');
const MOBILE = /^1[3-9]\d{9}$/;

interface AppointmentRow {
  code: string;
  slot_id: string;
  line: string;
  matter: string | null;
  theme: string | null;
  day: string;
  starts_at: Date;
  ends_at: Date;
  status: 'booked' | 'cancelled' | 'checked_in';
}

const view = (row: AppointmentRow) => ({
  code: row.code,
  slotId: row.slot_id,
  line: row.line,
  matter: row.matter,
  theme: row.theme,
  date: String(row.day),
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  status: row.status,
});

export const appointmentRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const hall = hallSettings(deps.hall);
    const rules = hall.appointments;
    // Codes are the only key to a booking: guessing them is limited per client address.
    const limited = {
      rateLimit: { max: hall.kioskPerMinute, timeWindow: 60_000, keyGenerator: (r: FastifyRequest) => r.ip },
    };

    app.get(
      '/appointments/slots',
      {
        config: { access: 'appointment.book' },
        schema: {
          summary: '预约时段：某事项或一件事在某日的时段与剩余名额（仅工作日）',
          querystring: SlotsQuery,
          response: { 200: Type.Array(Slot), ...errors(404) },
        },
      },
      async (request) => {
        const date = calendarDate(request.query.date, 'date');
        const catalogue = await deps.catalogue.get();
        const { line } = lineFor(catalogue, hallLines(catalogue, hall.lineLetters), request.query);
        const slots = slotsOn(date, line.code, rules);
        if (slots.length === 0) return [];
        const booked = await queryRows<{ slot_id: string; n: number }>(
          deps.db,
          sql`SELECT slot_id, count(*)::int AS n FROM appointments
              WHERE line = ${line.code} AND day = ${date} AND status <> 'cancelled' GROUP BY slot_id`,
        );
        const now = deps.clock.now();
        return slots.map((s) => {
          const remaining = Math.max(0, rules.capacity - (booked.find((b) => b.slot_id === s.id)?.n ?? 0));
          return {
            ...s,
            startsAt: new Date(s.startsAt),
            endsAt: new Date(s.endsAt),
            capacity: rules.capacity,
            remaining,
            bookable: remaining > 0 && bookable(s, chinaDate(now), now, rules),
          };
        });
      },
    );

    app.post(
      '/appointments',
      {
        config: { access: 'appointment.book', ...limited },
        schema: {
          summary: '预约：按时段预约（填写手机号码），返回预约码',
          body: BookBody,
          response: { 201: Appointment, ...errors(404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { slotId, phone, matter, theme } = request.body;
        if (phone === undefined) throw new ApiError(400, 'phone_required', '请填写手机号码（phone）', 'phone');
        if (!MOBILE.test(phone)) throw new ApiError(400, 'invalid_phone', `手机号码格式不正确：${phone}`, 'phone');
        const slot = slotById(slotId, rules);
        if (!slot) throw new ApiError(404, 'slot_not_found', `预约时段 ${slotId} 不存在`, 'slotId');
        const catalogue = await deps.catalogue.get();
        const lines = hallLines(catalogue, hall.lineLetters);
        const target =
          matter !== undefined || theme !== undefined ? lineFor(catalogue, lines, { matter, theme }) : undefined;
        if (target && target.line.code !== slot.line) {
          throw new ApiError(400, 'slot_not_of_matter', `时段 ${slotId} 不属于所选事项的业务线`, 'slotId');
        }
        if (!lines.line(slot.line)) throw new ApiError(404, 'slot_not_found', `预约时段 ${slotId} 不存在`, 'slotId');
        const now = deps.clock.now();
        if (!bookable(slot, chinaDate(now), now, rules)) {
          throw new ApiError(422, 'slot_not_bookable', '该时段已开始或超出可预约的天数', 'slotId');
        }
        const row = await deps.db.transaction(async (tx) => {
          // Misses: booked, never checked in, slot over. The limit is checked inside the transaction that books.
          const missed = await queryRows<{ ends_at: Date }>(
            tx,
            sql`SELECT ends_at FROM appointments WHERE phone = ${phone} AND status = 'booked'
                  AND ends_at <= ${new Date(now).toISOString()}`,
          );
          const barred = bookingBarredUntil(
            missed.map((m) => new Date(m.ends_at).getTime()),
            now,
            rules,
          );
          if (barred !== undefined) {
            throw new ApiError(
              422,
              'booking_barred',
              `近 ${rules.noShowDays} 天内预约未到 ${rules.noShowLimit} 次，${chinaDate(barred)} 前不能预约`,
              'phone',
            );
          }
          await tx.execute(
            sql`INSERT INTO appointment_slots (id, line, day, starts_at, ends_at, capacity)
                VALUES (${slot.id}, ${slot.line}, ${slot.date}, ${new Date(slot.startsAt).toISOString()},
                  ${new Date(slot.endsAt).toISOString()}, ${rules.capacity})
                ON CONFLICT (id) DO NOTHING`,
          );
          await tx.execute(sql`SELECT id FROM appointment_slots WHERE id = ${slot.id} FOR UPDATE`);
          const taken = await queryRows<{ phone: string }>(
            tx,
            sql`SELECT phone FROM appointments WHERE slot_id = ${slot.id} AND status <> 'cancelled'`,
          );
          if (taken.some((t) => t.phone === phone)) {
            throw new ApiError(409, 'already_booked', '该手机号码已预约此时段', 'phone');
          }
          if (taken.length >= rules.capacity) throw new ApiError(409, 'slot_full', '该时段已约满', 'slotId');
          const [inserted] = await queryRows<AppointmentRow>(
            tx,
            sql`INSERT INTO appointments (code, slot_id, line, matter, theme, day, starts_at, ends_at, phone, status,
                  created_at)
                VALUES (${newCode()}, ${slot.id}, ${slot.line}, ${target?.matter ?? null}, ${target?.theme ?? null},
                  ${slot.date}, ${new Date(slot.startsAt).toISOString()}, ${new Date(slot.endsAt).toISOString()},
                  ${phone}, 'booked', ${new Date(now).toISOString()})
                RETURNING *`,
          );
          return inserted!;
        });
        return reply.status(201).send(view(row));
      },
    );

    app.delete(
      '/appointments/:code',
      {
        config: { access: 'appointment.book', ...limited },
        schema: {
          summary: '取消预约（时段开始前规定时间内不能取消）',
          params: AppointmentParams,
          response: { 200: Appointment, ...errors(404, 409, 422) },
        },
      },
      async (request) => {
        const { code } = request.params;
        const now = deps.clock.now();
        const row = await deps.db.transaction(async (tx) => {
          const [found] = await queryRows<AppointmentRow>(
            tx,
            sql`SELECT * FROM appointments WHERE code = ${code} FOR UPDATE`,
          );
          if (!found) throw new ApiError(404, 'appointment_not_found', '预约码不存在', 'code');
          if (found.status !== 'booked') {
            throw new ApiError(409, 'appointment_not_open', '该预约已取消或已取号', 'code');
          }
          if (!cancellable({ startsAt: new Date(found.starts_at).getTime() }, now, rules)) {
            throw new ApiError(
              422,
              'cancel_too_late',
              `时段开始前 ${rules.cancelCutoffMinutes} 分钟内不能取消预约`,
              'code',
            );
          }
          const [cancelled] = await queryRows<AppointmentRow>(
            tx,
            sql`UPDATE appointments SET status = 'cancelled' WHERE code = ${code} RETURNING *`,
          );
          return cancelled!;
        });
        return view(row);
      },
    );
  };
