/** The hall: tickets (取号 · 叫号), the call board, appointments (预约) and the queue figures. */
import Type from 'typebox';
import { Day, InstantValue, nullable, oneOf } from './common.ts';

const strict = { additionalProperties: false } as const;
const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const caseNo = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
/** A ticket number of today: a line's letter and three or more digits (A023). */
const ticketNumber = Type.String({ minLength: 4, maxLength: 7, pattern: '^[A-Z][0-9]{3,6}$' });
const windowCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** An appointment's confirmation code: 8 letters and digits without the look-alikes (0/O, 1/I). */
const appointmentCode = Type.String({ minLength: 8, maxLength: 8, pattern: '^[A-HJ-NP-Z2-9]{8}$' });

// ---- requests

export const TakeTicketBody = Type.Object(
  {
    matter: Type.Optional(code),
    theme: Type.Optional(code),
    appointmentCode: Type.Optional(appointmentCode),
    /** 老弱病残孕 and the like: the hall's guide sets it at the kiosk. */
    priority: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const TicketParams = Type.Object({ number: ticketNumber }, strict);
export const ServedBody = Type.Object({ caseNos: Type.Array(caseNo, { maxItems: 20, uniqueItems: true }) }, strict);
export const TransferBody = Type.Object({ window: windowCode }, strict);

export const SlotsQuery = Type.Object(
  {
    matter: Type.Optional(code),
    theme: Type.Optional(code),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  },
  strict,
);

export const BookBody = Type.Object(
  {
    slotId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Z_]+\\.\\d{4}-\\d{2}-\\d{2}\\.\\d{4}$' }),
    /** A mainland mobile number: applicants have no accounts, the phone number is who booked. */
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    matter: Type.Optional(code),
    theme: Type.Optional(code),
  },
  strict,
);

export const AppointmentParams = Type.Object({ code: appointmentCode }, strict);

export const QueuePeriodQuery = Type.Object(
  {
    from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  },
  strict,
);

// ---- answers

export const TakenTicket = Type.Object({
  number: Type.String({ description: '票号，如 A023' }),
  ahead: Type.Integer({ description: '前面等候的人数' }),
  estimatedWaitMinutes: Type.Integer({ description: '预计等候分钟数' }),
  line: Type.String(),
  lineName: Type.String(),
  takenAt: InstantValue,
  priority: Type.Boolean(),
  appointment: Type.Boolean({ description: '按预约时段到场取号（优先叫号）' }),
  date: Day,
});

export const Ticket = Type.Object({
  number: Type.String(),
  date: Day,
  line: Type.String(),
  matter: nullable(Type.String()),
  theme: nullable(Type.String()),
  priority: Type.Boolean(),
  appointment: Type.Boolean(),
  status: oneOf(['waiting', 'called', 'served', 'no_show'] as const),
  window: nullable(Type.String()),
  transferredTo: nullable(Type.String()),
  callCount: Type.Integer(),
  takenAt: InstantValue,
  calledAt: nullable(InstantValue),
  servedAt: nullable(InstantValue),
  noShowAt: nullable(InstantValue),
  caseNos: Type.Array(Type.String()),
});

export const WindowQueue = Type.Object({
  window: Type.String(),
  current: nullable(Ticket),
  waiting: Type.Integer({ description: '本窗口可叫的等候人数' }),
  callsBeforeNoShow: Type.Integer(),
});

export const BoardCall = Type.Object({
  number: Type.String(),
  window: Type.String(),
  calledAt: InstantValue,
  callCount: Type.Integer(),
  status: Type.String(),
  announcement: Type.String({ description: '语音播报的文字' }),
});

export const Board = Type.Object({
  date: Day,
  calls: Type.Array(BoardCall),
  waiting: Type.Array(
    Type.Object({ line: Type.String(), letter: Type.String(), name: Type.String(), waiting: Type.Integer() }),
  ),
});

export const Slot = Type.Object({
  id: Type.String(),
  line: Type.String(),
  date: Day,
  startsAt: InstantValue,
  endsAt: InstantValue,
  capacity: Type.Integer(),
  remaining: Type.Integer(),
  bookable: Type.Boolean(),
});

export const Appointment = Type.Object({
  code: Type.String({ description: '预约码：到大厅取号机输入' }),
  slotId: Type.String(),
  line: Type.String(),
  matter: nullable(Type.String()),
  theme: nullable(Type.String()),
  date: Day,
  startsAt: InstantValue,
  endsAt: InstantValue,
  status: oneOf(['booked', 'cancelled', 'checked_in'] as const),
});

const minutes = nullable(Type.Number());

const QueueFigureFields = {
  tickets: Type.Integer(),
  called: Type.Integer(),
  waitP50Minutes: minutes,
  waitP90Minutes: minutes,
  withinTargetShare: nullable(Type.Number({ description: '等候不超过 10 分钟的比例（已叫号者中）' })),
  served: Type.Integer(),
  serviceP50Minutes: minutes,
  serviceMeanMinutes: minutes,
  noShows: Type.Integer(),
};

export const QueueFigures = Type.Object({
  from: Day,
  to: Day,
  targetWaitMinutes: Type.Integer(),
  total: Type.Object(QueueFigureFields),
  days: Type.Array(
    Type.Object({
      date: Day,
      ...QueueFigureFields,
      appointmentsBooked: Type.Integer(),
      appointmentsKept: Type.Integer(),
      hours: Type.Array(Type.Object({ hour: Type.Integer(), ...QueueFigureFields })),
      windows: Type.Array(Type.Object({ window: Type.String(), served: Type.Integer(), serviceMeanMinutes: minutes })),
    }),
  ),
});
