/**
 * The case view (api/caseView.ts): what `GET /applications/:caseNo` and every command on a case answer. Nested
 * records are the case state's own (rules/caseModel.ts); fields recorded only by older rules are optional.
 */
import Type from 'typebox';
import { AnyJson, CodeName, Day, Instant, nullable, oneOf } from './common.ts';

const CASE_STATUSES = [
  'received',
  'awaiting_supplement',
  'in_review',
  'approved',
  'partially_approved',
  'refused',
  'not_accepted',
  'withdrawn',
  'terminated',
] as const;

export const Actor = Type.Object({
  kind: Type.String(),
  id: Type.String(),
  role: Type.Optional(Type.String()),
  department: Type.Optional(Type.String()),
  window: Type.Optional(Type.String()),
  onBehalfOf: Type.Optional(Type.String()),
});

export const ApplicantView = Type.Object({
  type: oneOf(['person', 'organisation'] as const),
  name: Type.String(),
  idType: Type.Optional(Type.String()),
  idNumber: Type.String({ description: '按角色脱敏' }),
  phone: Type.Optional(Type.String()),
});

export const Deadlines = Type.Object({
  acceptanceDue: Type.Optional(Day),
  supplementDue: Type.Optional(Day),
  statutoryDue: Type.Optional(Day),
  promisedDue: Type.Optional(Day),
  deliveryDue: Type.Optional(Day),
  deficienciesDue: Type.Optional(Day),
});

export const Task = Type.Object({
  id: Type.String(),
  matter: Type.String(),
  department: Type.String(),
  departmentName: Type.String(),
  lead: Type.Boolean(),
  stage: Type.Optional(Type.Integer()),
  status: oneOf(['waiting', 'open', 'supplement_requested', 'approved', 'refused', 'cancelled'] as const),
  openedOn: Day,
  due: Day,
  decision: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  reviewerId: Type.Optional(Type.String()),
  decidedAt: Type.Optional(Instant),
  supplementRequest: Type.Optional(Type.Object({ materials: Type.Array(Type.String()), reason: Type.String() })),
  history: Type.Optional(Type.Array(Type.Object({ at: Instant, what: Type.String(), by: Type.String() }))),
});

export const Notice = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  sentAt: Instant,
  title: Type.String(),
  body: Type.String(),
  items: Type.Optional(
    Type.Array(Type.Object({ code: Type.String(), name: Type.String(), matters: Type.Array(Type.String()) })),
  ),
  results: Type.Optional(
    Type.Array(
      Type.Object({
        matter: Type.String(),
        name: Type.String(),
        outcome: Type.String(),
        reasons: Type.Array(Type.String()),
      }),
    ),
  ),
  due: Type.Optional(Day),
});

export const Extension = Type.Object({
  id: Type.String(),
  department: Type.String(),
  reason: Type.String(),
  requestedBy: Type.String(),
  status: oneOf(['requested', 'approved', 'refused'] as const),
  days: Type.Integer(),
  decidedBy: Type.Optional(Type.String()),
});

export const SpecialProcedure = Type.Object({
  id: Type.String(),
  taskId: Type.String(),
  type: Type.String(),
  expectedWorkingDays: Type.Integer(),
  reason: Type.String(),
  startedOn: Day,
  endedOn: Type.Optional(Day),
});

export const CaseCertificate = Type.Object({
  certificateNo: Type.String(),
  matter: Type.String(),
  name: Type.String(),
  holderName: Type.String(),
  holderIdNumber: Type.String(),
  issuedOn: Day,
  revoked: Type.Optional(
    Type.Object({ at: Instant, department: Type.String(), by: Type.String(), reason: Type.String() }),
  ),
});

export const Warning = Type.Object({
  deadline: Type.String(),
  level: oneOf(['yellow', 'red'] as const),
  due: Day,
  at: Type.Optional(Instant),
});

export const RatingView = Type.Object({
  level: Type.String(),
  levelName: Type.String(),
  comment: Type.Optional(Type.String()),
  channel: Type.Optional(Type.String()),
  at: Type.Optional(Instant),
  status: Type.Optional(oneOf(['valid', 'appealed', 'voided'] as const)),
  appeal: Type.Optional(
    Type.Object({
      department: Type.String(),
      reason: Type.String(),
      by: Type.String(),
      at: Instant,
      decision: Type.Optional(Type.String()),
      decisionReason: Type.Optional(Type.String()),
      decidedBy: Type.Optional(Type.String()),
      decidedAt: Type.Optional(Instant),
    }),
  ),
});

export const FollowUp = Type.Object({
  id: Type.String(),
  department: Type.String(),
  departmentName: Type.String(),
  openedOn: Day,
  due: Day,
  status: oneOf(['open', 'replied', 'cancelled'] as const),
  reply: Type.Optional(Type.Object({ text: Type.String(), by: Type.String(), on: Day })),
});

