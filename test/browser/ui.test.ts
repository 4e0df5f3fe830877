/**
 * The web UI in a real browser against the real stack: a case is submitted, accepted, approved by both departments
 * and delivered over the API; then the applicant tracks it on a phone and rates it, anyone verifies its certificate,
 * the auditor checks, reads and replays it and downloads the case file, the supervisor opens the figures. Every page
 * fails the test on a console error, a failed request it did not provoke, or a serious/critical axe violation, and
 * leaves a screenshot in .data/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import postgres from 'postgres';
import { applicationBody, client, newKey } from '../integration/http.ts';
import { accessibilityProblems, DESKTOP, launch, openPage, PHONE, screenshot, type Watched } from './browser.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
let browser: Browser;
let caseNo: string;
let queryCode: string;
let certificateNo: string;

/** Submitted, accepted, approved by every department and picked up: a finished case with its certificate. */
async function finishedCase() {
  const submitted = await api.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  expect(submitted.status).toBe(201);
  const accepted = await api.post(`/applications/${submitted.body.caseNo}/acceptance`, {
    decision: 'accept',
    clerkId: 'clerk-01',
  });
  expect(accepted.status).toBe(200);
  const tasks = (await api.get(`/tasks?caseNo=${submitted.body.caseNo}&status=open`)).body as Array<{
    id: string;
    department: string;
  }>;
  expect(tasks.length).toBeGreaterThan(0);
  for (const task of tasks) {
    const opinion = await api.post(`/tasks/${task.id}/opinion`, {
      decision: 'approve',
      reviewerId: 'r-01',
      department: task.department,
    });
    expect(opinion.status).toBe(200);
  }
  const delivered = await api.post(`/applications/${submitted.body.caseNo}/delivery`, {
    method: 'pickup',
    clerkId: 'clerk-01',
  });
  expect(delivered.status).toBe(200);
  const view = (await api.get(`/applications/${submitted.body.caseNo}`)).body;
  expect(view.status).toBe('approved');
  return {
    caseNo: submitted.body.caseNo as string,
    queryCode: submitted.body.queryCode as string,
    certificateNo: view.certificates[0].certificateNo as string,
  };
}

/** No console error, no failed request and no serious accessibility violation on the page as it is now. */
async function expectClean(watched: Watched) {
  expect(await accessibilityProblems(watched.page)).toEqual([]);
  expect(watched.problems).toEqual([]);
}

beforeAll(async () => {
  browser = await launch();
  ({ caseNo, queryCode, certificateNo } = await finishedCase());
});

afterAll(async () => {
  await browser?.close();
});

