/**
 * Hostile input against every route the API publishes (GET /openapi.json: a new route is covered without touching
 * this file), with fast-check. Properties: never a 5xx; every error `{ code, message, field? }` with a string code;
 * no stack trace or SQL text in any answer; the database unchanged by every rejected request; every status received,
 * in the hostile run and in the walk of each route as each role, is one the document declares for that operation
 * (the contract: /openapi.json names every answer a client can get). And a valid submission
 * with random (valid) unicode in the applicant's name and the form round-trips exactly.
 *
 * Each request is sent by someone the route lets in, so that it reaches the route's validation and rules rather than
 * stopping at the role check: who that is comes from the running API (probed per route with each role's demo user
 * and with nobody) and must be a row of `ACCESS` (rules/access.ts); public and applicant routes also get anonymous
 * requests. No hostile request may be refused by the role check itself.
 *
 * Seeded: HOSTILE_SEED (default below) reproduces a run; fast-check prints the seed and the counterexample on failure.
 * HOSTILE_RUNS scales the number of requests.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
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
import { ACCESS, ROLES, type Access, type Role } from '../../rules/access.ts';
import { randomUscc } from '../support/identity.ts';
import { applicationBody, caseInReview, client, DEMO_PASSWORD, login, newKey } from './http.ts';
import { uniqueScan } from './materialUploads.ts';
import { upload } from './uploadClient.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
const clerk = api.as('clerk1');
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(async () => {
  await restoreAccountsAndCatalogue();
  await sql.end();
});

const SEED = Number(process.env.HOSTILE_SEED ?? 20261122);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * RUNS));
const AD_CODES = [
  'OUTDOOR_AD_APPLICATION',
  'BUSINESS_LICENCE',
  'AD_DESIGN_DRAWING',
  'OWNER_CONSENT',
  'AD_STRUCTURE_SAFETY',
];

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
  'complaints',
  'matters',
  'users',
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
  headers?: http.IncomingHttpHeaders;
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

let addresses = 0;

/**
 * A loopback address no request used before. The API limits wrong query codes and failed logins per client address
 * (15 minutes) and applicant requests per address and case: hostile requests each come from an address of their own,
 * so they never lock out 127.0.0.1, which the rest of the suite shares, nor each other.
 */
function freshAddress(): string {
  addresses++;
  return `127.77.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`;
}

/**
 * One request as fetch would send it (the URL normalised the same way, a string body without a type as text/plain),
 * from the local address `from`.
 */
