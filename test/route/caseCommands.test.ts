/**
 * The command routes over Fastify's `inject`, with the engine and the sessions stubbed: what the API does before and
 * after it calls a case (api/caseCommand.ts, api/caseClient.ts) — the body's validation, the Idempotency-Key, the role
 * check, the command it sends, and how every engine answer becomes an HTTP answer. No database, no engine: the
 * integration suite shows the parts fit.
 */
import {
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowUpdateOptions,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type ApiDeps } from '../../api/app.ts';
import { ruleStatus } from '../../api/ruleStatus.ts';
import { createClock } from '../../infra/clock.ts';
import type { StaffUser } from '../../rules/access.ts';
import { decide, type RuleViolation } from '../../rules/caseDecisions.ts';
import { evolve, type CaseState } from '../../rules/caseModel.ts';
import type { CaseAnswer } from '../../workflows/caseMessages.ts';
import { clerk, command } from '../support/commands.ts';
import { applicant, cst, snapshot } from '../unit/fixtures.ts';

const CASE_NO = 'SQ20260706000042';
const NOW = cst('2026-07-06 10:00');

const staff: Record<string, StaffUser> = {
  clerkToken_0123456789abcdef: {
    username: 'clerk1',
    displayName: '窗口一',
    role: 'clerk',
    window: 'W01',
    standsInFor: [],
  },
  reviewerToken_0123456789abcd: {
    username: 'reviewer.CITY_MANAGEMENT',
    displayName: '城管审查',
    role: 'reviewer',
    department: 'CITY_MANAGEMENT',
    standsInFor: [],
  },
};
const as = (username: string) => {
  const token = Object.entries(staff).find(([, user]) => user.username === username)?.[0];
  return { authorization: `Bearer ${token}` };
};

/** The case as the rules leave it after its submission: what a successful stub answer carries. */
function submittedCase(): CaseState {
  const decision = decide(
    undefined,
    command(
      'submit',
      {
        caseNo: CASE_NO,
        queryCode: 'Q7X2',
        applicant,
        matters: [snapshot('OUTDOOR_AD_PERMIT')],
        materials: ['OUTDOOR_AD_APPLICATION'],
        form: {},
        window: 'W01',
      },
      clerk('clerk1'),
      NOW,
    ),
  );
  if (!decision.ok) throw new Error('submission refused');
  return decision.events.reduce<CaseState | undefined>(evolve, undefined)!;
}

/** What the stub engine was asked, and how it answers the next Update. */
interface UpdateCall {
  workflowId: string;
  name: string;
  options: WorkflowUpdateOptions & { args: unknown[] };
}
let calls: UpdateCall[] = [];
let answer: (call: UpdateCall) => Promise<CaseAnswer>;
let caseExists = false;

const ENGINE_TIMEOUT_MS = 100;

const temporal = {
  // As the real client: the deadline ends the call; an Update still waiting fails as timed out.
  withDeadline: <R>(deadline: number, fn: () => Promise<R>): Promise<R> =>
    Promise.race([
      fn(),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out waiting for update')),
          deadline - Date.now(),
        ),
      ),
    ]),
  workflow: {
    getHandle: (workflowId: string) => ({
      executeUpdate: (definition: { name: string }, options: UpdateCall['options']) => {
        const call = { workflowId, name: definition.name, options };
        calls.push(call);
        return answer(call);
      },
    }),
  },
};

let app: FastifyInstance;

beforeAll(async () => {
  const deps = {
    db: {},
    catalogue: { get: async () => ({}), invalidate: () => {} },
    signingKey: { keyId: 'k', publicKeyPem: '', publicKey: {} },
    temporal,
    taskQueue: 'q',
    engineTimeoutMs: ENGINE_TIMEOUT_MS,
    clock: createClock({ startMs: NOW }),
    certificatePrefix: 'X',
    caseExists: async () => caseExists,
    files: {
      store: {},
      settings: { maxBytes: 1024, orphanHours: 24, storage: { kind: 'folder', dir: '/nonexistent' } },
    },
    staffSession: async (token: string) => staff[token],
  } as unknown as ApiDeps;
  app = await buildApp(deps);
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  calls = [];
  caseExists = false;
  answer = async () => ({ state: submittedCase() });
});

const accept = (headers: Record<string, string>, payload: unknown = { decision: 'accept' }) =>
  app.inject({ method: 'POST', url: `/applications/${CASE_NO}/acceptance`, headers, payload: payload as object });

const opinion = (headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: `/tasks/${CASE_NO}-OUTDOOR_AD_PERMIT-CITY_MANAGEMENT/opinion`,
    headers,
    payload: { decision: 'approve' },
  });

describe('validation', () => {
  it('refuses a body with a field the route does not know, naming the field, before the engine is called', async () => {
    const response = await accept(as('clerk1'), { decision: 'accept', approvedBy: 'someone' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'unknown_field', field: 'approvedBy' });
    expect(response.json().message).toContain('approvedBy');
    expect(calls).toHaveLength(0);
  });

  it('names a nested unknown field by its path', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/applications',
      headers: { ...as('clerk1'), 'idempotency-key': 'k-1' },
      payload: {
        matters: ['OUTDOOR_AD_PERMIT'],
        applicant: { ...applicant, nickname: '老王' },
        materials: [],
        form: {},
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'unknown_field', field: 'applicant.nickname' });
  });

  it('refuses a value outside the allowed ones', async () => {
    const response = await accept(as('clerk1'), { decision: 'maybe' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_field', field: 'decision' });
    expect(calls).toHaveLength(0);
  });

  it('a submission without an Idempotency-Key is refused: a retry could not be recognised', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/applications',
      headers: as('clerk1'),
      payload: { matters: ['OUTDOOR_AD_PERMIT'], applicant, materials: [], form: {} },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'idempotency_key_required', field: 'Idempotency-Key' });
  });
});