/** A file of a material, as recorded in the case's events (hash included) with its name from the files table. */
export const CaseFile = Type.Object({
  id: Type.String({ description: 'GET /files/:id 读取' }),
  sha256: Type.String(),
  contentType: Type.String({ description: 'application/pdf、image/jpeg 或 image/png' }),
  size: Type.Integer(),
  pages: Type.Optional(Type.Integer({ description: 'PDF 页数' })),
  fileName: Type.Optional(
    Type.String({ description: '上传时的文件名（按角色脱敏）；读取办件与收件、补正、核验原件的答复中提供' }),
  ),
});

/** Each material of the case's matters: whether it was handed in, its files and whether a clerk saw the original. */
export const CaseMaterial = Type.Object({
  code: Type.String(),
  name: Type.String(),
  required: Type.Boolean(),
  provided: Type.Boolean({ description: '已提交（纸质或电子）' }),
  originalSeen: Type.Boolean({ description: '原件已核' }),
  files: Type.Array(CaseFile),
});

const caseViewFields = {
  caseNo: Type.String(),
  status: oneOf(CASE_STATUSES),
  urgent: nullable(Type.Object({ reason: Type.String(), by: Type.String(), at: Instant })),
  rules: Type.Integer({ description: '收件时适用的决定规则版本' }),
  applicant: ApplicantView,
  theme: Type.Optional(CodeName),
  matters: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      outcome: oneOf(['pending', 'approved', 'refused', 'cancelled'] as const),
      departments: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), lead: Type.Boolean() })),
    }),
  ),
  materialsProvided: Type.Array(Type.String()),
  materials: Type.Array(CaseMaterial, { description: '材料清单：每项材料的电子件与原件核验' }),
  receivedAt: Instant,
  receivedBy: Type.Object({ clerkId: Type.String(), window: Type.String() }),
  firstContact: Type.Object({ clerkId: Type.String(), window: Type.String() }),
  acceptedAt: nullable(Day),
  deemedAccepted: Type.Boolean(),
  decidedAt: nullable(Instant),
  deadlines: Deadlines,
  timeliness: nullable(
    Type.Object({
      decidedOn: Day,
      statutoryDue: Type.Optional(Day),
      promisedDue: Type.Optional(Day),
      decidedOnTime: Type.Optional(Type.Boolean()),
      withinStatutoryLimit: Type.Optional(Type.Boolean()),
      sameDay: Type.Optional(Type.Boolean()),
    }),
  ),
  clock: Type.Object({
    paused: Type.Boolean(),
    pausedSince: Type.Optional(Day),
    pauseReasons: Type.Optional(Type.Array(Type.String())),
    pausedWorkingDays: Type.Optional(Type.Number()),
    extensionDays: Type.Optional(Type.Number()),
  }),
  warnings: Type.Array(Warning),
  visits: Type.Integer(),
  atMostOneVisit: Type.Boolean(),
  delivery: nullable(
    Type.Object({
      method: oneOf(['pickup', 'post'] as const),
      trackingNumber: Type.Optional(Type.String()),
      on: Day,
      by: Type.Optional(Type.String()),
    }),
  ),
  extensions: Type.Array(Extension),
  specialProcedures: Type.Array(SpecialProcedure),
  deficiencies: Type.Array(Type.String()),
  commitments: Type.Array(Type.String()),
  fromLibrary: Type.Array(Type.Object({ material: Type.String(), certificateNo: Type.String() })),
  tasks: Type.Array(Task),
  notices: Type.Array(Notice),
  certificates: Type.Array(CaseCertificate),
  reasons: Type.Array(Type.String()),
  rating: nullable(RatingView),
  followUp: nullable(FollowUp),
  lastSeq: Type.Integer(),
};

export const CaseView = Type.Object(caseViewFields, { description: '办件视图' });

/** An event of the case's record as staff read it (`GET /applications/:caseNo`). */
export const RecordedEvent = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  at: Instant,
  actor: Actor,
  data: AnyJson,
  recordedAt: Instant,
});

/** Staff also get the event log; the applicant the view alone. */
export const CaseRecord = Type.Object(
  { ...caseViewFields, events: Type.Optional(Type.Array(RecordedEvent)) },
  { description: '办件视图；工作人员另含事件日志' },
);

/** The state folded from the record up to an event or an instant (auditors). */
export const ReplayedCase = Type.Object(
  { ...caseViewFields, replayedUpTo: Type.Integer(), at: Instant },
  { description: '重放所得的办件视图' },
);

/** A row of `GET /applications`: the case list read model. */
export const CaseListRow = Type.Object({
  caseNo: Type.String(),
  status: Type.String(),
  applicantName: Type.String(),
  window: Type.String(),
  receivedAt: Instant,
  acceptedOn: nullable(Day),
  statutoryDue: nullable(Day),
  promisedDue: nullable(Day),
  urgent: Type.Boolean(),
});