function send(
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {},
  from = '127.0.0.1',
): Promise<Answer> {
  const target = new URL(`${apiUrl}${url}`);
  const wire: Record<string, string> = { ...headers };
  if (body !== undefined) {
    if (!Object.keys(wire).some((h) => h.toLowerCase() === 'content-type')) {
      wire['content-type'] = 'text/plain;charset=UTF-8';
    }
    wire['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: target.pathname + target.search,
        headers: wire,
        localAddress: from,
        agent: false,
        timeout: 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            contentType: response.headers['content-type'] ?? '',
            headers: response.headers,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Who sends each request: a demo user of a role the route lets in (rules/access.ts `ACCESS`), or nobody (public and
// applicant routes).

type Identity = Role | 'anonymous';

/** Who may reach a route: these roles, and anonymous callers (public routes, and applicants with a query code). */
interface Reach {
  roles: Role[];
  anonymous: boolean;
}

const reachOf = (access: Access): Reach => ({
  roles: access.public || access.session ? [...ROLES] : ROLES.filter((r) => access.roles?.includes(r)),
  anonymous: access.public === true || access.applicant === true,
});

const sameReach = (a: Reach, b: Reach) => a.anonymous === b.anonymous && a.roles.join() === b.roles.join();

/** The department codes of the catalogue (filled in beforeAll), longest first: DISTRICT_HRSS before HRSS. */
let departments: string[] = [];

/** The demo user of a role; reviewers and heads of the department the request names (a task id, a body field). */
function userFor(role: Role, request = ''): string {
  if (role === 'reviewer' || role === 'head') {
    return `${role}.${departments.find((d) => request.includes(d)) ?? 'TRAFFIC_POLICE'}`;
  }
  return { clerk: 'clerk1', supervisor: 'supervisor1', auditor: 'auditor1', admin: 'admin1' }[role];
}

/** A session of its own (not the shared one): for the routes that end the session they are sent with. */
async function freshToken(username: string): Promise<string> {
  const answer = await send(
    'POST',
    '/auth/login',
    JSON.stringify({ username, password: DEMO_PASSWORD }),
    { 'content-type': 'application/json' },
    freshAddress(),
  );
  expect(answer.status, `login ${username}: ${answer.text}`).toBe(200);
  return (JSON.parse(answer.text) as { token: string }).token;
}

/** The authorization header of `who` for a request to `route` (`request`: its path and body, to pick a department). */
async function credentials(route: Route, who: Identity, request = ''): Promise<Record<string, string>> {
  if (who === 'anonymous') return {};
  const username = userFor(who, request);
  const token =
    route.reach.roles.length === ROLES.length && !route.reach.anonymous
      ? await freshToken(username) // `auth.session` (logout, me): a request may end it
      : await login(apiUrl, username);
  return { authorization: `Bearer ${token}` };
}

function identity(route: Route): fc.Arbitrary<Identity> {
  const { roles, anonymous } = route.reach;
  return fc.oneof(
    ...roles.map((role) => ({ weight: 1, arbitrary: fc.constant<Identity>(role) })),
    // anonymous as often as all the roles together: public and applicant routes are hostile ground first
    ...(anonymous ? [{ weight: Math.max(1, roles.length), arbitrary: fc.constant<Identity>('anonymous') }] : []),
  );
}

/**
 * Whether the answer came from a route at all: a path value such as `.` or `..` is normalised by the URL into another
 * path, which no route or another route's method answers (404 route_not_found, 405 method_not_allowed).
 */
function reachedRoute(answer: Answer): boolean {
  if (answer.status !== 404 && answer.status !== 405) return true;
  const code = (JSON.parse(answer.text) as { code?: string }).code;
  return code !== 'route_not_found' && code !== 'method_not_allowed';
}

/** An answer of the role check itself (api/auth/guard.ts), as opposed to a route's own 401/403. */
function refusedByGuard(answer: Answer): string | undefined {
  if (answer.status !== 401 && answer.status !== 403) return undefined;
  const body = JSON.parse(answer.text) as { code: string; field?: string };
  if (body.code === 'authentication_required' || body.code === 'session_expired') return body.code;
  if (body.code === 'forbidden' && body.field === undefined) return body.code;
  return undefined;
}

/**
 * Who the running API lets into a route, probed with a body no route can parse (so an allowed request stops at 400
 * before any handler): each role's demo user, and nobody. It must be one row of `ACCESS`: a route whose access
 * matches none fails here, named.
 */
async function probeReach(route: Route): Promise<Reach> {
  const path = route.path.replace(/\{[^}]+\}/g, 'PROBE-0');
  const body = route.method === 'GET' ? undefined : '{';
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const roles: Role[] = [];
  for (const role of ROLES) {
    const token = await login(apiUrl, userFor(role));
    const answer = await send(
      route.method,
      path,
      body,
      { ...headers, authorization: `Bearer ${token}` },
      freshAddress(),
    );
    const refused = refusedByGuard(answer);
    expect(refused, `${route.method} ${route.path} as ${role}`).not.toBe('session_expired');
    expect(route.declared, `${route.method} ${route.path} as ${role}: ${answer.status} not in /openapi.json`).toContain(
      String(answer.status),
    );
    if (!refused) roles.push(role);
  }
  const asNobody = await send(route.method, path, body, headers, freshAddress());
  expect(
    route.declared,
    `${route.method} ${route.path} anonymously: ${asNobody.status} not in /openapi.json`,
  ).toContain(String(asNobody.status));
  const anonymous = !refusedByGuard(asNobody);
  const reach = { roles, anonymous };
  const actions = Object.entries(ACCESS as Record<string, Access>)
    .filter(([, access]) => sameReach(reachOf(access), reach))
    .map(([action]) => action);
  expect(actions, `${route.method} ${route.path}: reached by ${JSON.stringify(reach)}, no row of ACCESS`).not.toEqual(
    [],
  );
  return reach;
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
  /** Who may send it: from the running API, checked against `ACCESS` (probeReach). */
  reach: Reach;
  params: Array<{ name: string; schema: JsonSchema }>;
  query: Array<{ name: string; schema: JsonSchema }>;
  headers: string[];
  body?: JsonSchema;
  /** The statuses the document declares for this operation. */
  declared: string[];
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
          responses?: Record<string, unknown>;
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
        reach: { roles: [], anonymous: false },
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        headers: parameters.filter((p) => p.in === 'header').map((p) => p.name),
        declared: Object.keys(operation.responses ?? {}),
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
  /** The query codes of the cases in `caseNo`: an applicant's header reaches the case itself now and then. */
  queryCode: string[];
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
      Object.fromEntries(
        route.headers.map((h) => [
          h,
          h === 'x-query-code' ? fc.oneof(headerValue, fc.constantFrom(...pools.queryCode)) : headerValue,
        ]),
      ) as Record<string, fc.Arbitrary<string>>,
      { requiredKeys: [] },
    ),
    body: route.method === 'GET' ? fc.constant<WireBody>({}) : bodyText(route.body, route),
    who: identity(route),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts and the catalogue: admins may change them (POST /users, PATCH /matters/{code}), and the hostile requests
// are sent with an admin's session. They are put back as they were after this file, for the files after it.

let accountsBefore: unknown[] | undefined;
let mattersBefore: unknown[] | undefined;

async function snapshotAccountsAndCatalogue() {
  accountsBefore = (await sql`SELECT to_jsonb(u) AS row FROM users u`).map((r) => r.row);
  mattersBefore = (await sql`SELECT to_jsonb(m) AS row FROM matters m`).map((r) => r.row);
}

async function restoreAccountsAndCatalogue() {
  if (!accountsBefore || !mattersBefore) return;
  const users = sql.json(accountsBefore as postgres.JSONValue);
  const restoreUsers = async () => {
    await sql`DELETE FROM sessions WHERE username NOT IN (SELECT username FROM jsonb_populate_recordset(null::users, ${users}))`;
    await sql`DELETE FROM users WHERE username NOT IN (SELECT username FROM jsonb_populate_recordset(null::users, ${users}))`;
    await sql`UPDATE users u SET display_name = b.display_name, role = b.role, "window" = b."window",
                department = b.department, password_hash = b.password_hash, backup = b.backup, away = b.away,
                active = b.active
              FROM jsonb_populate_recordset(null::users, ${users}) b
              WHERE u.username = b.username AND to_jsonb(u) <> to_jsonb(b)`;
  };
  await restoreUsers();
  const matters = sql.json(mattersBefore as postgres.JSONValue);
  const restoreMatters = () =>
    sql`UPDATE matters m SET definition = b.definition, catalogue_version = b.catalogue_version
        FROM jsonb_populate_recordset(null::matters, ${matters}) b
        WHERE m.code = b.code AND to_jsonb(m) <> to_jsonb(b)`;
  if ((await restoreMatters()).count > 0) {
    // The API keeps the catalogue in memory for a while; only a change through it drops that copy. Change one matter
    // (from the copy, possibly stale), then put the table back again: the next read fetches the original.
    const [{ code }] = (await sql`SELECT code FROM matters ORDER BY code LIMIT 1`) as unknown as [{ code: string }];
    const touched = await api.as('admin1').patch(`/matters/${code}`, {});
    expect(touched.status, JSON.stringify(touched.body)).toBe(200);
    await restoreMatters();
  }
  const rows = async (table: 'users' | 'matters') =>
    (await sql`SELECT to_jsonb(t) AS row FROM ${sql(table)} t`).map((r) => JSON.stringify(r.row)).sort();
  expect(await rows('users')).toEqual(accountsBefore.map((r) => JSON.stringify(r)).sort());
  expect(await rows('matters')).toEqual(mattersBefore.map((r) => JSON.stringify(r)).sort());
}

// ---------------------------------------------------------------------------------------------------------------

let routes: Route[] = [];
let pools: Pools;

beforeAll(async () => {
  await snapshotAccountsAndCatalogue();
  const catalogue = await sql<{ code: string }[]>`SELECT code FROM departments`;
  departments = catalogue.map((d) => d.code).sort((a, b) => b.length - a.length);
  routes = await publishedRoutes();
  for (const route of routes) route.reach = await probeReach(route);
  const review = await caseInReview(api);
  const received = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  const certificates = await sql<{ certificate_no: string }[]>`SELECT certificate_no FROM certificates LIMIT 3`;
  const matters = (await api.get('/matters')).body as Array<{ code: string }>;
  const codes = await sql<{ query_code: string }[]>`
    SELECT query_code FROM cases WHERE case_no IN ${sql([review.caseNo, received.body.caseNo as string])}`;
  // Files for the `{code, files}` materials: the clerk's own, another clerk's, and one already attached to a case.
  const fileIds: string[] = [];
  for (const user of ['clerk2', 'clerk1', 'clerk1']) {
    const uploaded = await upload(apiUrl, uniqueScan(), { token: await login(apiUrl, user) });
    fileIds.push(uploaded.json.id as string);
  }
  const attached = await clerk.post(
    '/applications',
    applicationBody({ materials: [{ code: 'OUTDOOR_AD_APPLICATION', files: [fileIds.pop()!] }] }),
    { 'idempotency-key': newKey() },
  );
  fileIds.push(attached.body.case.materials[0].files[0].id as string, 'AAAAAAAAAAAAAAAAAAAAAA', '../../etc/passwd');
  hints = {
    files: fileIds,
    code: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT', 'AD_STRUCTURE_SAFETY'],
    department: catalogue.map((d) => d.code),
    matters: matters.map((m) => m.code),
    matter: matters.map((m) => m.code),
    caseNo: [review.caseNo, received.body.caseNo as string],
    window: ['W01', 'W02'],
    queryCode: codes.map((c) => c.query_code),
    holder: [(applicationBody().applicant as { idNumber: string }).idNumber],
    ...Object.fromEntries(['at', 'from', 'to', 'date', 'deficienciesDue'].map((name) => [name, ODD_DATES])),
  };
  pools = {
    caseNo: [review.caseNo, received.body.caseNo as string, 'SQ20990101000001'],
    id: [...review.tasks.map((t) => t.id), `${review.caseNo}-X-Y`],
    number: certificates.map((c) => c.certificate_no),
    code: matters.map((m) => m.code),
    queryCode: codes.map((c) => c.query_code),
  };
});

describe('hostile input to every published route', () => {
  it('the published routes include the ones this suite knows of', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toContain('POST /applications');
    expect(names).toContain('POST /tasks/{id}/opinion');
    expect(names).toContain('POST /applications/{caseNo}/rating');
    expect(names).toContain('POST /queue/tickets');
    expect(names).toContain('POST /appointments');
    expect(routes.length).toBeGreaterThan(20);
    // who may send them, as probed (beforeAll) and as ACCESS has it
    const reach = (name: string) => routes.find((r) => `${r.method} ${r.path}` === name)?.reach;
    expect(reach('POST /applications')).toEqual(reachOf(ACCESS['case.submit']));
    expect(reach('POST /tasks/{id}/opinion')).toEqual(reachOf(ACCESS['task.act']));
    expect(reach('POST /applications/{caseNo}/rating')).toEqual({ roles: [], anonymous: true });
    expect(reach('GET /matters')?.anonymous).toBe(true);
    // complaints, disclosure and the extension list are walked like every other route
    expect(reach('POST /complaints')).toEqual(reachOf(ACCESS['complaint.file']));
    expect(reach('GET /complaints/{number}')).toEqual(reachOf(ACCESS['complaint.lookup']));
    expect(reach('POST /complaints/{number}/reply')).toEqual(reachOf(ACCESS['complaint.reply']));
    expect(reach('GET /complaints')).toEqual(reachOf(ACCESS['complaint.list']));
    expect(reach('GET /public/decisions')).toEqual(reachOf(ACCESS['disclosure.read']));
    expect(reach('GET /extensions')).toEqual(reachOf(ACCESS['extension.list']));
    expect(reach('POST /queue/tickets')).toEqual(reachOf(ACCESS['queue.take']));
    expect(reach('POST /queue/next')).toEqual(reachOf(ACCESS['queue.call']));
  });

  it('never a 5xx, always the error shape, no leak, the database unchanged by every rejected request', async () => {
    let before = await fingerprint();
    const seen = new Map<string, Set<number>>();
    const anonymousSeen = new Set<string>();
    const staffSeen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((route) => fc.tuple(fc.constant(route), request(route, pools))),
        async ([route, r]) => {
          const headers = Object.fromEntries(
            Object.entries(r.headers).filter((e): e is [string, string] => e[1] !== undefined),
          );
          if (r.body.contentType !== undefined) headers['content-type'] = r.body.contentType;
          const url = r.path + r.query;
          Object.assign(headers, await credentials(route, r.who, `${r.path} ${r.body.text ?? ''}`));
          const answer = await send(route.method, url, r.body.text, headers, freshAddress());
          const label = `${route.method} ${url.slice(0, 300)} as ${r.who} body ${String(r.body.text).slice(0, 200)}`;
          checkAnswer(label, answer);
          // the contract: every answer a client can get is one the document names for this operation
          if (reachedRoute(answer)) {
            expect(route.declared, `${label}: ${answer.status} not in /openapi.json`).toContain(String(answer.status));
          }
          // sent by someone the route lets in: what answers is the route's validation and rules, not the role check
          expect(refusedByGuard(answer), `${label}: refused by the role check`).toBeUndefined();
          const key = `${route.method} ${route.path}`;
          (r.who === 'anonymous' ? anonymousSeen : staffSeen).add(key);
          const after = await fingerprint();
          if (answer.status >= 400) {
            expect(after, `${label}: rejected (${answer.status}) yet wrote`).toBe(before);
            before = after;
          } else {
            // accepted: what it wrote is in before the answer; settle anyway so nothing is blamed on the next request
            before = await settled(after);
          }
          seen.set(key, (seen.get(key) ?? new Set()).add(answer.status));
        },
      ),
      { seed: SEED, numRuns: runs(1000), endOnFailure: true, verbose: 1 },
    );
    if (process.env.HOSTILE_STATS)
      console.log([...seen].map(([k, v]) => `${k}: ${[...v].sort().join(' ')}`).join('\n'));
    // Every route was reached (none skipped by the generator), by staff where staff may send it and anonymously
    // where anyone or an applicant may.
    expect([...seen.keys()].length).toBe(routes.length);
    const names = (list: Route[]) => list.map((r) => `${r.method} ${r.path}`).sort();
    expect([...staffSeen].sort()).toEqual(names(routes.filter((r) => r.reach.roles.length > 0)));
    expect([...anonymousSeen].sort()).toEqual(names(routes.filter((r) => r.reach.anonymous)));
  });

  it('wrong methods, unknown routes and odd URLs answer in shape', async () => {
    const start = await checksum();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((route) => fc.tuple(fc.constant(route), identity(route))),
        fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST', 'GET'),
        fc.constantFrom('', '/', '/extra', '/../..', '//', '/%00', '?a=%00'),
        async ([route, who], method, suffix) => {
          const path = route.path.replace(/\{[^}]+\}/g, 'SQ20990101000001') + suffix;
          const before = await fingerprint();
          const answer = await send(
            method,
            path,
            method === 'GET' ? undefined : '{}',
            { 'content-type': 'application/json', ...(await credentials(route, who, path)) },
            freshAddress(),
          );
          checkAnswer(`${method} ${path} as ${who}`, answer);
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
    // a clerk's session: the role check answers before the body is read
    const asClerk = { authorization: `Bearer ${await login(apiUrl, 'clerk1')}` };
    const big = await send('POST', '/applications', JSON.stringify({ a: 'x'.repeat(1_100_000) }), {
      'content-type': 'application/json',
      ...asClerk,
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ code: 'payload_too_large', field: 'body' });
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const answer = await send('POST', '/applications', 'x', { 'content-type': type, ...asClerk });
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
      clerk.post('/applications', body, { 'idempotency-key': newKey() }).then((r) => r.body);
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
    const reason = await clerk.post(`/applications/${caseNo}/withdrawal`, { reason: '撤回\u0000' });
    expect(reason.status).toBe(400);
    expect(reason.body).toMatchObject({ code: 'invalid_character', field: 'reason' });
    const query = await clerk.get('/applications?status=%00');
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
    const received = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const deficient = await clerk.post(
      '/applications',
      applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'] }),
      { 'idempotency-key': newKey() },
    );
    const review = await caseInReview(api);
    const approved = await caseInReview(api);
    for (const task of approved.tasks) {
      await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    }
    const delivered = await caseInReview(api);
    for (const task of delivered.tasks) {
      await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    }
    await clerk.post(`/applications/${delivered.caseNo}/delivery`, { method: 'pickup' });
    const cases = [
      received.body.caseNo as string,
      deficient.body.caseNo as string,
      review.caseNo,
      approved.caseNo,
      delivered.caseNo,
    ];
    const tasks = [...review.tasks, ...approved.tasks, ...delivered.tasks].map((t) => t.id);
    const queryCodes = new Map(
      (
        await sql<{ case_no: string; query_code: string }[]>`
        SELECT case_no, query_code FROM cases WHERE case_no IN ${sql(cases)}`
      ).map((c) => [c.case_no, c.query_code]),
    );
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
                identity(route),
              ),
            ),
          async ([route, caseNo, taskId, body, key, who]) => {
            const path = route.path
              .replace('{caseNo}', caseNo)
              .replace('{id}', route.path.startsWith('/tasks') ? taskId : 'X1')
              .replace(/\{[^}]+\}/g, 'X1');
            const started = Date.now();
            // staff of a role the route lets in (of the department the task or body names), or the applicant with
            // the case's own query code: the command reaches the case
            const answer = await send(
              'POST',
              path,
              JSON.stringify(body),
              {
                'content-type': 'application/json',
                ...(key ? { 'idempotency-key': key } : {}),
                ...(who === 'anonymous' && route.headers.includes('x-query-code')
                  ? { 'x-query-code': queryCodes.get(caseNo)! }
                  : {}),
                ...(await credentials(route, who, `${path} ${JSON.stringify(body)}`)),
              },
              freshAddress(),
            );
            const label = `POST ${path} as ${who} ${JSON.stringify(body).slice(0, 300)}`;
            checkAnswer(label, answer);
            expect(refusedByGuard(answer), `${label}: refused by the role check`).toBeUndefined();
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
      const live = await clerk.get(`/applications/${caseNo}/state`);
      expect(live.status, `${caseNo}: ${JSON.stringify(live.body)}`).toBe(200);
    }
  });
});

