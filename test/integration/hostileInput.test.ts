/**
 * Hostile input against every route the API publishes (GET /openapi.json: a new route is covered without touching
 * this file), with fast-check. Properties: never a 5xx; every error `{ code, message, field? }` with a string code;
 * no stack trace or SQL text in any answer; the database unchanged by every rejected request. And a valid submission
 * with random (valid) unicode in the applicant's name and the form round-trips exactly.
 *
 * Seeded: HOSTILE_SEED (default below) reproduces a run; fast-check prints the seed and the counterexample on failure.
 * HOSTILE_RUNS scales the number of requests.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { stopChild, waitUntil } from '../../infra/processes.ts';
import { spawnTs } from '../../infra/stack.ts';
import { randomUscc } from '../support/identity.ts';
import { applicationBody, caseInReview, client, newKey } from './http.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

const SEED = Number(process.env.HOSTILE_SEED ?? 20261122);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * RUNS));

// ---------------------------------------------------------------------------------------------------------------
// What the database holds. `fingerprint` is exact and cheap enough for every request: per table the row count and
// the newest row version (max xmin: any insert, update or delete moves one of them). `checksum` hashes every row.

const TABLES = [
  'cases',
  'case_events',
  'review_tasks',
  'certificates',
  'application_requests',
  'ratings',
  'follow_ups',
];

async function fingerprint(): Promise<string> {
  const parts = TABLES.map((t) => `SELECT '${t}' AS t, count(*) AS n, max(xmin::text::bigint) AS x FROM ${t}`);
  const rows = await sql.unsafe(parts.join(' UNION ALL '));
  return rows.map((r) => `${r.t}:${r.n}:${r.x}`).join(' ');
}

/** The fingerprint once two reads 60 ms apart agree (at most 3 s). */
async function settled(last: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 60));
    const next = await fingerprint();
    if (next === last) return next;
    last = next;
  }
  return last;
}

async function checksum(): Promise<string> {
  const [row] = await sql`
    SELECT
      (SELECT count(*) || ':' || coalesce(md5(string_agg(md5(c::text), '' ORDER BY c.case_no)), '')
         FROM cases c) AS cases,
      (SELECT count(*) || ':' || coalesce(md5(string_agg(md5(e::text), '' ORDER BY e.case_no, e.seq)), '')
         FROM case_events e) AS events,
      (SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.id)), '')
         FROM review_tasks t) AS tasks,
      (SELECT count(*) || ':' || coalesce(md5(string_agg(md5(x::text), '' ORDER BY x.certificate_no)), '')
         FROM certificates x) AS certificates,
      (SELECT count(*) FROM application_requests) AS requests`;
  return JSON.stringify(row);
}

// ---------------------------------------------------------------------------------------------------------------
// The answer's shape and what must never be in it.

/** A stack frame, a file of ours, or PostgreSQL's / drizzle's own words. */
const LEAKS = [
  /\n\s+at [^\n]*:\d+:\d+/,
  /node:internal|node_modules|\/work\/|\.ts:\d+/,
  /PostgresError|Failed query|syntax error at or near|violates (?:unique|foreign key|check|not-null) constraint/i,
  /invalid byte sequence for encoding|invalid input syntax for type|unsupported Unicode escape sequence/i,
  /\bERROR:\s|relation "[^"]*" does not exist|column "[^"]*" (?:does not exist|of relation)/,
  /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b[^\n]{0,80}\b(?:FROM|VALUES|SET|WHERE)\b[^\n]{0,40}"[a-z_]+"/,
];

interface Answer {
  status: number;
  text: string;
  contentType: string;
}

