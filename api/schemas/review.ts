/** Departmental review: the task inbox, follow-ups (整改) of bad ratings, and the answers that add to a case. */
import Type from 'typebox';
import { CaseView, Extension, FollowUp, RatingView, SpecialProcedure } from './caseView.ts';
import { Day, nullable } from './common.ts';

/** A row of `GET /tasks`: what an inbox shows, without reading the case record. */
export const TaskRow = Type.Object({
  id: Type.String(),
  caseNo: Type.String(),
  matter: Type.String(),
  department: Type.String(),
  status: Type.String(),
  openedOn: Day,
  due: Day,
  urgent: Type.Boolean(),
  /** The case's current deadline card (黄牌 / 红牌); null without one. */
  warning: nullable(Type.String()),
  applicantName: nullable(Type.String()),
  matterName: nullable(Type.String()),
});

export const FollowUpRow = Type.Object({
  id: Type.String(),
  caseNo: Type.String(),
  department: Type.String(),
  level: Type.String(),
  levelName: Type.String(),
  openedOn: Day,
  due: Day,
  status: Type.String(),
  repliedOn: nullable(Day),
  warning: nullable(Type.String()),
});

export const SubmittedCase = Type.Object({
  caseNo: Type.String(),
  queryCode: Type.String(),
  status: Type.String(),
  case: CaseView,
});

export const RequestedExtension = Type.Object({ extension: Type.Optional(Extension), case: CaseView });

export const StartedProcedure = Type.Object({ procedure: Type.Optional(SpecialProcedure), case: CaseView });

export const RatingAnswer = Type.Object({ rating: nullable(RatingView), followUp: nullable(FollowUp) });

/** A pending extension (延期) in a department's list: what the head needs to decide it, without opening the case. */
export const PendingExtensionRow = Type.Object({
  caseNo: Type.String(),
  id: Type.String(),
  department: Type.String(),
  departmentName: Type.String(),
  reason: Type.String(),
  requestedBy: Type.String(),
  days: Type.Integer(),
  applicantName: Type.String(),
  status: Type.String({ description: '办件状态' }),
  promisedDue: nullable(Day),
  statutoryDue: nullable(Day),
  urgent: Type.Boolean(),
});

/** A rating under appeal (申诉), waiting for a supervisor's decision. */
export const AppealedRatingRow = Type.Object({
  caseNo: Type.String(),
  level: Type.String(),
  levelName: Type.String(),
  ratedOn: Day,
  comment: nullable(Type.String()),
  department: Type.String(),
  appealReason: nullable(Type.String()),
  appealedBy: nullable(Type.String()),
});