describe('the role check', () => {
  it('401 without a session, before validation and before the engine', async () => {
    const response = await accept({}, { decision: 'accept', extra: 1 });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'authentication_required', field: 'session' });
    expect(calls).toHaveLength(0);
  });

  it('401 session_expired for a token no session has', async () => {
    const response = await accept({ authorization: 'Bearer unknownToken_0123456789abcdef' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'session_expired' });
  });

  it('403 for a role the action is not given to', async () => {
    const response = await accept(as('reviewer.CITY_MANAGEMENT'));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'forbidden' });
    expect(calls).toHaveLength(0);
  });

  it("403 not_your_department for a reviewer's opinion on another department's task", async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/tasks/${CASE_NO}-OUTDOOR_AD_PERMIT-TRAFFIC_POLICE/opinion`,
      headers: as('reviewer.CITY_MANAGEMENT'),
      payload: { decision: 'approve' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'not_your_department', field: 'id' });
    expect(calls).toHaveLength(0);
  });
});

describe('the command sent', () => {
  it('is the envelope: the data, the signed-in actor, the instant the API received it; the key scopes the Update id', async () => {
    const response = await accept({ ...as('clerk1'), 'idempotency-key': 'key-7' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ caseNo: CASE_NO });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ workflowId: CASE_NO, name: 'decideAcceptance' });
    expect(calls[0]?.options.updateId).toBe('decideAcceptance:key-7');
    expect(calls[0]?.options.args).toEqual([
      {
        type: 'decide_acceptance',
        data: { decision: 'accept' },
        meta: { actor: { kind: 'clerk', id: 'clerk1', role: 'clerk', window: 'W01' }, at: expect.any(String) },
      },
    ]);
    const at = Date.parse((calls[0]?.options.args[0] as { meta: { at: string } }).meta.at);
    expect(at - NOW).toBeGreaterThanOrEqual(0);
    expect(at - NOW).toBeLessThan(60_000);
  });

  it('a task command names the department the reviewer acts for', async () => {
    const response = await opinion(as('reviewer.CITY_MANAGEMENT'));
    expect(response.statusCode).toBe(200);
    expect(calls[0]?.options.args[0]).toMatchObject({
      type: 'give_opinion',
      data: {
        taskId: `${CASE_NO}-OUTDOOR_AD_PERMIT-CITY_MANAGEMENT`,
        decision: 'approve',
        department: 'CITY_MANAGEMENT',
      },
      meta: { actor: { kind: 'reviewer', id: 'reviewer.CITY_MANAGEMENT', department: 'CITY_MANAGEMENT' } },
    });
    expect(calls[0]?.options.updateId).toBeUndefined();
  });
});

describe('engine answers', () => {
  const refusedWith = (violation: RuleViolation) => async () => {
    const failure = ApplicationFailure.create({
      type: violation.code,
      message: violation.message,
      nonRetryable: true,
      details: [violation],
    });
    throw new WorkflowUpdateFailedError('Workflow Update failed', failure);
  };

  it.each([
    { code: 'acceptance_already_decided', field: 'decision', status: 409 },
    { code: 'reason_required', field: 'reason', status: 422 },
    { code: 'case_not_found', field: 'caseNo', status: 404 },
    { code: 'not_your_department', field: 'id', status: 403 },
  ])('a rule violation ($code) is answered with its status from api/ruleStatus.ts', async (rule) => {
    expect(ruleStatus(rule.code)).toBe(rule.status);
    answer = refusedWith({ code: rule.code, message: `违反规则 ${rule.code}`, field: rule.field });
    const response = await accept(as('clerk1'));
    expect(response.statusCode).toBe(rule.status);
    expect(response.json()).toEqual({ code: rule.code, message: `违反规则 ${rule.code}`, field: rule.field });
  });

  it('an engine that does not answer within the deadline: 503 engine_unavailable, no cause shown', async () => {
    answer = () => new Promise(() => {});
    const started = Date.now();
    const response = await accept(as('clerk1'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(ENGINE_TIMEOUT_MS - 5);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'engine_unavailable' });
    expect(response.body).not.toContain('Timed out');
  });

  it('any other engine failure is 503 too, never 500', async () => {
    answer = async () => {
      throw new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233');
    };
    const response = await accept(as('clerk1'));
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'engine_unavailable' });
  });

  it('no workflow and no record: 404 case_not_found; a task command: 404 task_not_found', async () => {
    answer = async (call) => {
      throw new WorkflowNotFoundError('workflow not found', call.workflowId, undefined);
    };
    const response = await accept(as('clerk1'));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'case_not_found', field: 'caseNo' });
    const task = await opinion(as('reviewer.CITY_MANAGEMENT'));
    expect(task.statusCode).toBe(404);
    expect(task.json()).toMatchObject({ code: 'task_not_found', field: 'id' });
  });

  it('no workflow but a record: 409 case_closed, whether the workflow is gone or has completed', async () => {
    caseExists = true;
    answer = async (call) => {
      throw new WorkflowNotFoundError('workflow not found', call.workflowId, undefined);
    };
    const gone = await accept(as('clerk1'));
    expect(gone.statusCode).toBe(409);
    expect(gone.json()).toMatchObject({ code: 'case_closed', field: 'caseNo' });
    answer = async () => {
      throw new Error('workflow execution already completed');
    };
    const completed = await accept(as('clerk1'));
    expect(completed.statusCode).toBe(409);
    expect(completed.json()).toMatchObject({ code: 'case_closed' });
  });
});