function checkAnswer(request: string, answer: Answer): void {
  const where = `${request} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  for (const leak of LEAKS) expect(leak.test(answer.text), `${where} (leak ${leak})`).toBe(false);
  if (answer.status >= 400) {
    expect(answer.contentType, where).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(typeof body.code, where).toBe('string');
    expect(body.code as string, where).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(typeof body.message, where).toBe('string');
    expect((body.message as string).length, where).toBeGreaterThan(0);
    if ('field' in body) expect(typeof body.field, where).toBe('string');
    expect(
      Object.keys(body).every((k) => ['code', 'message', 'field'].includes(k)),
      where,
    ).toBe(true);
  }
}

async function send(method: string, url: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${apiUrl}${url}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(60_000),
  });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get('content-type') ?? '',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Routes from the published OpenAPI document.

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

interface Route {
  method: string;
  path: string;
  params: Array<{ name: string; schema: JsonSchema }>;
  query: Array<{ name: string; schema: JsonSchema }>;
  headers: string[];
  body?: JsonSchema;
}

async function publishedRoutes(): Promise<Route[]> {
  const document = (await api.get('/openapi.json')).body as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ in: string; name: string; schema: JsonSchema }>;
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      return {
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        headers: parameters.filter((p) => p.in === 'header').map((p) => p.name),
        ...(operation.requestBody ? { body: operation.requestBody.content['application/json']?.schema ?? {} } : {}),
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Values: plausible ones from a schema, and hostile ones.

const FRAGMENTS = [
  "'; DROP TABLE cases; --",
  "' OR '1'='1",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  "$$; COPY cases TO PROGRAM 'id'; $$",
  '\\x00\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '%2e%2e%2f',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '\u202e\u200f\u200e\u2066',
  '\ufeff',
  '\uffff\ufffe',
  '😀👨‍👩‍👧‍👦🏳️‍🌈',
  '𠀀𪚥𝕏',
  'Z̵̧̛͉̈a̷l̶g̸o̴',
  '\r\n\t\u000b\u000c\u0085\u2028\u2029',
  '\u001b[31m',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e400',
  '__proto__',
  'constructor',
  '０１２３',
  'ا٣',
  ' ',
  '',
];

/** Any UTF-16 code units: lone surrogates included. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) });

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 2, maxLength: 5 }).map((x) => x.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: codeUnits },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '中', '😀', "'", '\u0000'), fc.integer({ min: 65, max: 20_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Arrays or objects nested `depth` levels: written out as text by toJson (JSON.stringify would overflow here). */
class Deep {
  constructor(
    readonly depth: number,
    readonly arrays: boolean,
  ) {}
}

const nested = fc
  .tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => new Deep(depth, arrays));

function toJson(value: unknown): string {
  if (value instanceof Deep) {
    return value.arrays
      ? `${'['.repeat(value.depth)}"x"${']'.repeat(value.depth)}`
      : `${'{"a":'.repeat(value.depth)}"x"${'}'.repeat(value.depth)}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(true, false, null, 0, -1, 2 ** 53, 1e308, -0, [], {}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
  nested,
);

/** Real values for fields of these names (departments, matters...), so that plausible requests reach the engine. */
let hints: Record<string, string[]> = {};

/** Free text (no pattern) in plausible values: friendly by default, hostile-but-valid in the engine property. */
let freeText = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', minLength, maxLength });

function fromSchema(schema: JsonSchema, name?: string): fc.Arbitrary<unknown> {
  const hinted = name ? hints[name] : undefined;
  if (hinted?.length && schema.type === 'string') {
    return fc.oneof(fc.constantFrom(...hinted), fromSchema(schema));
  }
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      const maxLength = Math.min(schema.maxLength ?? 30, 30);
      const minLength = Math.min(schema.minLength ?? 0, maxLength);
      if (schema.pattern === '^[A-Za-z0-9_.-]+$') {
        return fc.string({ unit: fc.constantFrom(...'ABCDXYZ019_.-'), minLength: Math.max(1, minLength), maxLength });
      }
      if (schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) {
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      }
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((x) => x.length <= maxLength);
      return freeText(Math.max(1, minLength), schema.maxLength ?? 30);
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, name), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s, k)])) as Record<
          string,
          fc.Arbitrary<unknown>
        >,
        { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) },
      );
      if (schema.patternProperties || (schema.additionalProperties && schema.additionalProperties !== true)) {
        return fc
          .tuple(record, fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }))
          .map(([a, b]) => ({ ...b, ...a }));
      }
      return record;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every place in a value: [] is the value itself. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...prefix, i])));
  if (value && typeof value === 'object' && !(value instanceof Deep)) {
    return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...prefix, k])));
  }
  return here;
}

function replaceAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head as string] = replaceAt(copy[head as string], rest, replacement);
  return copy;
}

