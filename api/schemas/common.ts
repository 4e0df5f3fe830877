/** Small building blocks of the response schemas. */
import Type, { type TSchema } from 'typebox';

/**
 * A string from a known set, typed as that set. Serialized as a plain string: a value recorded by older rules still
 * goes out as it was recorded instead of failing the answer.
 */
export const oneOf = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A calendar date, YYYY-MM-DD (China date). */
export const Day = Type.String({ description: 'YYYY-MM-DD' });
/** An instant, ISO 8601. */
export const Instant = Type.String({ description: 'ISO 8601 时刻' });
/** An instant read from PostgreSQL as a Date: sent as ISO 8601 all the same. */
export const InstantValue = Type.Unsafe<string | Date>({ type: 'string', format: 'date-time' });

export const CodeName = Type.Object({ code: Type.String(), name: Type.String() });

/** A JSON value the API passes through whole (a case's form, an event's data). */
export const AnyJson = Type.Unknown();
