/**
 * Long lives: a case's workflow continues as new, carrying its state and the ids of the Updates it applied. With a
 * low test-only history limit (the stack's `caseHistoryLimit`) a joint matter with special procedures and an extension runs
 * through several runs and still finishes approved with a clean record; a command retried with the same
 * Idempotency-Key after the run changed is recognised and applied once (the engine's own Update dedup covers one
 * run only). This file runs its own stack.
 */
import { Client as TemporalClient, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../infra/processes.ts';
import type { Stack } from '../../infra/stack.ts';
import { applicationBody, newKey, type Client } from './http.ts';
import { useOwnStack } from './ownStack.ts';

const HISTORY_LIMIT = 40;

const own = useOwnStack('continue-as-new', {}, { caseHistoryLimit: HISTORY_LIMIT });
let stack: Stack;
let api: Client;
let sql: postgres.Sql;
let connection: Connection;
let temporal: TemporalClient;

beforeAll(async () => {
  ({ stack, api } = own);
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
  connection = await Connection.connect({ address: stack.temporalAddress });
  temporal = new TemporalClient({ connection, namespace: stack.namespace });
});

afterAll(async () => {
  await connection?.close();
  await sql?.end();
});

const JOINT = 'CONSTRUCTION_COMPLETION_ACCEPTANCE';

async function expectCleanRecord(caseNo: string, matters: string[]) {
  const events = await sql<{ seq: number; type: string }[]>`
    SELECT seq, type FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === 'certificate_issued')).toHaveLength(matters.length);
  expect(events.filter((e) => e.type === 'case_approved')).toHaveLength(1);
  const certificates = await sql<{ matter: string }[]>`SELECT matter FROM certificates WHERE case_no = ${caseNo}`;
  expect(certificates.map((c) => c.matter).sort()).toEqual([...matters].sort());
  const view = await api.as('clerk1').get(`/applications/${caseNo}`);
  expect(view.body.status).toBe('approved');
  expect(view.body.certificates).toHaveLength(matters.length);
}

async function countEvents(caseNo: string, type: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM case_events WHERE case_no = ${caseNo} AND type = ${type}`;
  return row!.n;
}

async function currentRun(caseNo: string): Promise<string> {
  return (await temporal.workflow.getHandle(caseNo).describe()).runId;
}

/**
 * The runs of a case's workflow, first to current: from the first run id (`firstRunId`), each run's history ends
 * with a ContinuedAsNew event naming the next run. Histories are strongly consistent, unlike visibility.
 */
async function runChain(caseNo: string): Promise<string[]> {
  const latest = await temporal.workflow.getHandle(caseNo).describe();
  const first = latest.raw.workflowExecutionInfo?.firstRunId;
  if (!first) throw new Error(`no firstRunId for ${caseNo}`);
  const runs = [first];
  for (;;) {
    const history = await temporal.workflow.getHandle(caseNo, runs.at(-1)).fetchHistory();
    const next = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) break;
    runs.push(next);
  }
  expect(runs.at(-1)).toBe(latest.runId);
  return runs;
}

/** A command by the demo user `actor` with an Idempotency-Key, failing loudly on an unexpected status. */
async function command(actor: string, path: string, body: Record<string, unknown>, status: number, key = newKey()) {
  const reply = await api.as(actor).post(path, body, { 'idempotency-key': key });
  expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(status);
  return reply.body;
}

