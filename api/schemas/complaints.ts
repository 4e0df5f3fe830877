/** 投诉 · 咨询 answers (api/routes/complaints.ts). */
import Type from 'typebox';
import { COMPLAINT_CHANNELS, COMPLAINT_KINDS, COMPLAINT_STATUSES, COMPLAINT_SUBJECTS } from '../../rules/complaints.ts';
import { CodeName, Day, Instant, nullable, oneOf } from './common.ts';

const Warning = nullable(oneOf(['yellow', 'red'] as const, '黄牌：临近答复期限；红牌：已超期未答复'));

export const FiledComplaint = Type.Object({
  number: Type.String({ description: '投诉 / 咨询编号：凭编号与联系电话查询答复' }),
  due: Day,
  kind: oneOf(COMPLAINT_KINDS),
  /** Who answers: the department, or null for the centre (supervisors). */
  department: nullable(CodeName),
});

export const ComplaintRow = Type.Object({
  number: Type.String(),
  kind: oneOf(COMPLAINT_KINDS),
  kindLabel: Type.String(),
  channel: oneOf(COMPLAINT_CHANNELS),
  channelLabel: Type.String(),
  subject: oneOf(COMPLAINT_SUBJECTS),
  subjectLabel: Type.String(),
  text: Type.String(),
  caseNo: nullable(Type.String()),
  department: nullable(CodeName),
  window: nullable(Type.String()),
  phone: nullable(Type.String()),
  filedBy: nullable(Type.String()),
  filedAt: Instant,
  filedOn: Day,
  due: Day,
  status: oneOf(COMPLAINT_STATUSES),
  statusLabel: Type.String(),
  warning: Warning,
  reply: nullable(Type.String()),
  repliedBy: nullable(Type.String()),
  repliedOn: nullable(Day),
  answeredInTime: nullable(Type.Boolean()),
});

/** What the person who filed it sees, by number and phone: no staff names. */
export const ComplaintAnswer = Type.Object({
  number: Type.String(),
  kind: oneOf(COMPLAINT_KINDS),
  kindLabel: Type.String(),
  text: Type.String(),
  filedOn: Day,
  due: Day,
  status: oneOf(COMPLAINT_STATUSES),
  statusLabel: Type.String(),
  reply: nullable(Type.String()),
  repliedOn: nullable(Day),
});

/** A complaint about a case beside its timeline (not an event of the case's record). */
export const CaseComplaint = Type.Object({
  number: Type.String(),
  kind: oneOf(COMPLAINT_KINDS),
  kindLabel: Type.String(),
  filedAt: Instant,
  text: Type.String(),
  status: oneOf(COMPLAINT_STATUSES),
  statusLabel: Type.String(),
  reply: nullable(Type.String()),
  repliedOn: nullable(Day),
});

const Figures = Type.Object({
  total: Type.Integer(),
  complaints: Type.Integer(),
  consultations: Type.Integer(),
  answered: Type.Integer(),
  answeredInTime: Type.Integer(),
  inTimeRate: nullable(Type.Number({ description: '按时答复数 ÷（已答复数 + 超期未答复数）；无可计者为 null' })),
  openOverdue: Type.Integer(),
  bySubject: Type.Object({
    case: Type.Integer(),
    department: Type.Integer(),
    window: Type.Integer(),
    centre: Type.Integer(),
  }),
});

export const ComplaintFiguresAnswer = Type.Object({
  from: Day,
  to: Day,
  asOf: Day,
  totals: Figures,
  byDepartment: Type.Array(Type.Object({ department: nullable(CodeName), ...Figures.properties })),
});
