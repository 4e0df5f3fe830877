/**
 * Chromium driven by playwright-core (Debian's /usr/bin/chromium, or CHROMIUM_PATH): every page is watched for
 * console errors, uncaught exceptions and failed requests (4xx/5xx or network errors), and checked with axe.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots of every page the tests visit (git-ignored). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR || path.join(root, '.data', 'screenshots');

export const PHONE = { width: 375, height: 667 };
export const DESKTOP = { width: 1366, height: 768 };

/**
 * How long a page may take to show what the test waits for. On a loaded 2-core machine an API answer behind a page can
 * take seconds: vitest's `expect.poll` would give up after 1 s by default, so every poll and every Playwright wait
 * (through the context's default timeout) gets this bound instead.
 */
export const UI_WAIT_MS = 30_000;
export const untilShown = { timeout: UI_WAIT_MS };

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => Boolean(p),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `no Chromium found (tried ${candidates.join(', ')}): apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  }
  return found;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Containers and CI run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** What went wrong on a page: console errors, page errors, failed requests (minus the ones a test expects). */
export interface Watched {
  page: Page;
  context: BrowserContext;
  problems: string[];
  /** A request the test provokes on purpose (e.g. an unknown case number): its failure is not a problem. */
  expectFailure(match: (url: string, status: number) => boolean): void;
}

export async function openPage(browser: Browser, baseURL: string, viewport = DESKTOP): Promise<Watched> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'zh-CN', acceptDownloads: true });
  context.setDefaultTimeout(UI_WAIT_MS);
  context.setDefaultNavigationTimeout(UI_WAIT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  const expected: Array<(url: string, status: number) => boolean> = [];
  const isExpected = (url: string, status: number) => expected.some((m) => m(url, status));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every 4xx/5xx response as a console error too: those are judged as responses below.
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(message.text())) {
      const status = Number(/status of (\d+)/.exec(message.text())?.[1]);
      if (isExpected(message.location().url, status)) return;
    }
    problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A download the browser hands over, a navigation the test itself replaced, or a read still in flight when the
    // test leaves the page (the browser cancels it) is not a failure of the app; a cancelled write would be.
    const failure = request.failure()?.errorText ?? '';
    if (/ERR_ABORTED/.test(failure) && (request.isNavigationRequest() || request.method() === 'GET')) return;
    if (isExpected(request.url(), 0)) return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status >= 400 && !isExpected(response.url(), status)) {
      problems.push(`HTTP ${status}: ${response.request().method()} ${response.url()}`);
    }
  });
  return { page, context, problems, expectFailure: (match) => expected.push(match) };
}

/** Serious and critical axe violations (WCAG 2.x A and AA rules and axe's best practices). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join('; ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
