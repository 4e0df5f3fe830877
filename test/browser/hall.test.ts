/**
 * The hall in a real browser: an applicant takes a ticket at /kiosk (no sign-in), the clerk at W02 calls it on
 * /window, the call appears on /board (live, over server-sent events) with its spoken text, and the clerk marks it
 * served linking the case received. Each page: no console error, no failed request, no serious/critical axe
 * violation, a screenshot.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { applicationBody, client, newKey } from '../integration/http.ts';
import { DESKTOP, launch, openPage, screenshot } from './browser.ts';
import { expectClean, signIn } from './steps.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('the hall', () => {
  it('a ticket taken at /kiosk is announced on /board when the clerk calls it on /window, then served with its case', async () => {
    const kiosk = await openPage(browser, apiUrl, { width: 1080, height: 1920 });
    await kiosk.page.goto('/kiosk');
    await kiosk.page.getByRole('heading', { name: '自助取号' }).waitFor();
    await kiosk.page.getByRole('button', { name: '户外广告及招牌设施设置审批' }).click();
    const number = (await kiosk.page.getByTestId('ticket-number').textContent())!.trim();
    expect(number).toMatch(/^[A-Z]\d{3}$/);
    await expect.poll(() => kiosk.page.getByTestId('ticket-ahead').textContent()).toBe('0');
    await expectClean(kiosk);
    await screenshot(kiosk.page, 'hall-kiosk-ticket');

    const board = await openPage(browser, apiUrl, { width: 1920, height: 1080 });
    await board.page.goto('/board');
    await board.page.getByRole('heading', { name: '叫号屏' }).waitFor();
    await board.page.getByText('暂无叫号').waitFor();

    const clerk = await openPage(browser, apiUrl, DESKTOP);
    await signIn(clerk, '/window', 'clerk2');
    await expect.poll(() => clerk.page.getByTestId('queue-waiting').textContent()).toBe('1');
    await clerk.page.getByRole('button', { name: /^叫\s*号$/ }).click();
    await expect.poll(() => clerk.page.getByTestId('queue-note').textContent()).toBe(`请 ${number} 号到本窗口`);

    // the board hears the call over its stream: no reload
    await expect.poll(() => board.page.getByTestId('board-number').textContent(), { timeout: 10_000 }).toBe(number);
    await expect.poll(() => board.page.getByTestId('board-window').textContent()).toBe('W02');
    await expect
      .poll(() => board.page.getByTestId('board-announcement').textContent())
      .toBe(`请 ${[...number].join(' ')} 号到 2 号窗口办理`);
    await expectClean(board);
    await screenshot(board.page, 'hall-board');

    // 重呼 is heard again
    await clerk.page.getByRole('button', { name: /^重\s*呼$/ }).click();
    await expect.poll(() => clerk.page.getByTestId('queue-note').textContent()).toBe(`已重呼 ${number}`);

    // the case received for this applicant, linked when the ticket is served
    const received = await api.as('clerk2').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    expect(received.status).toBe(201);
    await clerk.page.getByLabel('受理的办件编号').fill(received.body.caseNo);
    await clerk.page.getByRole('button', { name: /^办\s*结$/ }).click();
    await expect
      .poll(() => clerk.page.getByTestId('queue-note').textContent())
      .toBe(`${number} 已办结，关联办件 ${received.body.caseNo}`);
    await expectClean(clerk);
    await screenshot(clerk.page, 'hall-window-served');

    const figures = await api.as('supervisor1').get('/supervision/queue?from=2026-03-02&to=2026-03-02');
    expect(figures.body.total).toMatchObject({ tickets: 1, called: 1, served: 1 });
    await Promise.all([kiosk.context.close(), board.context.close(), clerk.context.close()]);
  });

  it('an applicant books a slot on /booking and gets the code for the kiosk', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    await w.page.goto('/booking');
    await w.page.getByRole('heading', { name: '预约办事' }).waitFor();
    await w.page.getByLabel('办理事项').fill('企业设立登记');
    await w.page.getByLabel('办理事项').press('Enter');
    await w.page.getByLabel('日期').fill('2026-03-03');
    await w.page.getByLabel('日期').press('Enter');
    await w.page.getByRole('radio', { name: /^09:30–10:00/ }).click();
    await w.page.getByLabel('手机号码').fill('13912345678');
    await w.page.getByRole('button', { name: '提交预约' }).click();
    const code = (await w.page.getByTestId('appointment-code').textContent())!.trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    await expectClean(w);
    await screenshot(w.page, 'hall-booking');
    const slots = await api.get('/appointments/slots?matter=BUSINESS_REGISTRATION&date=2026-03-03');
    expect(slots.body.find((s: { id: string }) => s.id === 'SAMR.2026-03-03.0930').remaining).toBe(3);
    await w.context.close();
  });
});