/** A plausible body with one place made hostile: wrong type, hostile text, an unknown field, deep nesting. */
function mutatedBody(schema: JsonSchema, route: Route): fc.Arbitrary<unknown> {
  // A submission the rules accept, as the base of the mutations of POST /applications.
  const base =
    route.method === 'POST' && route.path === '/applications'
      ? fc.oneof(
          fromSchema(schema),
          fc.constant(null).map(() => applicationBody()),
        )
      : fromSchema(schema);
  return base.chain((valid) => {
    const places = paths(valid);
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(valid) },
      {
        weight: 6,
        arbitrary: fc.tuple(fc.constantFrom(...places), wrongType).map(([place, bad]) => replaceAt(valid, place, bad)),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom(...places), hostileString, wrongType).map(([place, key, bad]) => {
          const target = place.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k as string], valid);
          return target && typeof target === 'object' && !Array.isArray(target)
            ? replaceAt(valid, place, { ...(target as object), [key]: bad })
            : replaceAt(valid, place, bad);
        }),
      },
    );
  });
}

/** A body as sent on the wire: JSON of a value, or something that is not JSON at all, or far too big. */
interface WireBody {
  text?: string;
  contentType?: string;
}

function bodyText(schema: JsonSchema | undefined, route: Route): fc.Arbitrary<WireBody> {
  const json = (value: unknown): WireBody => ({ text: toJson(value), contentType: 'application/json' });
  return fc.oneof(
    { weight: 8, arbitrary: (schema ? mutatedBody(schema, route) : wrongType).map(json) },
    { weight: 2, arbitrary: wrongType.map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<WireBody>(
        { text: '{"a":', contentType: 'application/json' },
        { text: "{'a': 1}", contentType: 'application/json' },
        { text: '{"a":1}{"b":2}', contentType: 'application/json' },
        { text: '{"__proto__":{"polluted":true}}', contentType: 'application/json' },
        { text: '{"constructor":{"prototype":{"polluted":true}}}', contentType: 'application/json' },
        { text: '\ufeff{}', contentType: 'application/json' },
        { text: '', contentType: 'application/json' },
        { text: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
        { text: '<a>1</a>', contentType: 'application/xml' },
        { text: 'hello', contentType: 'text/plain' },
        { text: '{}', contentType: 'multipart/form-data; boundary=x' },
        { text: '{}', contentType: 'application/json; charset=latin1' },
        { text: '{}', contentType: '' },
        { text: '{}' },
        {},
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('"', '[', '{"a":')
        .map((start) => ({ text: start + 'x'.repeat(1_100_000), contentType: 'application/json' })),
    },
  );
}

/** Lone surrogates cannot be percent-encoded as UTF-8: send their CESU-8 bytes, which no decoder accepts. */
function encodePart(text: string): string {
  let out = '';
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xed, 0xa0 | ((unit >> 6) & 0x0f) | (unit >= 0xdc00 ? 0x10 : 0), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** Dates and instants at and beyond the edges of the calendar and of Date. */
const ODD_DATES = [
  '2026-11-22',
  '0000-01-01',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01',
  '2024-02-29',
  '1970-01-01T00:00:00Z',
  '2026-11-22T12:00:00+08:00',
  '2026-11-22T25:00:00+08:00',
  '2026-11-22T12:00:00+99:00',
  '+275760-09-13T00:00:00.001Z',
  '-000001-01-01T00:00:00Z',
  '2026-11-22T12:00:00',
  '2026-W47-7',
];

const RAW_SEGMENTS = ['..', '.', '%2e%2e', '..%2F..%2Fetc', '%00', 'a%00b', '%', '%zz', '%E0%A4%A', '%C0%AE', '%2F'];

interface Pools {
  caseNo: string[];
  id: string[];
  number: string[];
  code: string[];
}

function pathValue(name: string, schema: JsonSchema, pools: Pools): fc.Arbitrary<string> {
  const known = (pools as unknown as Record<string, string[]>)[name] ?? [];
  return fc.oneof(
    ...(known.length ? [{ weight: 3, arbitrary: fc.constantFrom(...known).map(encodeURIComponent) }] : []),
    { weight: 2, arbitrary: fromSchema(schema, name).map((v) => encodeURIComponent(String(v))) },
    { weight: 3, arbitrary: hostileString.map(encodePart) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 400 }).map((n) => 'S'.repeat(n)) },
  );
}

function queryString(route: Route): fc.Arbitrary<string> {
  const pair = (name: string, value: fc.Arbitrary<string>) => value.map((v) => `${encodePart(name)}=${v}`);
  const known = route.query.map((q) =>
    fc.option(
      fc.oneof(
        pair(
          q.name,
          fromSchema(q.schema, q.name).map((v) => encodePart(String(v))),
        ),
        pair(q.name, hostileString.map(encodePart)),
        pair(
          q.name,
          fc.constantFrom(
            ...RAW_SEGMENTS,
            '',
            '1e400',
            '-1',
            '0x10',
            '1.5',
            'true',
            '[]',
            '{}',
            '2147483648',
            '9223372036854775808',
          ),
        ),
      ),
      { nil: undefined },
    ),
  );
  const extra = fc.array(
    fc.oneof(
      pair('limit', fc.constantFrom('abc', '-5', '99999999999999999999', '1e400')),
      hostileString.chain((name) => pair(name, hostileString.map(encodePart))),
      ...route.query.map((q) => pair(`${q.name}[]`, fc.constant('x'))),
      ...route.query.map((q) => pair(q.name, fc.constant('dup'))),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...known), extra).map(([a, b]) => {
    const parts = [...a.filter((x): x is string => x !== undefined), ...b];
    return parts.length ? `?${parts.join('&')}` : '';
  });
}

/** Header values a client can send at all (fetch refuses control characters): printable ASCII and Latin-1. */
const headerValue = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constant(randomUUID()) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n)),
      maxLength: 40,
    }),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{6}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("' OR 1=1 --", '<script>', '../..', 'é', 'ÿ'.repeat(300), 'x'.repeat(5000)),
  },
);

