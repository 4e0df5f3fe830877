/** 电子监察 and 台帐: period figures, red and yellow cards, a window's daily ledger. */
import Type from 'typebox';
import { CodeName, Day, Instant, nullable } from './common.ts';

const rate = nullable(Type.Number());

export const Figures = Type.Object({
  received: Type.Integer(),
  urgent: Type.Integer(),
  accepted: Type.Integer(),
  decided: Type.Integer(),
  approved: Type.Integer(),
  partiallyApproved: Type.Integer(),
  refused: Type.Integer(),
  withdrawn: Type.Integer(),
  notAccepted: Type.Integer(),
  terminated: Type.Integer(),
  onTime: Type.Integer(),
  onTimeRate: rate,
  withinStatutory: Type.Integer(),
  withinStatutoryRate: rate,
  overdueOpen: Type.Integer(),
  nearDueOpen: Type.Integer(),
  medianWorkingDaysToDecision: rate,
  atMostOneVisit: Type.Integer(),
  atMostOneVisitRate: rate,
  immediateDecided: Type.Integer(),
  sameDay: Type.Integer(),
  sameDayRate: rate,
  ratings: Type.Record(Type.String(), Type.Integer()),
});

const figures = Figures.properties;

export const Overview = Type.Object({
  from: Day,
  to: Day,
  asOf: Day,
  filters: Type.Object({
    department: Type.Optional(Type.String()),
    matter: Type.Optional(Type.String()),
    window: Type.Optional(Type.String()),
  }),
  totals: Figures,
  byDepartment: Type.Array(Type.Object({ department: Type.String(), name: Type.String(), ...figures })),
  byMatter: Type.Array(Type.Object({ matter: Type.String(), name: Type.String(), ...figures })),
  byWindow: Type.Array(Type.Object({ window: Type.String(), ...figures })),
  /** The open cases now (whatever the period), by status, under the same filters. */
  openByStatus: Type.Array(Type.Object({ status: Type.String(), label: Type.String(), count: Type.Integer() })),
});

export const Alerts = Type.Object({
  asOf: Day,
  red: Type.Integer(),
  yellow: Type.Integer(),
  alerts: Type.Array(
    Type.Object({
      caseNo: Type.String(),
      level: Type.String(),
      levelLabel: Type.String(),
      deadline: Type.String(),
      deadlineLabel: Type.String(),
      due: Day,
      warnedAt: Instant,
      status: Type.String(),
      statusLabel: Type.String(),
      urgent: Type.Boolean(),
      window: Type.String(),
      applicantName: Type.String(),
      matters: Type.Array(CodeName),
      heldBy: Type.Array(Type.Object({ kind: Type.String(), code: Type.String(), name: Type.String() })),
    }),
  ),
  followUps: Type.Array(
    Type.Object({
      id: Type.String(),
      caseNo: Type.String(),
      level: Type.String(),
      levelLabel: Type.String(),
      due: Day,
      ratingLevel: Type.String(),
      ratingLevelName: Type.String(),
      department: CodeName,
    }),
  ),
});

const LedgerEntry = Type.Object({
  no: Type.Integer(),
  caseNo: Type.String(),
  receivedAt: Type.String({ description: '北京时间，精确到分钟' }),
  matters: Type.Array(CodeName),
  applicantName: Type.String(),
  applicantIdNumber: Type.String({ description: '已脱敏' }),
  acceptedOn: nullable(Day),
  promisedDue: nullable(Day),
  closedOn: nullable(Day),
  status: Type.String(),
  statusLabel: Type.String(),
  visits: Type.Integer(),
  urgent: Type.Boolean(),
});

export const Ledger = Type.Object({
  window: Type.String(),
  from: Day,
  to: Day,
  title: Type.String(),
  count: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer()),
  cases: Type.Array(LedgerEntry),
});
