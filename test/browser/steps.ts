/** What the browser tests share: the clean-page check, signing in through /login, and cases made over the API. */
import { expect } from 'vitest';
import { applicationBody, newKey, type Client } from '../integration/http.ts';
import { accessibilityProblems, untilShown, type Watched } from './browser.ts';

/** No console error, no failed request and no serious accessibility violation on the page as it is now. */
export async function expectClean(watched: Watched) {
  expect(await accessibilityProblems(watched.page)).toEqual([]);
  expect(watched.problems).toEqual([]);
}

/**
 * Opens a staff page signed out: the app asks /auth/me (401, expected), sends the user to /login, and after the
 * demo password back to the page.
 */
export async function signIn(w: Watched, path: string, username: string) {
  w.expectFailure((url, status) => url.endsWith('/auth/me') && status === 401);
  await w.page.goto(path);
  await w.page.waitForURL(/\/login\?next=/);
  await w.page.getByLabel('用户名').fill(username);
  await w.page.getByLabel('密码').fill('demo');
  await w.page.getByLabel('密码').press('Enter');
  await w.page.waitForURL((url) => url.pathname === path.split('?')[0]);
  await expect.poll(() => w.page.getByTestId('current-user').textContent(), untilShown).toContain('（');
}

/** Submitted, accepted, approved by every department and picked up over the API: a finished case with its certificate. */
export async function finishedCase(api: Client, overrides: Record<string, unknown> = {}) {
  const clerk = api.as('clerk1');
  const submitted = await clerk.post('/applications', applicationBody(overrides), { 'idempotency-key': newKey() });
  expect(submitted.status).toBe(201);
  const caseNo = submitted.body.caseNo as string;
  expect((await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' })).status).toBe(200);
  await approveAll(api, caseNo);
  expect((await clerk.post(`/applications/${caseNo}/delivery`, { method: 'pickup' })).status).toBe(200);
  const view = (await clerk.get(`/applications/${caseNo}`)).body;
  expect(view.status).toBe('approved');
  return {
    caseNo,
    queryCode: submitted.body.queryCode as string,
    certificateNo: view.certificates[0].certificateNo as string,
  };
}

/** Every open task of the case approved by its department's reviewer, stage by stage. */
async function approveAll(api: Client, caseNo: string) {
  for (let round = 0; round < 5; round++) {
    const tasks = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`)).body as Array<{
      id: string;
      department: string;
    }>;
    if (tasks.length === 0) return;
    for (const task of tasks) {
      const opinion = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, {
        decision: 'approve',
      });
      expect(opinion.status).toBe(200);
    }
  }
}
