/** Request schemas: Fastify validates every request against them and publishes them as OpenAPI. */
import Type from 'typebox';

const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const actorId = Type.String({ minLength: 1, maxLength: 64 });
const strict = { additionalProperties: false } as const;

export const Applicant = Type.Object(
  {
    type: Type.Union([Type.Literal('person'), Type.Literal('organisation')]),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    idNumber: Type.String({ minLength: 4, maxLength: 40 }),
  },
  strict,
);

export const SubmitApplicationBody = Type.Object(
  {
    matters: Type.Optional(Type.Array(code, { minItems: 1, maxItems: 20, uniqueItems: true })),
    theme: Type.Optional(code),
    applicant: Applicant,
    materials: Type.Array(code, { maxItems: 200 }),
    form: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    receivedBy: Type.Object({ clerkId: actorId, window: Type.String({ minLength: 1, maxLength: 64 }) }, strict),
  },
  strict,
);

export const AcceptanceBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('accept'), Type.Literal('reject'), Type.Literal('supplement')]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    clerkId: actorId,
  },
  strict,
);

export const SupplementBody = Type.Object(
  {
    materials: Type.Array(code, { minItems: 1, maxItems: 200 }),
    actorId: Type.Optional(actorId),
  },
  strict,
);

export const OpinionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    reviewerId: actorId,
    department: Type.Optional(code),
  },
  strict,
);

export const CaseNoParams = Type.Object({ caseNo: code }, strict);
export const CodeParams = Type.Object({ code }, strict);
export const TaskParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

export const TaskQuery = Type.Object(
  {
    department: Type.Optional(code),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('approved'), Type.Literal('refused'), Type.Literal('cancelled')]),
    ),
    caseNo: Type.Optional(code),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export type Static<T extends Type.TSchema> = Type.Static<T>;
