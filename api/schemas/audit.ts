/** Auditors' answers: the integrity check of a case's record and its timeline (history). */
import Type from 'typebox';
import { Notice } from './caseView.ts';
import { AnyJson, Instant, nullable, oneOf } from './common.ts';

const ChainHead = Type.Object({ seq: Type.Integer(), hash: Type.String() });

const ChainProblem = Type.Object({
  kind: Type.String(),
  seq: Type.Optional(Type.Integer()),
  message: Type.String(),
  recorded: Type.Optional(AnyJson),
  expected: Type.Optional(AnyJson),
});

const DerivationProblem = Type.Object({
  kind: Type.String(),
  seq: Type.Optional(Type.Integer()),
  field: Type.String(),
  recorded: AnyJson,
  derived: AnyJson,
  message: Type.String(),
});

const FileProblem = Type.Object({
  kind: oneOf(['file_missing', 'file_damaged'] as const),
  seq: Type.Integer({ description: '记录该文件的事件' }),
  fileId: Type.String(),
  material: Type.String(),
  sha256: Type.String(),
  message: Type.String(),
});

export const AuditProblem = Type.Object({
  source: oneOf(['chain', 'derivation', 'files'] as const),
  fileId: Type.Optional(Type.String()),
  material: Type.Optional(Type.String()),
  sha256: Type.Optional(Type.String()),
  kind: Type.String(),
  seq: Type.Optional(Type.Integer()),
  field: Type.Optional(Type.String()),
  recorded: Type.Optional(AnyJson),
  expected: Type.Optional(AnyJson),
  derived: Type.Optional(AnyJson),
  message: Type.String(),
});

export const AuditReport = Type.Object({
  caseNo: Type.String(),
  intact: Type.Boolean(),
  checkedAt: Instant,
  chain: Type.Object({
    events: Type.Integer(),
    head: nullable(ChainHead),
    headSource: nullable(oneOf(['engine', 'signed_record'] as const)),
    problems: Type.Array(ChainProblem),
  }),
  derivation: Type.Object({ problems: Type.Array(DerivationProblem) }),
  files: Type.Object({
    checked: Type.Integer({ description: '事件记录的文件数' }),
    problems: Type.Array(FileProblem),
  }),
  problems: Type.Array(AuditProblem),
});

export const HistoryEntry = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  title: Type.String(),
  at: Instant,
  recordedAt: nullable(Instant),
  actor: Type.Object({
    kind: Type.String(),
    id: Type.String(),
    role: Type.String(),
    department: Type.Optional(Type.String()),
    onBehalfOf: Type.Optional(Type.String()),
  }),
  what: Type.String(),
  basis: nullable(Type.Object({ articles: Type.Array(Type.String()), text: Type.String() })),
  notice: Type.Optional(Notice),
});

export const CaseHistory = Type.Object({ caseNo: Type.String(), entries: Type.Array(HistoryEntry) });