describe('dates in commands', () => {
  it('a 容缺 due date that matches YYYY-MM-DD but is not on the calendar (2027-02-30, 2099-13-45): 400, nothing written, the case not stuck', async () => {
    const submitted = await clerk.post(
      '/applications',
      applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'] }),
      { 'idempotency-key': newKey() },
    );
    expect(submitted.status).toBe(201);
    const caseNo = submitted.body.caseNo as string;
    const accept = (deficienciesDue: string) =>
      clerk.post(`/applications/${caseNo}/acceptance`, {
        decision: 'accept_with_deficiencies',
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
      await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    }
    const [certificate] = await sql<{ certificate_no: string }[]>`
      SELECT certificate_no FROM certificates WHERE case_no = ${tasks[0]?.id.split('-')[0] ?? ''}`;
    expect(certificate).toBeDefined();
    const print = await fetch(`${apiUrl}/certificates/${certificate?.certificate_no}/print`, {
      headers: { authorization: `Bearer ${await login(apiUrl, 'clerk1')}` },
    });
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
    // The applicant's own case with its code, still in review: each try is refused (409) without counting as a wrong
    // query code, so only the per-case limit is at work (ten wrong codes from one address would lock it out of every
    // case). From an address of its own, like the hostile requests.
    const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const caseNo = submitted.body.caseNo as string;
    const from = freshAddress();
    const rate = (no: string, code: string) =>
      send(
        'POST',
        `/applications/${no}/rating`,
        JSON.stringify({ level: 'satisfied' }),
        { 'content-type': 'application/json', 'x-query-code': code },
        from,
      );
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const reply = await rate(caseNo, submitted.body.queryCode as string);
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(JSON.parse(reply.text)).toMatchObject({ code: 'rate_limited' });
        expect(JSON.parse(reply.text).message).toMatch(/请求过于频繁/);
        expect(reply.headers?.['retry-after']).toMatch(/^\d+$/);
      }
    }
    expect(statuses.slice(0, 10).every((s) => s === 409)).toBe(true);
    expect(statuses[10]).toBe(429);
    // another case from the same address is not limited by this one
    const other = await rate('SQ20990101000002', '000000');
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
    // signed in (the accounts are in the shared database): the role check answers before the body is read
    const answer = await send2(
      'POST',
      '/applications',
      JSON.stringify(applicationBody({ form: { x: 'x'.repeat(5000) } })),
      { authorization: `Bearer ${await login(url, 'clerk1')}` },
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
        const submitted = await clerk.post('/applications', body, { 'idempotency-key': newKey() });
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
        expect(submitted.body.case.applicant.name).toBe(name);
        const record = await clerk.get(`/applications/${submitted.body.caseNo}`);
        expect(record.body.applicant.name).toBe(name);
        const received = (record.body.events as Array<{ type: string; data: { form: unknown } }>).find(
          (e) => e.type === 'received',
        );
        expect(received?.data.form).toEqual(form);
        const live = await clerk.get(`/applications/${submitted.body.caseNo}/state`);
        expect(live.body.applicant.name).toBe(name);
        const [row] = await sql`SELECT applicant_name FROM cases WHERE case_no = ${submitted.body.caseNo}`;
        expect(row?.applicant_name).toBe(name);
      }),
      { seed: SEED, numRuns: runs(25), endOnFailure: true },
    );
  });
});

