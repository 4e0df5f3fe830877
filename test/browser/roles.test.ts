/**
 * Each role's main path in a real browser against the real stack, on one two-department case (户外广告及招牌设施设置审批:
 * 市城市管理局 leads, 市公安局交通警察支队 reviews beside it):
 * the clerk signs in, finds the matter by its pinyin initials, reads the guide, submits with the certificate library's
 * 营业执照 pre-ticked, accepts, prints the 受理回执 and sees the ledger; the two departments' reviewers approve in /inbox;
 * the clerk hands the licence out; the applicant tracks the case on a phone with the query code and rates it; the
 * supervisor sees it on /supervision; the auditor replays it on /audit. Each page: no console error, no failed request
 * it did not provoke, no serious/critical axe violation, a screenshot in .data/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { applicationBody, client, newKey } from '../integration/http.ts';
import { randomUscc } from '../support/identity.ts';
import { DESKTOP, launch, openPage, PHONE, screenshot, untilShown, type Watched } from './browser.ts';
import { expectClean, signIn } from './steps.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
const holder = { type: 'organisation', name: '王记烧烤有限公司', idNumber: randomUscc() };
let browser: Browser;
let caseNo: string;
let queryCode: string;

beforeAll(async () => {
  browser = await launch();
  // The applicant's business licence, issued at the window at once (an immediate matter): the certificate library
  // then holds the 营业执照 the outdoor sign permit asks for.
  const clerk = api.as('clerk1');
  const guide = (await api.get('/matters/BUSINESS_REGISTRATION')).body;
  const registered = await clerk.post(
    '/applications',
    {
      matters: ['BUSINESS_REGISTRATION'],
      applicant: holder,
      materials: guide.materials.filter((m: { required: boolean }) => m.required).map((m: { code: string }) => m.code),
    },
    { 'idempotency-key': newKey() },
  );
  expect(registered.status).toBe(201);
  const decided = await clerk.post(`/applications/${registered.body.caseNo}/acceptance`, { decision: 'accept' });
  expect(decided.body.status).toBe('approved');
});

afterAll(async () => {
  await browser?.close();
});

const button = (w: Watched, name: string) =>
  w.page.getByRole('button', { name: new RegExp(`^${[...name].join('\\s*')}$`) });

describe('each role in the browser', () => {
  it('clerk: finds the matter by pinyin initials, submits with the library licence pre-ticked, accepts, prints the receipt, sees the ledger', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/window', 'clerk1');
    await page.getByLabel('事项名称、编码或拼音首字母').fill('hwgg');
    await page.getByRole('link', { name: '户外广告及招牌设施设置审批（承诺件）' }).click();
    await page.getByText('办事指南：户外广告及招牌设施设置审批（承诺件）').waitFor();
    await page.getByLabel('申请人名称').fill(holder.name);
    await page.getByLabel('证件号码').fill(holder.idNumber);
    await page.getByLabel('联系电话').focus(); // leaving the field asks the certificate library
    const licence = page.getByRole('checkbox', { name: /^营业执照/ });
    await expect.poll(() => licence.isChecked(), untilShown).toBe(true);
    await page.getByText('证照库已有').waitFor();
    for (const name of [
      /^户外广告及招牌设施设置申请表/,
      /^设施设计效果图/,
      /^建筑物、构筑物所有权人或管理人同意设置的证明/,
    ]) {
      // .first(): the materials list comes before the 告知承诺 list, which names one of them again.
      await page.getByRole('checkbox', { name }).first().check();
    }
    await expectClean(w);
    await screenshot(page, 'window-receive');
    await button(w, '提交申请').click();
    queryCode = (await page.getByTestId('query-code').textContent(untilShown)) ?? '';
    caseNo = /SQ\d+/.exec((await page.getByText(/已收件，办件编号/).textContent()) ?? '')?.[0] ?? '';
    expect(caseNo).toMatch(/^SQ\d+$/);
    expect(queryCode).toMatch(/^\d+$/);
    const received = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    expect(received.fromLibrary.map((f: { material: string }) => f.material)).toContain('BUSINESS_LICENCE');

    await button(w, '提交受理决定').click();
    await expect.poll(() => page.getByTestId('desk-status').textContent(), untilShown).toBe('审查中');
    const accepted = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    await button(w, '打印受理回执').click();
    await expect
      .poll(() => page.getByTestId('receipt-promised').textContent(), untilShown)
      .toBe(accepted.deadlines.promisedDue);
    await page.getByText(queryCode, { exact: true }).waitFor();
    await expectClean(w);
    await screenshot(page, 'window-receipt');
    await button(w, '返回').click();

    await page.getByRole('tab', { name: '台帐' }).click();
    await page.getByRole('link', { name: caseNo }).waitFor();
    expect(await page.getByRole('link', { name: '下载 CSV' }).getAttribute('href')).toMatch(/format=csv$/);
    await expectClean(w);
    await screenshot(page, 'window-ledger');
    await w.context.close();
  });

  for (const [department, name] of [
    ['TRAFFIC_POLICE', '市公安局交通警察支队'],
    ['CITY_MANAGEMENT', '市城市管理局'],
  ] as const) {
    it(`reviewer of ${name} approves the task in /inbox`, async () => {
      const w = await openPage(browser, apiUrl, DESKTOP);
      const { page } = w;
      await signIn(w, '/inbox', `reviewer.${department}`);
      await button(w, caseNo).click();
      await expect.poll(() => page.getByTestId('task-status').textContent(), untilShown).toBe('审查中');
      await page.getByText('营业执照').first().waitFor();
      if (department === 'CITY_MANAGEMENT') {
        // The lead department sees the other department's opinion.
        await page.getByText('其他部门意见').waitFor();
        await page.getByText('市公安局交通警察支队').waitFor();
      }
      await expectClean(w);
      await screenshot(page, `inbox-task-${department}`);
      await page.getByLabel('审查意见（可选）').fill('符合设置规划，同意');
      await button(w, '提交审查意见').click();
      await expect.poll(() => page.getByTestId('task-status').textContent(), untilShown).toBe('同意');
      await button(w, '返回待办').click();
      await page.getByRole('tab', { name: /已办/ }).click();
      await button(w, caseNo).waitFor();
      await expectClean(w);
      await screenshot(page, `inbox-done-${department}`);
      await w.context.close();
    });
  }

  it('clerk hands the licence out at the window', async () => {
    await expect
      .poll(async () => (await api.as('clerk1').get(`/applications/${caseNo}`)).body.status, untilShown)
      .toBe('approved');
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/window', 'clerk1');
    await page.getByRole('tab', { name: '受理与出件' }).click();
    await page.getByLabel('办件编号').fill(caseNo);
    await page.getByLabel('办件编号').press('Enter');
    await button(w, '确认送达').click();
    await expect.poll(() => page.getByTestId('desk-delivery').textContent(), untilShown).toContain('窗口领取');
    expect((await api.as('clerk1').get(`/applications/${caseNo}`)).body.delivery).toMatchObject({ method: 'pickup' });
    await expectClean(w);
    await screenshot(page, 'window-delivery');
    await w.context.close();
  });

  it('applicant on a phone: a wrong query code is an unknown case; the right one shows 准予许可 and the rating is sent', async () => {
    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    w.expectFailure((url, status) => url.endsWith(`/applications/${caseNo}`) && status === 404);
    await page.goto('/track');
    await page.getByLabel('办件编号').fill(caseNo);
    await page.getByLabel('查询码').fill('000000');
    await page.getByLabel('查询码').press('Enter');
    await page.getByText('查询失败').waitFor();
    await page.getByLabel('查询码').fill(queryCode);
    await page.getByLabel('查询码').press('Enter');
    await expect.poll(() => page.getByTestId('case-status').textContent(), untilShown).toBe('准予许可');
    await page.getByRole('link', { name: /^核验证照 / }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectClean(w);
    await page.getByRole('radio', { name: '非常满意', exact: true }).check();
    await page.getByLabel('意见建议（可选）').fill('一窗受理，两个部门同时审查，很快');
    await button(w, '提交评价').click();
    await page.getByText('您的评价：非常满意').waitFor(untilShown);
    await expectClean(w);
    await screenshot(page, 'track');
    await w.context.close();
  });

  it('supervisor: the case counted for both departments, with the charts', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/supervision', 'supervisor1');
    await page.getByRole('figure', { name: '按部门按时办结率' }).locator('canvas').waitFor();
    await page.getByRole('figure', { name: '办件状态' }).locator('canvas').waitFor();
    await page.getByRole('figure', { name: '好差评' }).waitFor();
    await page.getByRole('cell', { name: '市城市管理局' }).waitFor();
    await page.getByRole('cell', { name: '市公安局交通警察支队' }).waitFor();
    await expectClean(w);
    await screenshot(page, 'supervision');
    await w.context.close();
  });

  it('a reviewer asks for more time in /inbox; the head of the department approves it under 延期审批', async () => {
    const clerk = api.as('clerk1');
    const submitted = await clerk.post(
      '/applications',
      applicationBody({ applicant: { ...holder, idNumber: randomUscc() } }),
      { 'idempotency-key': newKey() },
    );
    const second = submitted.body.caseNo as string;
    expect((await clerk.post(`/applications/${second}/acceptance`, { decision: 'accept' })).status).toBe(200);

    const reviewer = await openPage(browser, apiUrl, DESKTOP);
    await signIn(reviewer, '/inbox', 'reviewer.CITY_MANAGEMENT');
    await button(reviewer, second).click();
    await reviewer.page.getByText('申请延长审查期限（须经部门负责人批准）').click();
    await reviewer.page.getByLabel('延期理由').fill('需现场踏勘设置位置，另需征求街道意见');
    await button(reviewer, '提交延期申请').click();
    await reviewer.page.getByText(/待负责人审批/).waitFor(untilShown);
    await expectClean(reviewer);
    await screenshot(reviewer.page, 'inbox-extension-request');
    await reviewer.context.close();

    const head = await openPage(browser, apiUrl, DESKTOP);
    await signIn(head, '/inbox', 'head.CITY_MANAGEMENT');
    await head.page.getByRole('tab', { name: '延期审批' }).click();
    await head.page.getByText('需现场踏勘设置位置，另需征求街道意见', { exact: false }).waitFor();
    await expectClean(head);
    await screenshot(head.page, 'inbox-extension-approval');
    await button(head, '批准延期').click();
    await expect
      .poll(async () => (await clerk.get(`/applications/${second}`)).body.extensions[0]?.status, untilShown)
      .toBe('approved');
    expect(head.problems).toEqual([]);
    await head.context.close();
  });

  it('admin: lands on 用户管理 after sign-in and opens an account for a new window clerk', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await page.goto('/login');
    await page.getByLabel('用户名').fill('admin1');
    await page.getByLabel('密码').fill('demo');
    await page.getByLabel('密码').press('Enter');
    await page.waitForURL(/\/accounts$/);
    await page.getByRole('cell', { name: 'clerk1', exact: true }).waitFor();
    await page.getByLabel('用户名').fill('clerk9');
    await page.getByLabel('姓名').fill('窗口九号');
    await page.getByLabel('窗口').fill('W09');
    await page.getByLabel('初始密码').fill('window-nine-2026');
    await button(w, '新增').click();
    await page.getByRole('cell', { name: 'clerk9', exact: true }).waitFor(untilShown);
    const users = (await api.as('admin1').get('/users')).body as Array<{ username: string; window: string }>;
    expect(users.find((u) => u.username === 'clerk9')).toMatchObject({ window: 'W09' });
    await expectClean(w);
    await screenshot(page, 'accounts');
    await w.context.close();
  });

  it('auditor: 完整, the timeline, a replay to the acceptance with the slider, the case file', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, `/audit?caseNo=${caseNo}`, 'auditor1');
    await page.getByLabel('办件编号').press('Enter');
    await expect.poll(() => page.getByTestId('audit-status').textContent(), untilShown).toBe('完整');
    const history = (await api.as('auditor1').get(`/applications/${caseNo}/history`)).body.entries as Array<{
      seq: number;
      title: string;
    }>;
    await page.getByText(`全过程记录（${history.length} 条）`).waitFor();
    for (const title of ['收件', '受理', '证照送达']) {
      expect(history.map((e) => e.title).some((t) => t.includes(title))).toBe(true);
    }
    const slider = page.getByRole('slider', { name: '重放到第几条事件' });
    await slider.focus();
    await slider.press('Home');
    await button(w, '重放到第 1 条').click();
    await expect.poll(() => page.getByTestId('replay-status').textContent(), untilShown).toBe('已收件待受理');
    await slider.press('ArrowRight');
    await button(w, '重放到第 2 条').click();
    await page.getByText(/重放到第 2 条（/).waitFor();
    await expectClean(w);
    await screenshot(page, 'audit');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出卷宗' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${caseNo}.case-file.json`);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });
});
