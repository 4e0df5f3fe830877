/**
 * 办件公示 over HTTP on the shared stack (today 2026-03-02): the decided cases of a period with masked names and no
 * personal data, and the monthly figures, counted by hand as increments (one approved and one refused case decided
 * here; other files decide cases too) and from the rows of the answer itself.
 */
import { describe, expect, inject, it } from 'vitest';
import { TEST_TODAY } from './clock.ts';
import { randomResidentId } from '../support/identity.ts';
import { caseInReview, client } from './http.ts';

const api = client(inject('apiUrl'));

const idNumber = randomResidentId();

async function decide(refuse: string | undefined, name: string) {
  const { caseNo, tasks } = await caseInReview(api, {
    applicant: { type: 'person', name, idNumber, phone: '13800138000' },
  });
  let last: any;
  for (const task of tasks) {
    last = await api
      .as(`reviewer.${task.department}`)
      .post(
        `/tasks/${task.id}/opinion`,
        task.department === refuse ? { decision: 'refuse', reason: '遮挡交通信号灯' } : { decision: 'approve' },
      );
    expect(last.status, JSON.stringify(last.body)).toBe(200);
  }
  return { caseNo, status: last.body.status as string };
}

const month = TEST_TODAY.slice(0, 7);
const thisMonth = async () => {
  const answer = await api.get(`/public/decisions?from=${month}-01&to=${TEST_TODAY}&limit=500`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

describe('public disclosure of decided cases', () => {
  it('lists decided cases with masked names, no personal data, and counts them in the month', async () => {
    const before = await thisMonth();
    const approved = await decide(undefined, '张三丰');
    const refused = await decide('TRAFFIC_POLICE', '欧阳娜娜');
    expect([approved.status, refused.status]).toEqual(['approved', 'refused']);

    const answer = await thisMonth();
    const row = (caseNo: string) => answer.decisions.find((d: any) => d.caseNo === caseNo);
    expect(row(approved.caseNo)).toEqual({
      caseNo: approved.caseNo,
      matters: [expect.stringMatching(/\p{Script=Han}/u)],
      applicantName: '张**',
      result: 'approved',
      resultLabel: '准予许可',
      decidedOn: TEST_TODAY,
      onTime: true,
    });
    expect(row(refused.caseNo)).toMatchObject({ applicantName: '欧**', result: 'refused', resultLabel: '不予许可' });
    const text = JSON.stringify(answer);
    for (const secret of ['张三丰', '欧阳娜娜', idNumber, '13800138000']) expect(text).not.toContain(secret);
    // a case not decided is not published
    const { caseNo: open } = await caseInReview(api);
    expect((await thisMonth()).decisions.some((d: any) => d.caseNo === open)).toBe(false);

    // the month: +2 received, +2 decided, +1 approved, +1 refused, +2 on time; and it agrees with the rows listed
    const figures = (body: any) => body.months.find((m: any) => m.month === month);
    const [b, a] = [figures(before), figures(answer)];
    expect(answer.months.map((m: any) => m.month)).toEqual([month]);
    expect(a.received - b.received).toBe(2);
    expect(a.decided - b.decided).toBe(2);
    expect(a.approved - b.approved).toBe(1);
    expect(a.refused - b.refused).toBe(1);
    expect(a.onTime - b.onTime).toBe(2);
    expect(a.decided).toBe(answer.decisions.length);
    expect(a.onTimeRate).toBe(a.onTime / a.decided);
  });

  it('needs no sign-in; the period defaults to the last 30 days and is checked', async () => {
    const plain = await api.get('/public/decisions');
    expect(plain.status).toBe(200);
    expect(plain.body.to).toBe(TEST_TODAY);
    expect(plain.body.from).toBe('2026-02-01');
    expect(plain.body.months.map((m: any) => m.month)).toEqual(['2026-02', '2026-03']);
    expect(plain.body.months[0]).toEqual({
      month: '2026-02',
      received: 0,
      decided: 0,
      approved: 0,
      refused: 0,
      onTime: 0,
      onTimeRate: null,
    });
    for (const [query, field] of [
      ['from=2026-03-05&to=2026-03-01', 'to'],
      ['from=2024-01-01&to=2026-03-01', 'to'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
    ]) {
      const bad = await api.get(`/public/decisions?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.field).toBe(field);
    }
  });
});