function request(route: Route, pools: Pools) {
  return fc.record({
    path: fc
      .tuple(...route.params.map((p) => pathValue(p.name, p.schema, pools)))
      .map((values) => route.params.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i] ?? ''), route.path)),
    query: queryString(route),
    headers: fc.record(
      Object.fromEntries(route.headers.map((h) => [h, headerValue])) as Record<string, fc.Arbitrary<string>>,
      { requiredKeys: [] },
    ),
    body: route.method === 'GET' ? fc.constant<WireBody>({}) : bodyText(route.body, route),
  });
}

// ---------------------------------------------------------------------------------------------------------------

let routes: Route[] = [];
let pools: Pools;

beforeAll(async () => {
  routes = await publishedRoutes();
  const review = await caseInReview(api);
  const received = await api.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  const certificates = await sql<{ certificate_no: string }[]>`SELECT certificate_no FROM certificates LIMIT 3`;
  const matters = (await api.get('/matters')).body as Array<{ code: string }>;
  const catalogue = await sql<{ code: string }[]>`SELECT code FROM departments`;
  hints = {
    department: catalogue.map((d) => d.code),
    matters: matters.map((m) => m.code),
    matter: matters.map((m) => m.code),
    caseNo: [review.caseNo, received.body.caseNo as string],
    window: ['W01', 'W02'],
    holder: [(applicationBody().applicant as { idNumber: string }).idNumber],
    ...Object.fromEntries(['at', 'from', 'to', 'date', 'deficienciesDue'].map((name) => [name, ODD_DATES])),
  };
  pools = {
    caseNo: [review.caseNo, received.body.caseNo as string, 'SQ20990101000001'],
    id: [...review.tasks.map((t) => t.id), `${review.caseNo}-X-Y`],
    number: certificates.map((c) => c.certificate_no),
    code: matters.map((m) => m.code),
  };
});

