/**
 * A rating appeal upheld over HTTP: the department concerned appeals a 非常不满意, a supervisor upholds the rating; it
 * stays valid and counted, the follow-up stays open with its department, and the appeal is decided once. The shared
 * stack: OUTDOOR_AD_PERMIT refused by TRAFFIC_POLICE, so that department is the one concerned.
 */
import { describe, expect, inject, it } from 'vitest';
import { applicationBody, client, newKey } from './http.ts';
import { TEST_TODAY } from './clock.ts';

const api = client(inject('apiUrl'));

/** 非常不满意 ratings given today, as supervision counts them (a voided one would count nowhere). */
async function veryDissatisfiedToday(): Promise<number> {
  const overview = await api.as('supervisor1').get(`/supervision/overview?from=${TEST_TODAY}&to=${TEST_TODAY}`);
  expect(overview.status).toBe(200);
  return overview.body.totals.ratings.very_dissatisfied ?? 0;
}

async function refusedCase() {
  const clerk = api.as('clerk1');
  const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  expect(submitted.status).toBe(201);
  const caseNo = submitted.body.caseNo as string;
  const accepted = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
  expect(accepted.status).toBe(200);
  let last: any;
  for (const task of accepted.body.tasks as Array<{ id: string; department: string }>) {
    const refuse = task.department === 'TRAFFIC_POLICE';
    last = await api
      .as(`reviewer.${task.department}`)
      .post(
        `/tasks/${task.id}/opinion`,
        refuse ? { decision: 'refuse', reason: '遮挡交通信号灯' } : { decision: 'approve' },
      );
    expect(last.status, JSON.stringify(last.body)).toBe(200);
  }
  expect(last.body.status).toBe('refused');
  return { caseNo, queryCode: submitted.body.queryCode as string };
}

describe('a rating appeal upheld', () => {
  it('the rating stays valid and counted, the follow-up stays open, the appeal is decided once', async () => {
    const { caseNo, queryCode } = await refusedCase();
    const countedBefore = await veryDissatisfiedToday();
    const rated = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'very_dissatisfied', comment: '不予许可的理由没有讲清楚' },
      { 'x-query-code': queryCode, 'idempotency-key': newKey() },
    );
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    expect(rated.body.followUp).toMatchObject({ department: 'TRAFFIC_POLICE', status: 'open' });

    const appeal = await api
      .as('reviewer.TRAFFIC_POLICE')
      .post(
        `/applications/${caseNo}/rating/appeal`,
        { department: 'TRAFFIC_POLICE', reason: '不予许可理由已书面告知' },
        { 'idempotency-key': newKey() },
      );
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(200);
    expect(appeal.body.rating.status).toBe('appealed');
    // listed for the supervisor to decide, with the department's reason
    const appealed = await api.as('supervisor1').get('/ratings/appealed');
    expect(appealed.status).toBe(200);
    expect(appealed.body.find((r: { caseNo: string }) => r.caseNo === caseNo)).toMatchObject({
      level: 'very_dissatisfied',
      levelName: '非常不满意',
      department: 'TRAFFIC_POLICE',
      appealReason: '不予许可理由已书面告知',
      appealedBy: 'reviewer.TRAFFIC_POLICE',
    });
    expect((await api.as('reviewer.TRAFFIC_POLICE').get('/ratings/appealed')).status).toBe(403);

    const upheld = await api
      .as('supervisor1')
      .post(
        `/applications/${caseNo}/rating/appeal/decision`,
        { decision: 'uphold', reason: '经核实，告知书未说明救济途径，评价成立' },
        { 'idempotency-key': newKey() },
      );
    expect(upheld.status, JSON.stringify(upheld.body)).toBe(200);
    expect(upheld.body.rating).toMatchObject({
      level: 'very_dissatisfied',
      status: 'valid',
      appeal: { department: 'TRAFFIC_POLICE', decision: 'uphold', decidedBy: 'supervisor1' },
    });
    expect(upheld.body.followUp).toMatchObject({ department: 'TRAFFIC_POLICE', status: 'open' });

    const stillAppealed = (await api.as('supervisor1').get('/ratings/appealed')).body as Array<{ caseNo: string }>;
    expect(stillAppealed.some((r) => r.caseNo === caseNo)).toBe(false);

    // decided once
    const again = await api
      .as('supervisor1')
      .post(`/applications/${caseNo}/rating/appeal/decision`, { decision: 'void', reason: '改判' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('appeal_already_decided');
    // nor appealed a second time
    const reappeal = await api
      .as('reviewer.TRAFFIC_POLICE')
      .post(`/applications/${caseNo}/rating/appeal`, { department: 'TRAFFIC_POLICE', reason: '再申诉' });
    expect(reappeal.status).toBe(409);
    expect(reappeal.body.code).toBe('already_appealed');

    // the follow-up is still the department's to answer, and the rating still counts in supervision
    const open = await api.as('supervisor1').get('/follow-ups?department=TRAFFIC_POLICE&status=open');
    expect(open.body.map((f: { caseNo: string }) => f.caseNo)).toContain(caseNo);
    expect(await veryDissatisfiedToday()).toBe(countedBefore + 1);
    const view = (await api.as('auditor1').get(`/applications/${caseNo}`)).body;
    const types = view.events.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'rating_appeal_decided')).toHaveLength(1);
    expect(view.events.find((e: { type: string }) => e.type === 'rating_appeal_decided').data).toMatchObject({
      decision: 'uphold',
      by: 'supervisor1',
    });
  });
});
