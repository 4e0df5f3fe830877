/** A small HTTP client for the API under test. */
import { randomUUID } from 'node:crypto';
import { randomUscc } from '../support/identity.ts';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The password of every demo account in the test stacks (DEMO_USERS=true, DEMO_PASSWORD unset). */
export const DEMO_PASSWORD = 'demo';

const tokens = new Map<string, Promise<string>>();

/** Signs a demo user in once per stack and keeps the bearer token. */
export function login(baseUrl: string, username: string): Promise<string> {
  const key = `${baseUrl}|${username}`;
  let token = tokens.get(key);
  if (!token) {
    token = fetch(`${baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    }).then(async (response) => {
      const body = (await response.json()) as { token?: string };
      if (response.status !== 200 || !body.token) {
        tokens.delete(key);
        throw new Error(`login ${username} failed: ${response.status} ${JSON.stringify(body)}`);
      }
      return body.token;
    });
    tokens.set(key, token);
  }
  return token;
}

/**
 * An HTTP client: anonymous (an applicant, or anyone) by default; `as(username)` acts as a signed-in demo user,
 * `withCode(code)` as the applicant holding the case's query code.
 */
export function client(baseUrl: string, identity: { username?: string; queryCode?: string } = {}) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const auth: Record<string, string> = {};
    if (identity.username) auth.authorization = `Bearer ${await login(baseUrl, identity.username)}`;
    if (identity.queryCode) auth['x-query-code'] = identity.queryCode;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    // JSON answers parsed; others (the Prometheus text of /metrics) as they came
    const json = !/^text\/plain/.test(response.headers.get('content-type') ?? '');
    return {
      status: response.status,
      body: text ? (json ? JSON.parse(text) : text) : undefined,
      headers: response.headers,
    };
  }
  return {
    baseUrl,
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body, headers),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('PATCH', path, body, headers),
    raw: call,
    as: (username: string) => client(baseUrl, { username }),
    withCode: (queryCode: string) => client(baseUrl, { queryCode }),
  };
}

export type Client = ReturnType<typeof client>;

export const newKey = () => randomUUID();

export function applicationBody(overrides: Record<string, unknown> = {}) {
  return {
    matters: ['OUTDOOR_AD_PERMIT'],
    applicant: { type: 'organisation', name: '张记餐饮有限公司', idNumber: randomUscc() },
    materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'],
    form: { signText: '张记餐馆', address: '人民路 1 号' },
    ...overrides,
  };
}

/** Submit, accept, and return the case number with its open tasks. */
export async function caseInReview(api: Client, overrides: Record<string, unknown> = {}) {
  const submitted = await api.as('clerk1').post('/applications', applicationBody(overrides), {
    'idempotency-key': newKey(),
  });
  if (submitted.status !== 201) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
  const caseNo: string = submitted.body.caseNo;
  const accepted = await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  const tasks = await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`);
  return { caseNo, tasks: tasks.body as Array<{ id: string; department: string; matter: string; due: string }> };
}
