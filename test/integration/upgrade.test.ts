/**
 * Upgrading while cases are in flight: cases wait at every stage (a deemed-acceptance timer pending, a one-time
 * notice unanswered, review open, approved awaiting delivery); a changed worker (certificate numbers now carry the
 * prefix `V2`, a rule that shows in new events) is registered as a new deployment and the old one is stopped.
 * Every case finishes, and the events written after the upgrade come from the new code.
 */
import { useOwnStack } from './ownStack.ts';
import { freePort } from '../../infra/ports.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawnTs, type Stack } from '../../infra/stack.ts';
import { stopChild, waitUntil } from '../../infra/restate.ts';
import { applicationBody, caseInReview, newKey, type Client } from './http.ts';

const SPEED = 60_000; // a virtual day ≈ 1.4 s: the deemed-acceptance timer fires some seconds after the upgrade

const own = useOwnStack('upgrade', { CLOCK_SPEED: String(SPEED) });
let stack: Stack;
let api: Client;
let v2: ChildProcess | undefined;

beforeAll(() => {
  ({ stack, api } = own);
});

afterAll(async () => {
  if (v2) await stopChild(v2);
});

async function waitForStatus(caseNo: string, status: string) {
  let view: any;
  await waitUntil(
    async () => {
      view = (await api.get(`/applications/${caseNo}`)).body;
      return view.status === status;
    },
    { what: `case ${caseNo} to become ${status}`, timeoutMs: 40_000 },
  );
  return view;
}

async function approveAll(caseNo: string) {
  const tasks = (await api.get(`/tasks?caseNo=${caseNo}&status=open`)).body as any[];
  let last: any;
  for (const task of tasks)
    last = await api.post(`/tasks/${task.id}/opinion`, { decision: 'approve', reviewerId: 'r' });
  return last.body;
}

describe('a new worker deployment while cases are in flight', () => {
  it('every waiting case finishes, on the new code', async () => {
    // v1: cases at each stage
    const waitingForTimer = (await api.post('/applications', applicationBody(), { 'idempotency-key': newKey() })).body
      .caseNo;
    const incomplete = (
      await api.post('/applications', applicationBody({ materials: ['OUTDOOR_AD_APPLICATION'] }), {
        'idempotency-key': newKey(),
      })
    ).body.caseNo;
    await api.post(`/applications/${incomplete}/acceptance`, { decision: 'supplement', clerkId: 'c' });
    const inReview = (await caseInReview(api)).caseNo;
    const approvedBefore = (await caseInReview(api)).caseNo;
    const approved = await approveAll(approvedBefore);
    expect(approved.certificates[0].certificateNo).toMatch(/^ZZ/);

    // the upgrade: register v2 at a new URL, then stop v1
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    v2 = spawnTs('worker.ts', { ...stack.env, WORKER_PORT: String(port), CERTIFICATE_PREFIX: 'V2' }, 'inherit');
    await waitUntil(
      async () => {
        const body = (await (await fetch(`${stack.adminUrl}/deployments`)).json()) as any;
        return body.deployments.some((d: any) => d.uri.replace(/\/$/, '') === url);
      },
      { what: 'v2 deployment', child: v2 },
    );
    await stack.killWorker('SIGTERM');
    // still waiting: the deemed-acceptance timer v1 scheduled has not fired yet
    expect((await api.get(`/applications/${waitingForTimer}`)).body.status).toBe('received');

    // a timer scheduled by v1 fires on v2
    await waitForStatus(waitingForTimer, 'in_review');
    expect((await approveAll(waitingForTimer)).certificates[0].certificateNo).toMatch(/^V2/);

    await api.post(`/applications/${incomplete}/supplements`, {
      materials: ['BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'],
    });
    await api.post(`/applications/${incomplete}/acceptance`, { decision: 'accept', clerkId: 'c' });
    expect((await approveAll(incomplete)).certificates[0].certificateNo).toMatch(/^V2/);

    expect((await approveAll(inReview)).certificates[0].certificateNo).toMatch(/^V2/);

    const delivered = await api.post(`/applications/${approvedBefore}/delivery`, { method: 'pickup', clerkId: 'c' });
    expect(delivered.status).toBe(200);
    expect(delivered.body.delivery.method).toBe('pickup');
    expect(delivered.body.certificates[0].certificateNo).toMatch(/^ZZ/); // issued before the upgrade, kept

    for (const caseNo of [waitingForTimer, incomplete, inReview]) {
      const view = (await api.get(`/applications/${caseNo}`)).body;
      expect(view.status).toBe('approved');
      expect(view.events.map((e: any) => e.seq)).toEqual(view.events.map((_: any, i: number) => i + 1));
    }
  });
});
