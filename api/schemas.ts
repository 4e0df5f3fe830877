/**
 * Request schemas (Fastify validates every request against them) and, from api/schemas/, the answers each route
 * declares; both are published as OpenAPI and the web app takes its types from them.
 */
import Type from 'typebox';
import { SPECIAL_PROCEDURE_TYPES } from '../rules/caseDecisions.ts';
import { ID_TYPES } from '../rules/identity.ts';

const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
/** The applicant's query code (查询码), when the applicant acts without an account; or the X-Query-Code header. */
const queryCode = Type.String({ minLength: 1, maxLength: 16 });
const strict = { additionalProperties: false } as const;
const channel = Type.Union([Type.Literal('window'), Type.Literal('online'), Type.Literal('post')]);
const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const reason = Type.String({ minLength: 1, maxLength: 2000 });
/** A file's id as `POST /files` answered it; any other string is answered 422 `file_not_found` naming the entry. */
const fileId = Type.String({ minLength: 1, maxLength: 64 });

/**
 * A material handed in: its code alone (paper at the window, the older form), or the code with the files scanned or
 * uploaded for it and, at the window, whether the clerk saw the original (原件已核).
 */
export const MaterialEntry = Type.Object(
  {
    code,
    files: Type.Optional(Type.Array(fileId, { maxItems: 20, uniqueItems: true })),
    originalSeen: Type.Optional(Type.Boolean()),
  },
  strict,
);
const materials = Type.Array(Type.Union([code, MaterialEntry]), { maxItems: 200 });

export const Applicant = Type.Object(
  {
    type: Type.Union([Type.Literal('person'), Type.Literal('organisation')]),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    /** Default: 居民身份证 for a person, 统一社会信用代码 for an organisation (rules/identity.ts checks the number). */
    idType: Type.Optional(Type.Union(ID_TYPES.map((t) => Type.Literal(t)))),
    idNumber: Type.String({ minLength: 4, maxLength: 40 }),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  strict,
);

export const SubmitApplicationBody = Type.Object(
  {
    matters: Type.Optional(Type.Array(code, { minItems: 1, maxItems: 20, uniqueItems: true })),
    theme: Type.Optional(code),
    applicant: Applicant,
    materials,
    commitments: Type.Optional(Type.Array(code, { maxItems: 200 })),
    channel: Type.Optional(channel),
    form: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  strict,
);

export const AcceptanceBody = Type.Object(
  {
    decision: Type.Union([
      Type.Literal('accept'),
      Type.Literal('reject'),
      Type.Literal('supplement'),
      Type.Literal('accept_with_deficiencies'),
    ]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    deficiencies: Type.Optional(Type.Array(code, { minItems: 1, maxItems: 200 })),
    deficienciesDue: Type.Optional(isoDate),
  },
  strict,
);

export const SupplementBody = Type.Object(
  {
    materials,
    commitments: Type.Optional(Type.Array(code, { maxItems: 200 })),
    channel: Type.Optional(channel),
    queryCode: Type.Optional(queryCode),
  },
  strict,
);

export const OpinionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse'), Type.Literal('supplement')]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    materials: Type.Optional(Type.Array(code, { minItems: 1, maxItems: 200 })),
  },
  strict,
);

export const CaseNoParams = Type.Object({ caseNo: code }, strict);
/** An applicant reading their case may give the query code as `?queryCode=` instead of the X-Query-Code header. */
export const CaseReadQuery = Type.Object({ queryCode: Type.Optional(queryCode) }, strict);
export const CodeParams = Type.Object({ code }, strict);
export const CaseMaterialParams = Type.Object({ caseNo: code, code }, strict);
/** 原件已核 later than the submission: nothing to say beyond the material in the path. */
export const OriginalSeenBody = Type.Object({}, strict);
export const TaskParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

export const TaskQuery = Type.Object(
  {
    department: Type.Optional(code),
    status: Type.Optional(
      Type.Union(
        ['waiting', 'open', 'supplement_requested', 'approved', 'refused', 'cancelled'].map((s) => Type.Literal(s)),
      ),
    ),
    caseNo: Type.Optional(code),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  'x-query-code': Type.Optional(queryCode),
});

export type Static<T extends Type.TSchema> = Type.Static<T>;

export const WithdrawalBody = Type.Object(
  { reason: Type.Optional(reason), queryCode: Type.Optional(queryCode) },
  strict,
);

export const ExtensionRequestBody = Type.Object({ department: code, reason }, strict);

export const ExtensionApprovalBody = Type.Object(
  { decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]) },
  strict,
);

export const ExtensionParams = Type.Object({ caseNo: code, id: Type.String({ minLength: 1, maxLength: 100 }) }, strict);

export const SpecialProcedureBody = Type.Object(
  {
    type: Type.Union(SPECIAL_PROCEDURE_TYPES.map((t) => Type.Literal(t))),
    expectedWorkingDays: Type.Integer({ minimum: 1, maximum: 365 }),
    reason,
  },
  strict,
);

export const SpecialProcedureParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }), procedureId: Type.String({ minLength: 1, maxLength: 100 }) },
  strict,
);

export const SpecialProcedureEndBody = Type.Object({}, strict);

/** 急办件: a supervisor marks a case urgent, with the reason. */
export const UrgentBody = Type.Object({ reason }, strict);

export const DeliveryBody = Type.Object(
  {
    method: Type.Union([Type.Literal('pickup'), Type.Literal('post')]),
    trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);

// The answers: success schemas by domain, and the one error shape.
export * from './schemas/responses.ts';
export * from './schemas/caseView.ts';
export * from './schemas/catalogue.ts';
export * from './schemas/staff.ts';
export * from './schemas/review.ts';
export * from './schemas/supervision.ts';
export * from './schemas/audit.ts';
export * from './schemas/certificates.ts';
export * from './schemas/files.ts';