describe('hostile input to every published route', () => {
  it('the published routes include the ones this suite knows of', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toContain('POST /applications');
    expect(names).toContain('POST /tasks/{id}/opinion');
    expect(names).toContain('POST /applications/{caseNo}/rating');
    expect(routes.length).toBeGreaterThan(20);
  });

  it('never a 5xx, always the error shape, no leak, the database unchanged by every rejected request', async () => {
    let before = await fingerprint();
    const seen = new Map<string, Set<number>>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((route) => fc.tuple(fc.constant(route), request(route, pools))),
        async ([route, r]) => {
          const headers = Object.fromEntries(
            Object.entries(r.headers).filter((e): e is [string, string] => e[1] !== undefined),
          );
          if (r.body.contentType !== undefined) headers['content-type'] = r.body.contentType;
          const url = r.path + r.query;
          const answer = await send(route.method, url, r.body.text, headers);
          const label = `${route.method} ${url.slice(0, 300)} body ${String(r.body.text).slice(0, 200)}`;
          checkAnswer(label, answer);
          const after = await fingerprint();
          if (answer.status >= 400) {
            expect(after, `${label}: rejected (${answer.status}) yet wrote`).toBe(before);
            before = after;
          } else {
            // accepted: what it wrote is in before the answer; settle anyway so nothing is blamed on the next request
            before = await settled(after);
          }
          const key = `${route.method} ${route.path}`;
          seen.set(key, (seen.get(key) ?? new Set()).add(answer.status));
        },
      ),
      { seed: SEED, numRuns: runs(1000), endOnFailure: true, verbose: 1 },
    );
    if (process.env.HOSTILE_STATS)
      console.log([...seen].map(([k, v]) => `${k}: ${[...v].sort().join(' ')}`).join('\n'));
    // Every route was reached (none skipped by the generator).
    expect([...seen.keys()].length).toBe(routes.length);
  });

  it('wrong methods, unknown routes and odd URLs answer in shape', async () => {
    const start = await checksum();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST', 'GET'),
        fc.constantFrom('', '/', '/extra', '/../..', '//', '/%00', '?a=%00'),
        async (route, method, suffix) => {
          const path = route.path.replace(/\{[^}]+\}/g, 'SQ20990101000001') + suffix;
          const before = await fingerprint();
          const answer = await send(method, path, method === 'GET' ? undefined : '{}', {
            'content-type': 'application/json',
          });
          checkAnswer(`${method} ${path}`, answer);
          if (answer.status >= 400) expect(await fingerprint()).toBe(before);
        },
      ),
      { seed: SEED, numRuns: runs(120), endOnFailure: true },
    );
    // nothing here can write (only reads succeed): every row hashes as before
    expect(await checksum()).toBe(start);
  });
});

describe('the framework refusals', () => {
  /** A raw HTTP/1.1 exchange: fetch cannot send what Node's parser refuses, nor read an answer to it reliably. */
  function raw(request: string): Promise<{ status: number; text: string }> {
    const { hostname, port } = new URL(apiUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(request));
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (data += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', text = ''] = data.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), text });
      });
    });
  }

  it('a request line beyond 16 KiB: 414 uri_too_long', async () => {
    const answer = await raw(`GET /applications?status=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.status).toBe(414);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'uri_too_long', field: 'url' });
  });

  it('headers beyond 16 KiB: 431 headers_too_large', async () => {
    const answer = await raw(`GET /matters HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'headers_too_large' });
  });

  it('a malformed request: 400 bad_request in shape', async () => {
    const answer = await raw('GET /matters HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'bad_request' });
  });

  it('a path parameter longer than the router takes: 414; a bad percent-encoding: 400 bad_url', async () => {
    const long = await send('GET', `/applications/${'S'.repeat(300)}`);
    expect(long.status).toBe(414);
    expect(JSON.parse(long.text)).toMatchObject({ code: 'uri_too_long', field: 'url' });
    const bad = await send('GET', '/applications/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: 'bad_url' });
  });

  it('a body over the limit: 413; not JSON: 415; a wrong method: 405 with Allow', async () => {
    const big = await send('POST', '/applications', JSON.stringify({ a: 'x'.repeat(1_100_000) }), {
      'content-type': 'application/json',
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ code: 'payload_too_large', field: 'body' });
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const answer = await send('POST', '/applications', 'x', { 'content-type': type });
      expect(answer.status, type).toBe(415);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
    }
    const response = await fetch(`${apiUrl}/matters`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed', field: 'method' });
  });

  it('NUL, lone surrogates and deep nesting: 400 naming the field, nothing written', async () => {
    const before = await fingerprint();
    const submit = (body: unknown) =>
      api.post('/applications', body, { 'idempotency-key': newKey() }).then((r) => r.body);
    const nul = applicationBody();
    (nul.applicant as Record<string, string>).name = '张\u0000三';
    expect(await submit(nul)).toMatchObject({ code: 'invalid_character', field: 'applicant.name' });
    expect(await submit(applicationBody({ form: { address: 'a\ud800' } }))).toMatchObject({
      code: 'invalid_character',
      field: 'form.address',
    });
    expect(await submit(applicationBody({ form: { 'a\u0000': 1 } }))).toMatchObject({
      code: 'invalid_character',
      field: 'form',
    });
    const deep = JSON.stringify(applicationBody({ form: { deep: 'DEEP' } })).replace(
      '"DEEP"',
      `${'['.repeat(10_000)}1${']'.repeat(10_000)}`,
    );
    expect(await submit(deep)).toMatchObject({
      code: 'too_deeply_nested',
      field: expect.stringMatching(/^form\.deep/),
    });
    expect(await fingerprint()).toBe(before);
    // A NUL in a command's text would have been accepted by the workflow and failed its recording activity for ever.
    const { caseNo } = await caseInReview(api);
    const inReview = await fingerprint();
    const reason = await api.post(`/applications/${caseNo}/withdrawal`, { reason: '撤回\u0000' });
    expect(reason.status).toBe(400);
    expect(reason.body).toMatchObject({ code: 'invalid_character', field: 'reason' });
    const query = await api.get('/applications?status=%00');
    expect(query.body).toMatchObject({ code: 'invalid_character', field: 'status' });
    expect(await fingerprint()).toBe(inReview);
  });
});

