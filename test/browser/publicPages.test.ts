/**
 * 投诉 · 咨询 and 办件公示 in a real browser: a person files a complaint about a case on a phone; the clerk types in a
 * hotline call; the case's lead department answers on the staff desk; the person reads the answer with the number and
 * the phone; the auditor picks the case from the recent cases and sees the complaint beside its timeline; anyone reads
 * the decided cases with masked names. Every page: no console error, no failed request, no serious axe violation.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { applicationBody, client, newKey } from '../integration/http.ts';
import { randomUscc } from '../support/identity.ts';
import { DESKTOP, launch, openPage, PHONE, screenshot, untilShown, UI_WAIT_MS, type Watched } from './browser.ts';
import { expectClean, finishedCase, signIn } from './steps.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
let browser: Browser;
let caseNo: string;
let number: string;

beforeAll(async () => {
  browser = await launch();
  const clerk = api.as('clerk1');
  const submitted = await clerk.post(
    '/applications',
    applicationBody({ applicant: { type: 'organisation', name: '李记面馆有限公司', idNumber: randomUscc() } }),
    { 'idempotency-key': newKey() },
  );
  caseNo = submitted.body.caseNo as string;
  expect((await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' })).status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
});

const button = (w: Watched, name: string) =>
  w.page.getByRole('button', { name: new RegExp(`^${[...name].join('\\s*')}$`) });

describe('complaints and public disclosure in the browser', () => {
  it('a person files a complaint about a case on a phone', async () => {
    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    await page.goto('/feedback');
    await page.getByLabel('内容').fill('审查进度一直没有更新');
    await page.getByLabel('办件编号（关于某一办件时填写）').fill(caseNo);
    await page.getByLabel('联系电话（凭此查询答复）').fill('13900139000');
    await expectClean(w);
    await button(w, '提交').click();
    const filed = (await page.getByTestId('filed-complaint').textContent(untilShown)) ?? '';
    number = /TS\d+/.exec(filed)?.[0] ?? '';
    expect(number).toMatch(/^TS\d+$/);
    expect(filed).toContain('市城市管理局');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectClean(w);
    await screenshot(page, 'feedback-filed');
    await w.context.close();
  });

  it('the clerk types in a hotline call on the staff desk', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/complaint-desk', 'clerk1');
    await page.locator('label', { hasText: /^咨询$/ }).click();
    await page.getByLabel('内容').fill('来电咨询：户外广告许可需要哪些材料');
    await page.getByLabel('联系电话（凭此查询答复）').fill('13900139001');
    await button(w, '提交').click();
    const filed = (await page.getByTestId('filed-complaint').textContent(untilShown)) ?? '';
    const hotline = /ZX\d+/.exec(filed)?.[0] ?? '';
    const rows = (await api.as('supervisor1').get('/complaints?limit=500')).body as Array<{ number: string }>;
    expect(rows.find((r) => r.number === hotline)).toMatchObject({ channel: 'hotline', filedBy: 'clerk1' });
    await expectClean(w);
    await screenshot(page, 'complaint-desk-hotline');
    await w.context.close();
  });

  it('the lead department answers on the desk; the person reads the answer with number and phone', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/complaint-desk', 'reviewer.CITY_MANAGEMENT');
    const row = page.getByRole('row', { name: new RegExp(number) });
    await row.waitFor({ timeout: UI_WAIT_MS });
    await row.getByRole('button', { name: '展开行' }).click();
    await page.getByLabel(`答复 ${number}`).fill('已加快审查，预计三个工作日内作出决定');
    await button(w, '提交答复').click();
    await row.getByText(/^已答复/).waitFor({ timeout: UI_WAIT_MS });
    await expectClean(w);
    await screenshot(page, 'complaint-desk-reply');
    await w.context.close();

    const p = await openPage(browser, apiUrl, PHONE);
    p.expectFailure((url, status) => url.includes(`/complaints/${number}`) && status === 404);
    await p.page.goto('/feedback');
    await p.page.locator('#complaint-lookup_number').fill(number);
    await p.page.locator('#complaint-lookup_phone').fill('13900139999');
    // The form's own submit button, once it is not loading (a loading icon changes the button's accessible name).
    const lookup = p.page.locator('form#complaint-lookup button[type="submit"]:not(.ant-btn-loading)');
    await lookup.click({ timeout: UI_WAIT_MS });
    await p.page.getByText('查询失败').waitFor({ timeout: UI_WAIT_MS });
    await p.page.locator('#complaint-lookup_phone').fill('13900139000');
    await lookup.click({ timeout: UI_WAIT_MS });
    await expect.poll(() => p.page.getByTestId('complaint-reply').textContent(), untilShown).toContain('已加快审查');
    await expectClean(p);
    await screenshot(p.page, 'feedback-answer');
    await p.context.close();
  });

  it('the auditor picks the case from the recent cases and sees the complaint beside its timeline', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/audit', 'auditor1');
    await page.getByText('最近收件').waitFor({ timeout: UI_WAIT_MS });
    await expectClean(w);
    await page.getByRole('button', { name: caseNo }).click();
    await page.getByText(/关于本办件的投诉/).waitFor({ timeout: UI_WAIT_MS });
    await page.getByText(number, { exact: false }).first().waitFor();
    await expectClean(w);
    await screenshot(page, 'audit-complaints');
    await w.context.close();
  });

  it('anyone reads the decided cases with masked names and the monthly figures', async () => {
    const { caseNo: decided } = await finishedCase(api, {
      applicant: { type: 'organisation', name: '赵氏商贸有限公司', idNumber: randomUscc() },
    });
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await page.goto('/disclosure');
    const row = page.getByRole('row', { name: new RegExp(decided) });
    await row.getByText('赵**').waitFor({ timeout: UI_WAIT_MS });
    await row.getByText('准予许可').waitFor();
    expect(await page.getByText('赵氏商贸有限公司').count()).toBe(0);
    await page.getByRole('cell', { name: '2026-03', exact: true }).waitFor();
    await expectClean(w);
    await screenshot(page, 'disclosure');
    await w.context.close();
  });
});
