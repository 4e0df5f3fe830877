/**
 * The controls for what only the API could do before, each in a real browser against the real stack: a reviewer ends
 * the 现场踏勘 they started; the lead department of a joint case sees it waiting (等待协办部门意见); the clerk withdraws a
 * case for the applicant; a department appeals a bad rating and answers its follow-up (整改); the supervisor marks a
 * case 急办 and voids the appealed rating; a department revokes (注销) a certificate; a head approves a pending
 * extension from the department's list. Every page: no console error, no failed request, no serious axe violation.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { applicationBody, client, newKey } from '../integration/http.ts';
import { randomUscc } from '../support/identity.ts';
import { DESKTOP, launch, openPage, screenshot, untilShown, UI_WAIT_MS, type Watched } from './browser.ts';
import { approveAll, expectClean, finishedCase, signIn } from './steps.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const button = (w: Watched, name: string) =>
  w.page.getByRole('button', { name: new RegExp(`^${[...name].join('\\s*')}$`) });

/** A new case of OUTDOOR_AD_PERMIT, accepted: in review by CITY_MANAGEMENT (lead) and TRAFFIC_POLICE. */
async function inReview() {
  const clerk = api.as('clerk1');
  const submitted = await clerk.post('/applications', applicationBody({ applicant: applicant() }), {
    'idempotency-key': newKey(),
  });
  expect(submitted.status).toBe(201);
  const caseNo = submitted.body.caseNo as string;
  expect((await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' })).status).toBe(200);
  return { caseNo, queryCode: submitted.body.queryCode as string };
}

const applicant = () => ({ type: 'organisation', name: '张记餐饮有限公司', idNumber: randomUscc() });
const view = async (caseNo: string) => (await api.as('auditor1').get(`/applications/${caseNo}`)).body;

describe('staff controls in the browser', () => {
  it('a reviewer ends the 现场踏勘 they started in /inbox', async () => {
    const { caseNo } = await inReview();
    const task = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&department=CITY_MANAGEMENT`)).body[0];
    const started = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(
        `/tasks/${task.id}/special-procedures`,
        { type: 'site_visit', expectedWorkingDays: 3, reason: '需现场核实招牌位置' },
        { 'idempotency-key': newKey() },
      );
    expect(started.status, JSON.stringify(started.body)).toBe(201);

    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/inbox', 'reviewer.CITY_MANAGEMENT');
    await button(w, caseNo).click();
    await page.getByText('进行中的特别程序').waitFor({ timeout: UI_WAIT_MS });
    await expectClean(w);
    await screenshot(page, 'inbox-special-procedure');
    await button(w, '结束现场踏勘').click();
    await page.getByText('进行中的特别程序').waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    const ended = (await view(caseNo)).specialProcedures[0];
    expect(ended).toMatchObject({ type: 'site_visit', endedOn: expect.any(String) });
    await expectClean(w);
    await w.context.close();
  });

  it('the lead department of a joint case sees it in its inbox while the co-departments review', async () => {
    const guide = (await api.get('/matters/CONSTRUCTION_COMPLETION_ACCEPTANCE')).body;
    const clerk = api.as('clerk1');
    const submitted = await clerk.post(
      '/applications',
      {
        matters: ['CONSTRUCTION_COMPLETION_ACCEPTANCE'],
        applicant: applicant(),
        materials: guide.materials
          .filter((m: { required: boolean }) => m.required)
          .map((m: { code: string }) => m.code),
      },
      { 'idempotency-key': newKey() },
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const caseNo = submitted.body.caseNo as string;
    expect((await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' })).status).toBe(200);
    const lead = (await view(caseNo)).tasks.find((t: { lead: boolean }) => t.lead);
    expect(lead).toMatchObject({ department: 'HOUSING', status: 'waiting' });

    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/inbox', 'reviewer.HOUSING');
    const row = page.getByRole('row', { name: new RegExp(caseNo) });
    await row.getByText('等待协办部门意见').waitFor({ timeout: UI_WAIT_MS });
    await expectClean(w);
    await screenshot(page, 'inbox-waiting-lead');
    // opened, the task shows no opinion form yet: the co-departments answer first
    await button(w, caseNo).click();
    await page.getByText('其他部门意见').waitFor({ timeout: UI_WAIT_MS });
    expect(await page.getByRole('button', { name: '提交审查意见' }).count()).toBe(0);
    await expectClean(w);
    await w.context.close();
  });

  it('the clerk withdraws a case for the applicant at the window', async () => {
    const submitted = await api
      .as('clerk1')
      .post('/applications', applicationBody({ applicant: applicant() }), { 'idempotency-key': newKey() });
    const caseNo = submitted.body.caseNo as string;
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/window', 'clerk1');
    await page.getByRole('tab', { name: '受理与出件' }).click();
    await page.getByLabel('办件编号').fill(caseNo);
    await page.getByLabel('办件编号').press('Enter');
    await page.getByText('代申请人撤回申请').click();
    await page.getByLabel('撤回理由（申请人所述）').fill('申请人决定暂不设置招牌');
    await button(w, '确认撤回').click();
    await expect.poll(() => page.getByTestId('desk-status').textContent(), untilShown).toBe('已撤回');
    expect((await view(caseNo)).status).toBe('withdrawn');
    await expectClean(w);
    await screenshot(page, 'window-withdrawal');
    await w.context.close();
  });

  it('a department appeals a bad rating and answers its follow-up; the supervisor marks 急办 and voids the rating', async () => {
    // refused by TRAFFIC_POLICE, rated 非常不满意: the follow-up is that department's
    const { caseNo, queryCode } = await inReview();
    for (const task of (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`)).body) {
      const refuse = task.department === 'TRAFFIC_POLICE';
      await api
        .as(`reviewer.${task.department}`)
        .post(
          `/tasks/${task.id}/opinion`,
          refuse ? { decision: 'refuse', reason: '遮挡交通信号灯' } : { decision: 'approve' },
        );
    }
    const rated = await api.post(
      `/applications/${caseNo}/rating`,
      { level: 'very_dissatisfied', comment: '理由没讲清楚' },
      { 'x-query-code': queryCode, 'idempotency-key': newKey() },
    );
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);

    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/inbox', 'reviewer.TRAFFIC_POLICE');
    await page.getByRole('tab', { name: '差评整改' }).click();
    const item = page.locator('li', { hasText: caseNo });
    await item.getByRole('button', { name: '评价申诉' }).click();
    await item.getByLabel('申诉理由').fill('不予许可理由已书面告知');
    await item.getByRole('button', { name: '提交申诉' }).click();
    await expect.poll(async () => (await view(caseNo)).rating.status, untilShown).toBe('appealed');
    await item.getByRole('button', { name: '答复整改' }).click();
    await item.getByLabel('整改情况').fill('已电话回访，重新说明理由和救济途径');
    await item.getByRole('button', { name: '提交整改答复' }).click();
    await expect.poll(async () => (await view(caseNo)).followUp.status, untilShown).toBe('replied');
    await expectClean(w);
    await screenshot(page, 'inbox-follow-up');
    await w.context.close();

    const { caseNo: urgentCase } = await inReview();
    const s = await openPage(browser, apiUrl, DESKTOP);
    await signIn(s, '/supervision', 'supervisor1');
    await s.page.getByText('在办件（按状态，当前）').waitFor({ timeout: UI_WAIT_MS });
    await s.page.locator('#urgent_caseNo').fill(urgentCase);
    await s.page.locator('#urgent_reason').fill('重点招商项目，限期办结');
    await button(s, '标记急办').click();
    await expect.poll(async () => (await view(urgentCase)).urgent?.by, untilShown).toBe('supervisor1');
    // the appealed rating is listed: picking it fills in the case number
    await button(s, `处理 ${caseNo}`).click();
    expect(await s.page.locator('#appeal-decision_caseNo').inputValue()).toBe(caseNo);
    await s.page.getByRole('radio', { name: '作废评价' }).check();
    await s.page.locator('#appeal-decision_reason').fill('经核实，告知书已说明理由');
    await button(s, '提交处理结果').click();
    await expect.poll(async () => (await view(caseNo)).rating.status, untilShown).toBe('voided');
    await expectClean(s);
    await screenshot(s.page, 'supervision-actions');
    await s.context.close();
  });

  it('the issuing department revokes (注销) a certificate from the done task', async () => {
    const { caseNo, certificateNo } = await finishedCase(api, { applicant: applicant() });
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/inbox', 'reviewer.CITY_MANAGEMENT');
    await page.getByRole('tab', { name: /已办/ }).click();
    await button(w, caseNo).click();
    await page.getByText(certificateNo).waitFor({ timeout: UI_WAIT_MS });
    await page.getByLabel('注销理由').fill('设施已拆除，申请人申请注销');
    await button(w, '注销证照').click();
    await expect
      .poll(async () => (await api.get(`/certificates/${certificateNo}/verify`)).body.status, untilShown)
      .toBe('revoked');
    await expectClean(w);
    await screenshot(page, 'inbox-revocation');
    await w.context.close();
  });

  it('a head sees every pending extension of the department and approves one', async () => {
    const { caseNo } = await inReview();
    const requested = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions`,
        { department: 'CITY_MANAGEMENT', reason: '需征求街道意见' },
        { 'idempotency-key': newKey() },
      );
    expect(requested.status).toBe(201);
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/inbox', 'head.CITY_MANAGEMENT');
    await page.getByRole('tab', { name: '延期审批' }).click();
    const item = page.locator('li', { hasText: caseNo });
    await item.getByText('需征求街道意见').waitFor({ timeout: UI_WAIT_MS });
    await expectClean(w);
    await item.getByRole('button', { name: '批准延期' }).click();
    await expect.poll(async () => (await view(caseNo)).extensions[0].status, untilShown).toBe('approved');
    await item.waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    await expectClean(w);
    await w.context.close();
    await approveAll(api, caseNo);
  });
});
