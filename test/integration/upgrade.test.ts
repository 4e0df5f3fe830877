/**
 * Upgrading while cases are in flight: cases wait at every stage (a deemed-acceptance timer pending, a one-time
 * notice unanswered, review open, approved awaiting delivery); the worker is stopped and a changed one started
 * (upgrade/caseWorkflowV2.ts: certificate numbers carry the prefix `V2`, behind `patched()`). The new worker has an
 * empty cache, so every old case replays its history on the new code. Every case finishes: old ones as their history
 * requires (certificates issued before the upgrade keep `ZZ`), steps taken after it on the new path.
 */
import { useOwnStack } from './ownStack.ts';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/stack.ts';
import { waitUntil } from '../../infra/processes.ts';
import { applicationBody, caseInReview, newKey, type Client } from './http.ts';

const SPEED = 60_000; // a virtual day ≈ 1.4 s: the deemed-acceptance timer fires some seconds after the upgrade

const own = useOwnStack('upgrade', { CLOCK_SPEED: String(SPEED) });
let stack: Stack;
let api: Client;
const v2Workflows = fileURLToPath(new URL('./upgrade/caseWorkflowV2.ts', import.meta.url));

beforeAll(() => {
  ({ stack, api } = own);
});

async function waitForStatus(caseNo: string, status: string) {
  let view: any;
  await waitUntil(
    async () => {
      view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
      return view.status === status;
    },
    { what: `case ${caseNo} to become ${status}`, timeoutMs: 40_000 },
  );
  return view;
}

async function approveAll(caseNo: string) {
  const tasks = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}&status=open`)).body as any[];
  let last: any;
  for (const task of tasks)
    last = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
  return last.body;
}

describe('a new worker version while cases are in flight', () => {
  it('every waiting case finishes, on the new code', async () => {
    // v1: cases at each stage
    const clerk = api.as('clerk1');
    const waitingForTimer = (await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() })).body
      .caseNo;
    const incompleteSubmitted = (
      await clerk.post('/applications', applicationBody({ materials: ['OUTDOOR_AD_APPLICATION'] }), {
        'idempotency-key': newKey(),
      })
    ).body;
    const incomplete = incompleteSubmitted.caseNo;
    await clerk.post(`/applications/${incomplete}/acceptance`, { decision: 'supplement' });
    const inReview = (await caseInReview(api)).caseNo;
    const approvedBefore = (await caseInReview(api)).caseNo;
    const approved = await approveAll(approvedBefore);
    expect(approved.certificates[0].certificateNo).toMatch(/^ZZ/);

    // the upgrade: stop v1, start v2 on the same task queue
    await stack.killWorker('SIGTERM');
    // Read while no worker runs, so no timer can act between the read and the upgrade: the deemed-acceptance timer
    // v1 scheduled has not been acted on, whatever the machine's load.
    const beforeUpgrade = (await clerk.get(`/applications/${waitingForTimer}`)).body;
    expect(beforeUpgrade.events.map((e: any) => e.type)).not.toContain('deemed_accepted');
    await stack.startWorker({ workflowsPath: v2Workflows });

    // The unanswered notice first: its own due date is the nearest after the deemed acceptance.
    const supplied = await api.withCode(incompleteSubmitted.queryCode).post(`/applications/${incomplete}/supplements`, {
      materials: ['BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'],
    });
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
    const acceptedAfter = await clerk.post(`/applications/${incomplete}/acceptance`, { decision: 'accept' });
    expect(acceptedAfter.status, JSON.stringify(acceptedAfter.body)).toBe(200);
    expect((await approveAll(incomplete)).certificates[0].certificateNo).toMatch(/^V2/);

    // a timer scheduled by v1 fires on v2: recorded as a deemed acceptance, after the events v1 recorded
    const deemed = await waitForStatus(waitingForTimer, 'in_review');
    const deemedEvent = deemed.events.find((e: any) => e.type === 'deemed_accepted');
    expect(deemedEvent?.seq).toBeGreaterThan(beforeUpgrade.events.length);
    expect((await approveAll(waitingForTimer)).certificates[0].certificateNo).toMatch(/^V2/);

    expect((await approveAll(inReview)).certificates[0].certificateNo).toMatch(/^V2/);

    const delivered = await clerk.post(`/applications/${approvedBefore}/delivery`, { method: 'pickup' });
    expect(delivered.status).toBe(200);
    expect(delivered.body.delivery.method).toBe('pickup');
    expect(delivered.body.certificates[0].certificateNo).toMatch(/^ZZ/); // issued before the upgrade, kept

    // a case started after the upgrade runs the new code from its start
    const fresh = (await caseInReview(api)).caseNo;
    expect((await approveAll(fresh)).certificates[0].certificateNo).toMatch(/^V2/);

    for (const caseNo of [waitingForTimer, incomplete, inReview, fresh]) {
      const view = (await clerk.get(`/applications/${caseNo}`)).body;
      expect(view.status).toBe('approved');
      expect(view.events.map((e: any) => e.seq)).toEqual(view.events.map((_: any, i: number) => i + 1));
    }
  });
});
