/**
 * Lists staff work from, over HTTP on the shared stack (OUTDOOR_AD_PERMIT: CITY_MANAGEMENT leads, TRAFFIC_POLICE
 * co-reviews): every pending extension of a head's department, results awaiting hand-out at a window, and the open
 * cases by status in the supervision overview.
 */
import { describe, expect, inject, it } from 'vitest';
import { TEST_TODAY } from './clock.ts';
import { applicationBody, caseInReview, client, newKey } from './http.ts';

const api = client(inject('apiUrl'));

async function approveAll(caseNo: string) {
  const tasks = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`)).body as Array<{
    id: string;
    department: string;
  }>;
  let last: any;
  for (const task of tasks) {
    last = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(last.status, JSON.stringify(last.body)).toBe(200);
  }
  return last.body;
}

describe('pending extensions of a department', () => {
  it('the head sees each one of their department, others do not, and it leaves the list once decided', async () => {
    const { caseNo } = await caseInReview(api);
    const requested = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions`,
        { department: 'CITY_MANAGEMENT', reason: '需征求街道意见' },
        { 'idempotency-key': newKey() },
      );
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const id = requested.body.extension.id as string;

    const mine = await api.as('head.CITY_MANAGEMENT').get('/extensions?status=pending');
    expect(mine.status).toBe(200);
    const row = (mine.body as any[]).find((x) => x.caseNo === caseNo);
    expect(row).toMatchObject({
      id,
      department: 'CITY_MANAGEMENT',
      reason: '需征求街道意见',
      requestedBy: 'reviewer.CITY_MANAGEMENT',
      status: 'in_review',
      applicantName: '张记餐饮有限公司',
    });
    expect(row.days).toBeGreaterThan(0);
    expect((mine.body as any[]).every((x) => x.department === 'CITY_MANAGEMENT')).toBe(true);

    const theirs = (await api.as('head.TRAFFIC_POLICE').get('/extensions')).body as any[];
    expect(theirs.some((x) => x.caseNo === caseNo)).toBe(false);
    const notMine = await api.as('head.TRAFFIC_POLICE').get('/extensions?department=CITY_MANAGEMENT');
    expect(notMine.status).toBe(403);
    expect(notMine.body.field).toBe('department');
    const supervised = (await api.as('supervisor1').get('/extensions?department=CITY_MANAGEMENT')).body as any[];
    expect(supervised.some((x) => x.id === id)).toBe(true);
    expect((await api.as('reviewer.CITY_MANAGEMENT').get('/extensions')).status).toBe(403);

    const decided = await api
      .as('head.CITY_MANAGEMENT')
      .post(`/applications/${caseNo}/extensions/${id}/approval`, { decision: 'approve' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const after = (await api.as('head.CITY_MANAGEMENT').get('/extensions')).body as any[];
    expect(after.some((x) => x.id === id)).toBe(false);
  });
});

describe('results awaiting hand-out, by window', () => {
  it('an approved case is listed until it is handed out; the window filter keeps to its window', async () => {
    const { caseNo } = await caseInReview(api);
    const approved = await approveAll(caseNo);
    expect(approved.status).toBe('approved');
    const awaiting = async (query: string) =>
      ((await api.as('clerk1').get(`/applications?awaitingHandout=true&limit=500${query}`)).body as any[]).map(
        (r) => r.caseNo as string,
      );
    expect(await awaiting('')).toContain(caseNo);
    expect(await awaiting('&window=W01')).toContain(caseNo);
    expect(await awaiting('&window=W02')).not.toContain(caseNo);
    const w01 = (await api.as('clerk1').get('/applications?window=W01&limit=500')).body as any[];
    expect(w01.length).toBeGreaterThan(0);
    expect(w01.every((r) => r.window === 'W01')).toBe(true);
    // a case still in review is not awaiting hand-out
    const { caseNo: inReview } = await caseInReview(api);
    expect(await awaiting('')).not.toContain(inReview);

    const delivered = await api
      .as('clerk1')
      .post(`/applications/${caseNo}/delivery`, { method: 'pickup' }, { 'idempotency-key': newKey() });
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(await awaiting('')).not.toContain(caseNo);
  });
});

describe('open cases by status in the overview', () => {
  it('counts the open cases now, under the filters, one row per open status', async () => {
    const overview = async (query = '') => {
      const answer = await api
        .as('supervisor1')
        .get(`/supervision/overview?from=${TEST_TODAY}&to=${TEST_TODAY}${query}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const rows = answer.body.openByStatus as Array<{ status: string; label: string; count: number }>;
      return Object.fromEntries(rows.map((r) => [r.status, r.count])) as Record<
        'received' | 'awaiting_supplement' | 'in_review',
        number
      >;
    };
    const before = await overview();
    const beforeCity = await overview('&department=CITY_MANAGEMENT');
    const beforeTax = await overview('&department=TAX');
    expect(Object.keys(before)).toEqual(['received', 'awaiting_supplement', 'in_review']);
    // one received (not yet accepted) and one in review
    const received = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    expect(received.status).toBe(201);
    await caseInReview(api);
    const after = await overview();
    expect(after.received - before.received).toBe(1);
    expect(after.in_review - before.in_review).toBe(1);
    expect(after.awaiting_supplement - before.awaiting_supplement).toBe(0);
    const afterCity = await overview('&department=CITY_MANAGEMENT');
    expect(afterCity.in_review - beforeCity.in_review).toBe(1);
    expect(await overview('&department=TAX')).toEqual(beforeTax);
  });
});