describe('plausible commands on real cases in every state', () => {
  /** Text the schemas accept but that is hostile: SQL and script fragments, RTL marks, emoji, combining marks, long. */
  const validHostile = (minLength: number, maxLength: number) =>
    fc
      .oneof(
        fc.constantFrom(...FRAGMENTS.filter((f) => !f.includes('\u0000') && !/\p{Cs}/u.test(f) && f.length > 0)),
        fc
          .array(fc.constantFrom("'; DROP TABLE cases; --", '😀', '\u202e', '中文', '<b>', ' '), {
            minLength: 1,
            maxLength: 8,
          })
          .map((x) => x.join('')),
        fc.constantFrom('理由'.repeat(1000), ' ', '\t', '😀'.repeat(500)),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map((x) => x.replaceAll('\u0000', '')),
      )
      .filter((x) => [...x].length >= minLength && [...x].length <= maxLength && x.length > 0);

  it('never a 5xx nor a hang: the engine answers every command that passes validation', async () => {
    // a received case, one in review, one approved and one delivered (its workflow about to close)
    const received = await api.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const deficient = await api.post(
      '/applications',
      applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'] }),
      { 'idempotency-key': newKey() },
    );
    const review = await caseInReview(api);
    const approved = await caseInReview(api);
    for (const task of approved.tasks) {
      await api.post(`/tasks/${task.id}/opinion`, {
        decision: 'approve',
        reviewerId: 'r-1',
        department: task.department,
      });
    }
    const delivered = await caseInReview(api);
    for (const task of delivered.tasks) {
      await api.post(`/tasks/${task.id}/opinion`, {
        decision: 'approve',
        reviewerId: 'r-1',
        department: task.department,
      });
    }
    await api.post(`/applications/${delivered.caseNo}/delivery`, { method: 'pickup', clerkId: 'clerk-01' });
    const cases = [
      received.body.caseNo as string,
      deficient.body.caseNo as string,
      review.caseNo,
      approved.caseNo,
      delivered.caseNo,
    ];
    const tasks = [...review.tasks, ...approved.tasks, ...delivered.tasks].map((t) => t.id);
    const saved = freeText;
    freeText = validHostile;
    hints = { ...hints, deficiencies: ['OWNER_CONSENT'], materials: ['OWNER_CONSENT', 'AD_DESIGN_DRAWING'] };
    // (withdrawal ends a case at once, leaving nothing for the other commands; the first property sends it)
    const commands = routes.filter(
      (r) => r.method === 'POST' && r.path !== '/applications' && !r.path.endsWith('/withdrawal'),
    );
    const outcomes = new Map<string, Set<string>>();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...commands)
            .chain((route) =>
              fc.tuple(
                fc.constant(route),
                fc.constantFrom(...cases),
                fc.constantFrom(...tasks),
                route.body ? fromSchema(route.body) : fc.constant({}),
                fc.option(fc.uuid(), { nil: undefined }),
              ),
            ),
          async ([route, caseNo, taskId, body, key]) => {
            const path = route.path
              .replace('{caseNo}', caseNo)
              .replace('{id}', route.path.startsWith('/tasks') ? taskId : 'X1')
              .replace(/\{[^}]+\}/g, 'X1');
            const started = Date.now();
            const answer = await send('POST', path, JSON.stringify(body), {
              'content-type': 'application/json',
              ...(key ? { 'idempotency-key': key } : {}),
              ...(route.headers.includes('x-query-code') ? { 'x-query-code': '000000' } : {}),
            });
            const label = `POST ${path} ${JSON.stringify(body).slice(0, 300)}`;
            checkAnswer(label, answer);
            expect(Date.now() - started, `${label}: slow`).toBeLessThan(8_000);
            const code =
              answer.status < 300 ? String(answer.status) : (JSON.parse(answer.text) as { code: string }).code;
            outcomes.set(route.path, (outcomes.get(route.path) ?? new Set()).add(code));
          },
        ),
        { seed: SEED, numRuns: runs(150), endOnFailure: true },
      );
    } finally {
      freeText = saved;
    }
    if (process.env.HOSTILE_STATS) console.log([...outcomes].map(([k, v]) => `${k}: ${[...v].join(' ')}`).join('\n'));
    // every case still answers from its workflow (none stuck on a command it accepted)
    for (const caseNo of cases.slice(0, 4)) {
      const live = await api.get(`/applications/${caseNo}/state`);
      expect(live.status, `${caseNo}: ${JSON.stringify(live.body)}`).toBe(200);
    }
  });
});