describe('web UI', () => {
  it('the watch itself catches a console error, a failed request and an accessibility violation', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    await w.page.goto('/');
    await w.page.getByRole('heading', { level: 1 }).waitFor();
    await w.page.evaluate(async () => {
      console.error('deliberate');
      await fetch('/no-such-api');
      const img = document.createElement('img');
      img.src = '/favicon.svg';
      document.querySelector('main')?.append(img);
    });
    await expect.poll(() => w.problems.length).toBeGreaterThanOrEqual(2);
    expect(w.problems.join('\n')).toContain('console error: deliberate');
    expect(w.problems.join('\n')).toMatch(/HTTP 404: GET .*\/no-such-api/);
    expect((await accessibilityProblems(w.page)).join('\n')).toContain('image-alt');
    await w.context.close();
  });

  it('home page links to every page; the API keeps its JSON 404 and strict CSP beside it', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const response = await w.page.goto('/');
    expect(response?.headers()['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    await expect.poll(() => w.page.getByRole('heading', { level: 1 }).textContent()).toBe('政务服务中心 一门式审批');
    for (const name of ['办件查询', '证照核验', '审计', '电子监察']) {
      expect(await w.page.getByRole('link', { name, exact: true }).count()).toBeGreaterThan(0);
    }
    await expectClean(w);
    await screenshot(w.page, 'home');
    const unknown = await api.get('/no-such-api/path');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('route_not_found');
    const json = await fetch(`${apiUrl}/matters`);
    expect(json.headers.get('content-security-policy')).toContain("default-src 'none'");
    await w.context.close();
  });

  it('/track on a phone: progress, notices, certificate, and the applicant rates the finished case', async () => {
    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    await page.goto('/track');
    // A wrong number first: the 404 is provoked on purpose and shown as a message.
    w.expectFailure((url, status) => url.endsWith('/applications/SQ00000000000000') && status === 404);
    await page.getByLabel('办件编号').fill('SQ00000000000000');
    await page.getByLabel('查询码').fill('000000');
    await page
      .getByRole('button', { name: '查 询' })
      .or(page.getByRole('button', { name: '查询' }))
      .click();
    await page.getByText('查询失败').waitFor();

    await page.getByLabel('办件编号').fill(caseNo);
    await page.getByLabel('查询码').fill(queryCode);
    await page.getByLabel('查询码').press('Enter');
    await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('准予许可');
    await page.getByRole('link', { name: `核验证照 ${certificateNo}` }).waitFor();
    // Fits the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectClean(w);

    await page.getByRole('radio', { name: '满意', exact: true }).check();
    await page.getByLabel('意见建议（可选）').fill('窗口服务热情，一次办好');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('您的评价：满意').waitFor({ timeout: 30_000 });
    const rated = (await api.get(`/applications/${caseNo}`)).body;
    expect(rated.rating).toMatchObject({ level: 'satisfied', comment: '窗口服务热情，一次办好' });
    await expectClean(w);
    await screenshot(w.page, 'track');

    // The certificate's link leads to its verification.
    await page.getByRole('link', { name: `核验证照 ${certificateNo}` }).click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toBe('真实有效');
    await w.context.close();
  });

  it('/verify/<number> on a phone says 真实有效 with issuer, masked holder and fingerprint; an unknown one 未找到', async () => {
    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    // Loaded directly (the QR code's way in): the server answers the page for the path.
    await page.goto(`/verify/${certificateNo}`);
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toBe('真实有效');
    const text = await page.locator('main').innerText();
    expect(text).toContain('发证机关');
    expect(text).toContain('张记餐饮有限公司');
    expect(text).toMatch(/\*{4,}/); // the holder's id number masked
    expect(text).toContain('签名公钥指纹');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectClean(w);
    await screenshot(page, 'verify');

    await page.getByLabel('证照编号').fill('ZZNOSUCH-1');
    await page.getByLabel('证照编号').press('Enter');
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toBe('未找到');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('/audit: 完整, the timeline, a replay to the first event with the slider, and the case file download', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await page.goto('/audit');
    await page.getByLabel('办件编号').fill(caseNo);
    await page.getByLabel('办件编号').press('Enter');
    await expect.poll(() => page.getByTestId('audit-status').textContent()).toBe('完整');
    const history = (await api.get(`/applications/${caseNo}/history`)).body.entries as Array<{ title: string }>;
    expect(await page.getByText(`全过程记录（${history.length} 条）`).count()).toBe(1);
    for (const title of ['收件', '受理', '证照送达']) {
      expect(history.map((e) => e.title)).toContain(title);
      expect(await page.locator('.ant-timeline').getByText(title, { exact: false }).count()).toBeGreaterThan(0);
    }

    // Keyboard: the slider's handle to the first event, then replay there.
    const slider = page.getByRole('slider', { name: '重放到第几条事件' });
    await slider.focus();
    await slider.press('Home');
    await page.getByRole('button', { name: '重放到第 1 条' }).click();
    await expect.poll(() => page.getByTestId('replay-status').textContent()).toBe('已收件待受理');
    await slider.press('ArrowRight');
    await page.getByRole('button', { name: '重放到第 2 条' }).click();
    await page.getByText(/重放到第 2 条（/).waitFor();
    await expectClean(w);
    await screenshot(page, 'audit');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出卷宗' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${caseNo}.case-file.json`);
    const file = await download.path();
    const document = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
    expect(document.caseNo).toBe(caseNo);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('/supervision: the figures of the period and the alerts list', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await page.goto('/supervision');
    await page.getByText('按部门').waitFor();
    await page.getByText(/红黄牌预警/).waitFor();
    await expect.poll(async () => (await page.locator('main').innerText()).includes('按时办结率')).toBe(true);
    // The finished case is counted for both departments that reviewed it.
    await page.getByRole('cell', { name: '市城市管理局' }).waitFor();
    await page.getByRole('cell', { name: '市公安局交通警察支队' }).waitFor();
    await expectClean(w);
    await screenshot(page, 'supervision');
    await w.context.close();
  });

  it('a tampered record: /verify says 已被篡改 and /audit 发现问题 with the problem and its place', async () => {
    const tampered = await finishedCase();
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      // What someone with the database's superuser could do: bypass the append-only trigger and edit rows.
      await sql.begin(async (tx) => {
        await tx`SET LOCAL session_replication_role = replica`;
        await tx`UPDATE certificates SET holder_name = '李四' WHERE certificate_no = ${tampered.certificateNo}`;
        await tx`UPDATE case_events SET actor = jsonb_set(actor, '{id}', '"clerk-99"')
                 WHERE case_no = ${tampered.caseNo} AND seq = 2`;
      });
    } finally {
      await sql.end({ timeout: 5 });
    }
    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    await page.goto(`/verify/${tampered.certificateNo}`);
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toBe('已被篡改');
    await page.getByText('发现的问题').waitFor();
    await expectClean(w);
    await screenshot(page, 'verify-altered');

    await page.setViewportSize(DESKTOP);
    await page.goto(`/audit?caseNo=${tampered.caseNo}`);
    await page.getByLabel('办件编号').press('Enter');
    await expect.poll(() => page.getByTestId('audit-status').textContent()).toBe('发现问题');
    expect(await page.locator('.ant-alert-error li').first().innerText()).toContain('第 2 条');
    await expectClean(w);
    await screenshot(page, 'audit-problems');
    await w.context.close();
  });
});
