/**
 * 好差评 over HTTP on a stack of its own whose finished cases close after 1 s, so a rating reaches a closed case the
 * way it does in the hall (days after the decision): the case is reopened for it, and closes again.
 */
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { useOwnStack } from './ownStack.ts';
import { applicationBody, newKey, type Client as Api } from './http.ts';

const own = useOwnStack('ratings', { CASE_CLOSE_GRACE_MS: '1000' });
let api: Api;
let sql: postgres.Sql;
let temporal: Client;

beforeAll(async () => {
  api = own.api;
  sql = own.sql;
  temporal = own.temporal;
});

/** Submitted and accepted: the case number, its query code (given to the applicant at submission) and open tasks. */
async function inReview() {
  const submitted = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  const caseNo: string = submitted.body.caseNo;
  await api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
  const tasks = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`)).body as Array<{
    id: string;
    department: string;
  }>;
  return { caseNo, queryCode: submitted.body.queryCode as string, tasks };
}

/** A case refused by the traffic police (or approved and delivered), its workflow closed. */
async function finishedCase(outcome: 'refused' | 'approved') {
  const { caseNo, queryCode, tasks } = await inReview();
  for (const task of tasks) {
    const refuse = outcome === 'refused' && task.department === 'TRAFFIC_POLICE';
    await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, {
      decision: refuse ? 'refuse' : 'approve',
      ...(refuse ? { reason: '遮挡交通信号灯' } : {}),
    });
  }
  if (outcome === 'approved') {
    const delivered = await api.as('clerk1').post(`/applications/${caseNo}/delivery`, { method: 'pickup' });
    expect(delivered.status).toBe(200);
  }
  expect((await api.as('clerk1').get(`/applications/${caseNo}`)).body.status).toBe(outcome);
  await waitClosed(caseNo);
  return { caseNo, queryCode };
}

async function waitClosed(caseNo: string) {
  await waitUntil(
    async () => {
      const d = await temporal.workflow.getHandle(caseNo).describe();
      return d.status.name === 'COMPLETED';
    },
    { what: `workflow ${caseNo} to complete`, timeoutMs: 30_000 },
  );
}

async function runs(caseNo: string): Promise<number> {
  let n = 0;
  for await (const _ of temporal.workflow.list({ query: `WorkflowId = '${caseNo}'` })) n++;
  return n;
}

describe('好差评 on a closed case', () => {
  it('a wrong query code answers like an unknown case and opens nothing; the right one rates once', async () => {
    const { caseNo, queryCode } = await finishedCase('approved');
    const wrong = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'satisfied' },
      { 'x-query-code': '000000' === queryCode ? '111111' : '000000', 'idempotency-key': newKey() },
    );
    expect(wrong.status).toBe(404);
    expect(wrong.body).toMatchObject({ code: 'case_not_found' });
    const unknown = await api.post(
      `/applications/SQ20990101000001/rating`,
      { level: 'satisfied' },
      {
        'x-query-code': queryCode,
      },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe(wrong.body.code);
    expect(await runs(caseNo)).toBe(1);

    const key = newKey();
    const rated = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'very_satisfied', comment: '一次办好，没有跑第二趟', channel: 'window' },
      { 'x-query-code': queryCode, 'idempotency-key': key },
    );
    expect(rated.status).toBe(201);
    expect(rated.body.rating).toMatchObject({ level: 'very_satisfied', levelName: '非常满意', status: 'valid' });
    expect(rated.body.followUp).toBeNull();
    // the retry gets the first answer; one rating event
    const retry = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'very_satisfied', comment: '一次办好，没有跑第二趟', channel: 'window' },
      { 'x-query-code': queryCode, 'idempotency-key': key },
    );
    expect(retry.status).toBe(201);
    const again = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'satisfied', queryCode },
      { 'idempotency-key': newKey() },
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_rated');
    const [counted] =
      await sql`SELECT count(*)::int AS n FROM case_events WHERE case_no = ${caseNo} AND type = 'rated'`;
    expect(counted?.n).toBe(1);
    const [row] = await sql`SELECT level, status, department, "window" FROM ratings WHERE case_no = ${caseNo}`;
    expect(row).toEqual({ level: 'very_satisfied', status: 'valid', department: 'CITY_MANAGEMENT', window: 'W01' });
    // reopened for the rating, then closed again
    expect(await runs(caseNo)).toBe(2);
    await waitClosed(caseNo);
  });

  it('不满意 opens a follow-up for the refusing department; it replies; the applicant sees the reply', async () => {
    const { caseNo, queryCode } = await finishedCase('refused');
    const rated = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'dissatisfied', comment: '理由没有讲清楚' },
      { 'x-query-code': queryCode, 'idempotency-key': newKey() },
    );
    expect(rated.status).toBe(201);
    const today = rated.body.followUp.openedOn;
    expect(rated.body.followUp).toMatchObject({
      department: 'TRAFFIC_POLICE',
      status: 'open',
      due: addWorkingDays(today, 15),
    });
    const list = await api.as('supervisor1').get('/follow-ups?department=TRAFFIC_POLICE&status=open');
    expect(list.body.map((f: any) => f.caseNo)).toContain(caseNo);
    expect(list.body.find((f: any) => f.caseNo === caseNo)).toMatchObject({
      level: 'dissatisfied',
      levelName: '不满意',
    });

    // a reviewer of another department, for their own department: the follow-up is not theirs
    const wrongDept = await api.as('reviewer.CITY_MANAGEMENT').post(`/applications/${caseNo}/follow-up/reply`, {
      department: 'CITY_MANAGEMENT',
      text: '已整改',
    });
    expect(wrongDept.status).toBe(403);
    // the same reviewer naming the responsible department they do not belong to
    const notTheirs = await api.as('reviewer.CITY_MANAGEMENT').post(`/applications/${caseNo}/follow-up/reply`, {
      department: 'TRAFFIC_POLICE',
      text: '已整改',
    });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.code).toBe('not_your_department');
    const replied = await api
      .as('reviewer.TRAFFIC_POLICE')
      .post(
        `/applications/${caseNo}/follow-up/reply`,
        { department: 'TRAFFIC_POLICE', text: '已向申请人当面说明不予许可的理由，并改进告知书写法' },
        { 'idempotency-key': newKey() },
      );
    expect(replied.status).toBe(200);
    const view = (await api.withCode(queryCode).get(`/applications/${caseNo}`)).body;
    expect(view.followUp).toMatchObject({ status: 'replied', reply: { by: 'reviewer.TRAFFIC_POLICE' } });
    expect(view.followUp.reply.text).toContain('当面说明');
    const [row] = await sql`SELECT status, replied_on FROM follow_ups WHERE case_no = ${caseNo}`;
    expect(row?.status).toBe('replied');
  });

  it('an appeal voided by a supervisor leaves the rating out and cancels the follow-up', async () => {
    const { caseNo, queryCode } = await finishedCase('refused');
    await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'very_dissatisfied' },
      { 'x-query-code': queryCode, 'idempotency-key': newKey() },
    );
    const appeal = await api.as('reviewer.TRAFFIC_POLICE').post(`/applications/${caseNo}/rating/appeal`, {
      department: 'TRAFFIC_POLICE',
      reason: '申请人评价与办件无关（投诉停车收费）',
    });
    expect(appeal.status).toBe(200);
    expect(appeal.body.rating.status).toBe('appealed');
    const decided = await api.as('supervisor1').post(`/applications/${caseNo}/rating/appeal/decision`, {
      decision: 'void',
      reason: '经核实，评价内容与本办件无关',
    });
    expect(decided.status).toBe(200);
    expect(decided.body.rating).toMatchObject({
      status: 'voided',
      appeal: { decision: 'void', decidedBy: 'supervisor1' },
    });
    expect(decided.body.followUp.status).toBe('cancelled');
    const [row] = await sql`SELECT r.status AS rating, f.status AS follow_up FROM ratings r
                            JOIN follow_ups f USING (case_no) WHERE case_no = ${caseNo}`;
    expect(row).toEqual({ rating: 'voided', follow_up: 'cancelled' });
    // while the follow-up ran, its deadline kept the case open; with it cancelled the case closes again
    await waitClosed(caseNo);
    const bad = await api.as('supervisor1').post(`/applications/${caseNo}/rating/appeal/decision`, {
      decision: 'maybe',
      reason: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('decision');
  });

  it('supervision counts the ratings given in the period per level; a voided one counts nowhere', async () => {
    // the three cases above were rated today: 非常满意 (city management), 不满意 (traffic police), and a voided one
    const supervisor = api.as('supervisor1');
    const today = (await supervisor.get('/follow-ups?department=TRAFFIC_POLICE')).body[0].openedOn as string;
    const overview = (await supervisor.get(`/supervision/overview?from=${today}&to=${today}`)).body;
    expect(overview.totals.ratings).toEqual({ very_satisfied: 1, dissatisfied: 1 });
    const department = (code: string) =>
      (overview.byDepartment as Array<{ department: string; ratings: object }>).find((d) => d.department === code);
    expect(department('TRAFFIC_POLICE')?.ratings).toEqual({ dissatisfied: 1 });
    expect(department('CITY_MANAGEMENT')?.ratings).toEqual({ very_satisfied: 1 });
    const byMatter = (await supervisor.get(`/supervision/overview?from=${today}&to=${today}&matter=OUTDOOR_AD_PERMIT`))
      .body;
    expect(byMatter.totals.ratings).toEqual({ very_satisfied: 1, dissatisfied: 1 });
    const earlier = (await supervisor.get('/supervision/overview?from=2020-01-01&to=2020-01-31')).body;
    expect(earlier.totals.ratings).toEqual({});
  });

  it('a case still in review cannot be rated', async () => {
    const { caseNo, queryCode } = await inReview();
    const early = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'satisfied' },
      { 'x-query-code': queryCode },
    );
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('case_not_finished');
    const missing = await api.post(`/applications/${caseNo}/rating`, { level: 'satisfied' });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('queryCode');
  });
});