describe('dates in commands', () => {
  it('a 容缺 due date that matches YYYY-MM-DD but is not on the calendar (2027-02-30, 2099-13-45): 400, nothing written, the case not stuck', async () => {
    const submitted = await api.post(
      '/applications',
      applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'] }),
      { 'idempotency-key': newKey() },
    );
    expect(submitted.status).toBe(201);
    const caseNo = submitted.body.caseNo as string;
    const accept = (deficienciesDue: string) =>
      api.post(`/applications/${caseNo}/acceptance`, {
        decision: 'accept_with_deficiencies',
        clerkId: 'clerk-01',
        deficiencies: ['OWNER_CONSENT'],
        deficienciesDue,
      });
    const before = await fingerprint();
    const notADate = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
      .filter((date) => {
        const ms = Date.parse(`${date}T00:00:00Z`);
        const year = Number(date.slice(0, 4));
        return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date || year > 2999;
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('2027-02-30', '2099-13-45', '2028-02-30', '9999-12-31'), notADate),
        async (date) => {
          const reply = await accept(date);
          expect(reply.status, `${date}: ${JSON.stringify(reply.body)}`).toBe(400);
          expect(reply.body).toMatchObject({ code: 'invalid_date', field: 'deficienciesDue' });
        },
      ),
      { seed: SEED, numRuns: runs(30), endOnFailure: true },
    );
    expect(await fingerprint()).toBe(before);
    const accepted = await accept('2027-03-01');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.deadlines.deficienciesDue).toBe('2027-03-01');
  });
});

