/** A small HTTP client for the API under test. */
import { randomUUID } from 'node:crypto';
import { randomUscc } from '../support/identity.ts';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export function client(baseUrl: string) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body, headers),
    raw: call,
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
    receivedBy: { clerkId: 'clerk-01', window: 'W01' },
    ...overrides,
  };
}

/** Submit, accept, and return the case number with its open tasks. */
export async function caseInReview(api: Client, overrides: Record<string, unknown> = {}) {
  const submitted = await api.post('/applications', applicationBody(overrides), { 'idempotency-key': newKey() });
  if (submitted.status !== 201) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
  const caseNo: string = submitted.body.caseNo;
  const accepted = await api.post(`/applications/${caseNo}/acceptance`, { decision: 'accept', clerkId: 'clerk-01' });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  const tasks = await api.get(`/tasks?caseNo=${caseNo}&status=open`);
  return { caseNo, tasks: tasks.body as Array<{ id: string; department: string; matter: string; due: string }> };
}