describe('continue-as-new', () => {
  it('a case runs through several runs, finishes approved, and a retried command applies once across runs', async () => {
    const materials = ((await api.get(`/matters/${JOINT}`)).body.materials as any[])
      .filter((m) => m.required)
      .map((m) => m.code as string);
    const submitted = await command('clerk1', '/applications', applicationBody({ matters: [JOINT], materials }), 201);
    const caseNo: string = submitted.caseNo;
    await command('clerk1', `/applications/${caseNo}/acceptance`, { decision: 'accept' }, 200);
    const tasks = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}`)).body as Array<{
      id: string;
      department: string;
    }>;
    const task = (department: string) => tasks.find((t) => t.department === department)!.id;
    const [naturalResources, airDefence, housing] = [
      task('NATURAL_RESOURCES'),
      task('CIVIL_AIR_DEFENCE'),
      task('HOUSING'),
    ];

    // Two commands whose retries are checked later, after the run has changed.
    const procedureKey = newKey();
    const procedureBody = {
      type: 'expert_review',
      expectedWorkingDays: 3,
      reason: '人防工程需组织专家评审',
    };
    const nr = 'reviewer.NATURAL_RESOURCES';
    const cad = 'reviewer.CIVIL_AIR_DEFENCE';
    const started = await command(
      nr,
      `/tasks/${naturalResources}/special-procedures`,
      procedureBody,
      201,
      procedureKey,
    );
    const firstProcedure: string = started.procedure.id;
    const procedureRun = await currentRun(caseNo);
    await command(nr, `/tasks/${naturalResources}/special-procedures/${firstProcedure}/end`, {}, 200);
    const opinionKey = newKey();
    const opinionBody = { decision: 'approve' };
    const opinion = await command(cad, `/tasks/${airDefence}/opinion`, opinionBody, 200, opinionKey);
    expect(opinion.status).toBe('in_review');
    const opinionRun = await currentRun(caseNo);

    // More steps (special procedures started and ended again) until the case has continued as new twice since: the
    // carried Update ids must survive being carried again.
    const runsSince = async (runId: string) => {
      const chain = await runChain(caseNo);
      expect(chain).toContain(runId);
      return chain.length - 1 - chain.indexOf(runId);
    };
    let rounds = 0;
    while ((await runsSince(opinionRun)) < 2) {
      if (++rounds > 20) throw new Error(`no continue-as-new after ${rounds} rounds`);
      const again = await command(
        nr,
        `/tasks/${naturalResources}/special-procedures`,
        { ...procedureBody, reason: `第 ${rounds + 1} 次专家评审` },
        201,
      );
      await command(nr, `/tasks/${naturalResources}/special-procedures/${again.procedure.id}/end`, {}, 200);
    }
    expect(await runsSince(procedureRun)).toBeGreaterThanOrEqual(2);

    // The retries reach a run that never saw those Update ids: the carried ids make them answers, not new commands.
    const startedBefore = await countEvents(caseNo, 'special_procedure_started');
    const procedureRetry = await api.as(nr).post(`/tasks/${naturalResources}/special-procedures`, procedureBody, {
      'idempotency-key': procedureKey,
    });
    expect(procedureRetry.status, JSON.stringify(procedureRetry.body)).toBe(201);
    // The first answer's procedure, not the latest one: the workflow carries what each recent Update created.
    expect(procedureRetry.body.procedure.id).toBe(firstProcedure);
    expect(procedureRetry.body.case.caseNo).toBe(caseNo);
    expect(await countEvents(caseNo, 'special_procedure_started')).toBe(startedBefore);
    const opinionRetry = await api.as(cad).post(`/tasks/${airDefence}/opinion`, opinionBody, {
      'idempotency-key': opinionKey,
    });
    expect(opinionRetry.status, JSON.stringify(opinionRetry.body)).toBe(200);
    expect(opinionRetry.body.caseNo).toBe(caseNo);
    expect(opinionRetry.body.status).toBe('in_review');
    const opinions = await sql<{ taskId: string }[]>`
      SELECT data->>'taskId' AS "taskId" FROM case_events WHERE case_no = ${caseNo} AND type = 'opinion_given'`;
    expect(opinions.map((o) => o.taskId)).toEqual([airDefence]);
    // Without a key the same opinion is a new command, refused by the rules: the retry above was recognised.
    const unkeyed = await api.as(cad).post(`/tasks/${airDefence}/opinion`, opinionBody);
    expect(unkeyed.status).toBe(409);
    expect(unkeyed.body.code).toBe('task_already_decided');

    // The rest of the case, on later runs: an extension, the last co-department, the lead's decision.
    const extension = await command(
      'reviewer.HOUSING',
      `/applications/${caseNo}/extensions`,
      { department: 'HOUSING', reason: '联合验收需补充现场核验' },
      201,
    );
    await command(
      'head.HOUSING',
      `/applications/${caseNo}/extensions/${extension.extension.id}/approval`,
      { decision: 'approve' },
      200,
    );
    await command(nr, `/tasks/${naturalResources}/opinion`, { decision: 'approve' }, 200);
    const decided = await command('reviewer.HOUSING', `/tasks/${housing}/opinion`, { decision: 'approve' }, 200);
    expect(decided.status).toBe('approved');

    await expectCleanRecord(caseNo, [JOINT]);
    const view = (await api.as('clerk1').get(`/applications/${caseNo}`)).body;
    expect(view.extensions).toHaveLength(1);
    expect(view.specialProcedures).toHaveLength(rounds + 1);
    expect(view.specialProcedures.every((p: any) => p.endedOn)).toBe(true);

    // The engine's view: more than two runs, each but the last continued as new, all of one workflow id.
    const runs = await runChain(caseNo);
    expect(runs.length).toBeGreaterThan(2);
    expect(new Set(runs).size).toBe(runs.length);
    let listed: string[] = [];
    await waitUntil(
      async () => {
        listed = [];
        for await (const execution of temporal.workflow.list({ query: `WorkflowId = "${caseNo}"` })) {
          listed.push(execution.runId);
        }
        return listed.length === runs.length;
      },
      { what: `visibility to list the ${runs.length} runs of ${caseNo}`, timeoutMs: 20_000 },
    );
    expect(listed.sort()).toEqual([...runs].sort());
    // The current run holds the case as recorded: its live state is the record's last step.
    const live = await temporal.workflow.getHandle(caseNo).query<{ status: string; seq: number }>('caseState');
    expect(live.status).toBe('approved');
    expect(live.seq).toBe(view.lastSeq);
    const lengths = await Promise.all(
      runs.map(async (runId) => (await temporal.workflow.getHandle(caseNo, runId).fetchHistory()).events?.length),
    );
    console.log(`${caseNo}: ${runs.length} runs of ${lengths.join(', ')} history events; ${rounds} extra rounds`);
  });
});
