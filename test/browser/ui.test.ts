/**
 * The public pages and the guards in a real browser against the real stack: the watch itself, the home page, a
 * certificate verified on a phone, sign-in (a wrong password, a staff page sending the user to /login and back, 退出),
 * and a record tampered with in PostgreSQL (/verify 已被篡改, /audit 发现问题). Each role's main path is in roles.test.ts.
 * Every page fails the test on a console error, a failed request it did not provoke, or a serious/critical axe
 * violation, and leaves a screenshot in .data/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import postgres from 'postgres';
import { client } from '../integration/http.ts';
import { accessibilityProblems, DESKTOP, launch, openPage, PHONE, screenshot, untilShown } from './browser.ts';
import { expectClean, finishedCase, signIn } from './steps.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
let browser: Browser;
let certificateNo: string;

beforeAll(async () => {
  browser = await launch();
  ({ certificateNo } = await finishedCase(api));
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
    await expect.poll(() => w.problems.length, untilShown).toBeGreaterThanOrEqual(2);
    expect(w.problems.join('\n')).toContain('console error: deliberate');
    expect(w.problems.join('\n')).toMatch(/HTTP 404: GET .*\/no-such-api/);
    expect((await accessibilityProblems(w.page)).join('\n')).toContain('image-alt');
    await w.context.close();
  });

  it('home page links to every page; the API keeps its JSON 404 and strict CSP beside it', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const response = await w.page.goto('/');
    expect(response?.headers()['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    await expect
      .poll(() => w.page.getByRole('heading', { level: 1 }).textContent(), untilShown)
      .toBe('政务服务中心 一门式审批');
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

  it('/verify/<number> on a phone says 真实有效 with issuer, masked holder and fingerprint; an unknown one 未找到', async () => {
    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    // Loaded directly (the QR code's way in): the server answers the page for the path.
    await page.goto(`/verify/${certificateNo}`);
    await expect.poll(() => page.getByTestId('verify-result').textContent(), untilShown).toBe('真实有效');
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
    await expect.poll(() => page.getByTestId('verify-result').textContent(), untilShown).toBe('未找到');
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('/login: a wrong password says so in Chinese; a staff page sends the user to /login and back; 退出 signs out', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    w.expectFailure((url, status) => url.endsWith('/auth/me') && status === 401);
    w.expectFailure((url, status) => url.endsWith('/auth/login') && status === 401);
    // The test loads pages one after the other at once: Chromium's favicon request of one is cut off by the next.
    w.expectFailure((url, status) => url.endsWith('/favicon.svg') && status === 0);
    await page.goto('/supervision');
    await page.waitForURL(/\/login\?next=%2Fsupervision/);
    await page.getByLabel('用户名').fill('supervisor1');
    await page.getByLabel('密码').fill('wrong');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByText('用户名或密码错误，请重新输入。').waitFor();
    await expectClean(w);
    await screenshot(page, 'login-failed');
    await page.getByLabel('密码').fill('demo');
    await page.getByLabel('密码').press('Enter');
    await page.waitForURL(/\/supervision$/);
    await expect.poll(() => page.getByTestId('current-user').textContent(), untilShown).toContain('电子监察人员');
    await page.getByRole('heading', { level: 1, name: '电子监察' }).waitFor();
    await page.getByText('按部门按时办结率').waitFor();
    // Another role's page: 无权访问, no request refused.
    await page.goto('/window');
    await page.getByText('无权访问').waitFor();
    await expectClean(w);
    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.waitForURL(/\/login$/);
    await page.goto('/audit');
    await page.waitForURL(/\/login\?next=%2Faudit/);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });

  it('a tampered record: /verify says 已被篡改 and /audit 发现问题 with the problem and its place', async () => {
    const tampered = await finishedCase(api);
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
    await expect.poll(() => page.getByTestId('verify-result').textContent(), untilShown).toBe('已被篡改');
    await page.getByText('发现的问题').waitFor();
    await expectClean(w);
    await screenshot(page, 'verify-altered');

    await page.setViewportSize(DESKTOP);
    await signIn(w, `/audit?caseNo=${tampered.caseNo}`, 'auditor1');
    await page.getByLabel('办件编号').press('Enter');
    await expect.poll(() => page.getByTestId('audit-status').textContent(), untilShown).toBe('发现问题');
    expect(await page.locator('.ant-alert-error li').first().innerText()).toContain('第 2 条');
    await expectClean(w);
    await screenshot(page, 'audit-problems');
    await w.context.close();
  });
});