describe('headers, CORS and rate limits', () => {
  it('security headers on JSON and on the HTML pages; the CSP lets their inline styles and SVG work', async () => {
    const json = await fetch(`${apiUrl}/matters`);
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    expect(json.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(json.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await fetch(`${apiUrl}/certificates/ZZ-NOPE/verify`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('script-src');
    // A real certificate's print page: nothing in it that this policy would block (no script, no outside resource).
    const { tasks } = await caseInReview(api);
    for (const task of tasks) {
      await api.post(`/tasks/${task.id}/opinion`, {
        decision: 'approve',
        reviewerId: 'r-1',
        department: task.department,
      });
    }
    const [certificate] = await sql<{ certificate_no: string }[]>`
      SELECT certificate_no FROM certificates WHERE case_no = ${tasks[0]?.id.split('-')[0] ?? ''}`;
    expect(certificate).toBeDefined();
    const print = await fetch(`${apiUrl}/certificates/${certificate?.certificate_no}/print`);
    expect(print.status).toBe(200);
    expect(print.headers.get('content-security-policy')).toBe(csp);
    const html = await print.text();
    expect(html).toContain('<svg');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<iframe|\bsrc=["']?(?!data:)|url\((?!data:)|@import/i);
  });

  it('CORS is closed by default: no Access-Control-Allow-Origin, a preflight is refused in shape', async () => {
    const simple = await fetch(`${apiUrl}/matters`, { headers: { origin: 'https://evil.example' } });
    expect(simple.status).toBe(200);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${apiUrl}/applications`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(await preflight.json()).toHaveProperty('code');
  });

  it('applicant access is rate-limited per case: the 11th try within a minute is 429 rate_limited', async () => {
    const caseNo = `SQ2099${String(Date.now()).slice(-10)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const reply = await api.post(
        `/applications/${caseNo}/rating`,
        { level: 'satisfied' },
        { 'x-query-code': '000000' },
      );
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(reply.body).toMatchObject({ code: 'rate_limited' });
        expect(reply.body.message).toMatch(/请求过于频繁/);
        expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    }
    expect(statuses.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(statuses[10]).toBe(429);
    // another case from the same address is not limited by this one
    const other = await api.post(
      '/applications/SQ20990101000002/rating',
      { level: 'satisfied' },
      {
        'x-query-code': '000000',
      },
    );
    expect(other.status).toBe(404);
  });
});

describe('limits and CORS from the environment (a second API on the same stack)', () => {
  let child: ChildProcess;
  let url: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hostile-api-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawnTs(
      'server.ts',
      {
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        PORT: String(port),
        MIGRATE_ON_START: 'false',
        DATA_DIR: dataDir,
        CORS_ORIGINS: 'https://portal.example.gov.cn, https://m.example.gov.cn',
        BODY_LIMIT_BYTES: '4096',
        RATE_LIMIT_APPLICANT_PER_MINUTE: '2',
      },
      'inherit',
    );
    await waitUntil(async () => (await fetch(`${url}/health`)).status === 200, {
      what: 'API',
      child,
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    if (child) await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('CORS_ORIGINS: a listed origin is allowed (with credentials), preflight included; any other is not', async () => {
    const origin = 'https://m.example.gov.cn';
    const simple = await fetch(`${url}/matters`, { headers: { origin } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(origin);
    expect(simple.headers.get('access-control-allow-credentials')).toBe('true');
    const preflight = await fetch(`${url}/applications`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const other = await fetch(`${url}/matters`, { headers: { origin: 'https://portal.example.gov.cn.evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('BODY_LIMIT_BYTES: a body over it is 413 naming the limit', async () => {
    const answer = await send2(
      'POST',
      '/applications',
      JSON.stringify(applicationBody({ form: { x: 'x'.repeat(5000) } })),
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'payload_too_large', field: 'body' });
    expect(JSON.parse(answer.text).message).toContain('4096');
  });

  it('RATE_LIMIT_APPLICANT_PER_MINUTE: the third try on one case is 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await send2('POST', '/applications/SQ20990101000003/rating', '{"level":"satisfied"}', {
        'x-query-code': '000000',
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([404, 404, 429]);
  });

  function send2(method: string, route: string, body: string, headers: Record<string, string> = {}) {
    return fetch(`${url}${route}`, { method, body, headers: { 'content-type': 'application/json', ...headers } }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
    );
  }
});

describe('valid unicode round-trips exactly', () => {
  /** Well-formed text without NUL: any code point, emoji, RTL marks, combining characters. */
  const text = (min: number, max: number) =>
    fc
      .array(
        fc.oneof(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
          fc.constantFrom('\u202e', '\u200f', '😀', '👨‍👩‍👧', '𠀀', 'é', 'é', '\ufeff', "'", '"', '\\', '<b>', '中文'),
        ),
        { minLength: min, maxLength: max },
      )
      .map((parts) => parts.join('').replaceAll('\u0000', ''))
      .filter((s) => s.length > 0 && [...s].length <= 200);
  const formValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text(0, 4),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(text(1, 2), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  it('applicant name and form as sent, in the record and in the live state', async () => {
    await fc.assert(
      fc.asyncProperty(text(1, 20), fc.dictionary(text(1, 3), formValue, { maxKeys: 5 }), async (name, form) => {
        const body = applicationBody({
          applicant: { type: 'organisation', name, idNumber: randomUscc() },
          form,
        });
        const submitted = await api.post('/applications', body, { 'idempotency-key': newKey() });
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
        expect(submitted.body.case.applicant.name).toBe(name);
        const record = await api.get(`/applications/${submitted.body.caseNo}`);
        expect(record.body.applicant.name).toBe(name);
        const received = (record.body.events as Array<{ type: string; data: { form: unknown } }>).find(
          (e) => e.type === 'received',
        );
        expect(received?.data.form).toEqual(form);
        const live = await api.get(`/applications/${submitted.body.caseNo}/state`);
        expect(live.body.applicant.name).toBe(name);
        const [row] = await sql`SELECT applicant_name FROM cases WHERE case_no = ${submitted.body.caseNo}`;
        expect(row?.applicant_name).toBe(name);
      }),
      { seed: SEED, numRuns: runs(25), endOnFailure: true },
    );
  });
});