describe('materials naming files: hostile shapes of the new body', () => {
  it('never a 5xx; refused in shape naming the entry; a case only when every file is the clerk’s own and free', async () => {
    const scan = async (user: string) =>
      (await upload(apiUrl, uniqueScan(), { token: await login(apiUrl, user) })).json.id as string;
    const own = [await scan('clerk1'), await scan('clerk1'), await scan('clerk1'), await scan('clerk1')];
    const foreign = await scan('clerk2');
    const attached = new Set<string>();
    const seen = new Set<string>();
    const codes = [...AD_CODES, 'FOOD_SAFETY_RULES', 'NO_SUCH_MATERIAL'];
    const fileId = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...own) },
      { weight: 2, arbitrary: fc.constantFrom(foreign, 'AAAAAAAAAAAAAAAAAAAAAA', '../../etc/passwd', '%00', '😀') },
      { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
    );
    const entry = fc.oneof(
      fc.constantFrom(...codes),
      fc.record(
        {
          code: fc.constantFrom(...codes),
          files: fc.array(fileId, { maxLength: 3 }),
          originalSeen: fc.boolean(),
        },
        { requiredKeys: ['code'] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 5 }),
        fc.constantFrom(undefined, 'window', 'online'),
        async (materials, channel) => {
          const body = applicationBody({ materials, ...(channel ? { channel } : {}) });
          const reply = await clerk.post('/applications', body, { 'idempotency-key': newKey() });
          const label = JSON.stringify({ materials, channel });
          expect([201, 400, 409, 422], `${label}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
          const named = materials.flatMap((m) => (typeof m === 'string' ? [] : (m.files ?? [])));
          seen.add(reply.status === 201 ? (named.length ? 'case with files' : 'case') : reply.body.code);
          if (reply.status === 201) {
            for (const id of named) {
              expect(own.includes(id) && !attached.has(id), `${label}: a case naming ${id}`).toBe(true);
              attached.add(id);
            }
          } else {
            expect(Object.keys(reply.body).sort(), label).toEqual(
              reply.body.field === undefined ? ['code', 'message'] : ['code', 'field', 'message'],
            );
            expect(reply.body.message, label).toMatch(/\p{Script=Han}/u);
          }
          // the database agrees: exactly the files of accepted submissions are attached
          const rows = await sql<
            { id: string }[]
          >`SELECT id FROM files WHERE id IN ${sql(own)} AND case_no IS NOT NULL`;
          expect(new Set(rows.map((r) => r.id)), label).toEqual(attached);
        },
      ),
      { seed: SEED, numRuns: runs(40), endOnFailure: true },
    );
    // the run reached both sides: cases with files made, and files refused
    expect([...seen]).toEqual(expect.arrayContaining(['case with files', 'file_not_found']));
  });
});

describe('accounts and the catalogue are put back after this file', () => {
  it('a user an admin added and a matter an admin changed are as they were, in the tables and through the API', async () => {
    const code = 'OUTDOOR_AD_PERMIT';
    const promised = (await api.get(`/matters/${code}`)).body.promisedLimitDays as number;
    expect(promised).toBeGreaterThan(1);
    const admin = api.as('admin1');
    const changed = await admin.patch(`/matters/${code}`, { promisedLimitDays: promised - 1 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await api.get(`/matters/${code}`)).body.promisedLimitDays).not.toBe(promised);
    const added = await admin.post('/users', {
      username: 'hostile.extra',
      displayName: '临时账号',
      role: 'auditor',
      password: 'not-a-demo-password',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await restoreAccountsAndCatalogue();
    expect((await api.get(`/matters/${code}`)).body.promisedLimitDays).toBe(promised);
    expect(await sql`SELECT 1 FROM users WHERE username = 'hostile.extra'`).toHaveLength(0);
  });
});
