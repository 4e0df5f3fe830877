/**
 * workflows/caseWorkflow.ts on a local dev server with a stub record: its one wake-up timer (deemed acceptance when
 * due, a moved deadline re-arming the wait), continue-as-new carrying the case, reopening a closed case from what its
 * run carried out, and a retried Update applied once, within a run and across runs.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, pendingTimers } from '../../rules/caseDecisions.ts';
import { evolve, type CaseState } from '../../rules/caseModel.ts';
import { endOfChinaDay, type IsoDate } from '../../rules/workingDays.ts';
import type { CaseAnswer, CaseWorkflowInput, CaseWorkflowResult } from '../../workflows/caseMessages.ts';
import type { caseWorkflow } from '../../workflows/caseWorkflow.ts';
import { applicantActor, clerk, command, reviewer } from '../support/commands.ts';
import { applicant, cst, snapshot } from '../unit/fixtures.ts';
import { caseUpdates, clockAt, startHarness, until, type Harness } from './harness.ts';

const AD = snapshot('OUTDOOR_AD_PERMIT');
const ALL = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];
const T0 = cst('2026-07-06 09:30'); // Monday: acceptance due Mon 07-13
const QUERY_CODE = 'Q7X2';

let h: Harness;
let counter = 0;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const nextCaseNo = () => `YM-2026-9${String(++counter).padStart(5, '0')}`;

function submitOf(caseNo: string, materials = ALL, at = T0) {
  return command(
    'submit',
    { caseNo, queryCode: QUERY_CODE, applicant, matters: [AD], materials, form: {}, window: 'W1' },
    clerk(),
    at,
  );
}

function inputOf(caseNo: string, extra: Partial<CaseWorkflowInput> = {}): CaseWorkflowInput {
  return { caseNo, clock: clockAt(Date.now()), certificatePrefix: 'TEST', ...extra };
}

/** The timer of a deadline as the rules compute it for the case just after its submission. */
function submittedTimer(caseNo: string, id: string) {
  const decision = decide(undefined, submitOf(caseNo));
  if (!decision.ok) throw new Error('submission refused');
  const state = decision.events.reduce<CaseState | undefined>(evolve, undefined);
  const timer = pendingTimers(state).find((t) => t.id === id);
  if (!timer) throw new Error(`no timer ${id}`);
  return timer;
}

const types = (caseNo: string) => h.recorder.of(caseNo).map((e) => e.type);
const warnings = (caseNo: string) =>
  h.recorder
    .of(caseNo)
    .filter((e) => e.type === 'deadline_warning')
    .map((e) => (e.data as { level: string; due: string }).level + ':' + (e.data as { due: string }).due);

describe('the deadline timer', () => {
  it('deems the application accepted when the acceptance deadline passes, not before', async () => {
    const caseNo = nextCaseNo();
    const red = submittedTimer(caseNo, 'acceptance:red:2026-07-13');
    // The case's clock reads five seconds before the deadline: the yellow warning is overdue, the red one is not.
    const handle = await h.start(inputOf(caseNo, { clock: clockAt(red.dueAt - 5_000) }));
    await handle.executeUpdate(caseUpdates.submit, { args: [submitOf(caseNo)] });
    await until('the yellow warning', () => warnings(caseNo).includes('yellow:2026-07-13'));
    expect(types(caseNo)).not.toContain('deemed_accepted');

    await until('deemed acceptance', () => types(caseNo).includes('deemed_accepted'));
    const deemed = h.recorder.of(caseNo).find((e) => e.type === 'deemed_accepted')!;
    expect(Date.parse(deemed.at)).toBeGreaterThanOrEqual(red.dueAt);
    // 第32条: accepted as of the day the materials were received
    expect(deemed.data).toMatchObject({ acceptedOn: '2026-07-06', deemed: true });
    expect(warnings(caseNo)).toEqual(['yellow:2026-07-13', 'red:2026-07-13']);
    const state = await handle.query('caseState');
    expect(state).toMatchObject({ status: 'in_review', seq: h.recorder.of(caseNo).length });
  });

  it('dates a timer step at its due instant, not when the worker ran it, so a retried step writes the same events', async () => {
    const caseNo = nextCaseNo();
    const yellow = submittedTimer(caseNo, 'acceptance:yellow:2026-07-13');
    const red = submittedTimer(caseNo, 'acceptance:red:2026-07-13');
    // The yellow warning is days overdue when the case starts: run late, it is still dated when it fell due.
    const handle = await h.start(inputOf(caseNo, { clock: clockAt(red.dueAt - 3_000) }));
    await handle.executeUpdate(caseUpdates.submit, { args: [submitOf(caseNo)] });
    await until('deemed acceptance', () => types(caseNo).includes('deemed_accepted'));
    const fired = h.recorder.of(caseNo).filter((e) => e.type === 'deadline_warning' || e.type === 'deemed_accepted');
    expect(fired.map((e) => [e.type, e.at])).toEqual([
      ['deadline_warning', new Date(yellow.dueAt).toISOString()],
      ['deadline_warning', new Date(red.dueAt).toISOString()],
      ['deemed_accepted', new Date(red.dueAt).toISOString()],
    ]);
  });

  it('re-arms the wait when a command moves the deadline: the old one never fires, the new one does', async () => {
    const caseNo = nextCaseNo();
    const oldRed = submittedTimer(caseNo, 'acceptance:red:2026-07-13');
    // 50,000 virtual ms per real ms: eight real seconds (Thu 07-09) before the old deadline, days in seconds.
    const speed = 50_000;
    const clock = clockAt(oldRed.dueAt - 8_000 * speed, speed);
    const now = () => clock.startMs + (Date.now() - clock.anchorMs) * speed;
    const handle = await h.start(inputOf(caseNo, { clock }));
    const missing = ALL.filter((m) => m !== 'OWNER_CONSENT');
    await handle.executeUpdate(caseUpdates.submit, { args: [submitOf(caseNo, missing)] });
    // 一次性告知, then the missing material arrives: the 5 working days start again from its arrival.
    await handle.executeUpdate(caseUpdates.decideAcceptance, {
      args: [command('decide_acceptance', { decision: 'supplement' }, clerk(), now())],
    });
    await handle.executeUpdate(caseUpdates.supplyMaterials, {
      args: [command('supply_materials', { materials: ['OWNER_CONSENT'] }, applicantActor, now())],
    });
    const supplied = h.recorder.of(caseNo).find((e) => e.type === 'materials_supplied')!;
    const newDue = (supplied.data as { acceptanceDue: IsoDate }).acceptanceDue;
    expect(newDue > '2026-07-13').toBe(true);

    await until('deemed acceptance on the moved deadline', () => types(caseNo).includes('deemed_accepted'), 40_000);
    const deemed = h.recorder.of(caseNo).find((e) => e.type === 'deemed_accepted')!;
    expect(Date.parse(deemed.at)).toBeGreaterThanOrEqual(endOfChinaDay(newDue));
    expect(warnings(caseNo)).not.toContain('red:2026-07-13');
    expect(warnings(caseNo)).toContain(`red:${newDue}`);
  });
});

describe('continue-as-new', () => {
  it('carries the state, the recent Update ids and the chain head; a retried Update is answered, not applied', async () => {
    const caseNo = nextCaseNo();
    // Every run continues as new after the first command it applies.
    const handle = await h.start(inputOf(caseNo, { historyLimit: 5 }));
    const firstRun = (await handle.describe()).runId;
    const submitted = submitOf(caseNo);
    const accepted = command('decide_acceptance', { decision: 'accept' }, clerk(), T0 + 60_000);
    const procedure = command(
      'start_special_procedure',
      {
        taskId: `${caseNo}-OUTDOOR_AD_PERMIT-CITY_MANAGEMENT`,
        procedure: 'expert_review',
        expectedWorkingDays: 5,
        reason: '结构安全需专家评审',
      },
      reviewer(),
      T0 + 120_000,
    );
    const sent: Array<{ id: string; send: (updateId: string) => Promise<CaseAnswer> }> = [
      { id: 'submit:1', send: (updateId) => handle.executeUpdate(caseUpdates.submit, { args: [submitted], updateId }) },
      {
        id: 'accept:1',
        send: (updateId) => handle.executeUpdate(caseUpdates.decideAcceptance, { args: [accepted], updateId }),
      },
      {
        id: 'procedure:1',
        send: (updateId) => handle.executeUpdate(caseUpdates.startSpecialProcedure, { args: [procedure], updateId }),
      },
    ];
    const answers: CaseAnswer[] = [];
    for (const update of sent) answers.push(await update.send(update.id));
    const created = answers.at(-1)?.created;
    expect(created).toMatch(/^YM-2026-9\d+-P1$/);
    const recorded = h.recorder.of(caseNo).length;

    // The latest run began after the last command: every command above was applied by an earlier run.
    let latest = firstRun;
    await until('a run started after the last command', async () => {
      const description = await handle.describe();
      latest = description.runId;
      if (latest === firstRun || description.status.name !== 'RUNNING') return false;
      const history = await handle.fetchHistory();
      return !history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    });
    const history = await h.env.client.workflow.getHandle(caseNo, latest).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.continuedExecutionRunId).toBeTruthy();
    const input = defaultPayloadConverter.fromPayload<CaseWorkflowInput>(started!.input!.payloads![0]!);
    const last = h.recorder.of(caseNo).at(-1)!;
    expect(input.carried?.state).toEqual(answers.at(-1)?.state);
    expect(input.carried?.recentUpdateIds).toEqual(expect.arrayContaining(sent.map((u) => u.id)));
    expect(input.carried?.chain).toEqual({ seq: last.seq, hash: last.hash });
    expect(await handle.query('caseChainHead')).toEqual({ seq: last.seq, hash: last.hash });

    // Each command again with its id: the first answer (the same special procedure), nothing recorded twice.
    for (const [i, update] of sent.entries()) {
      const again = await update.send(update.id);
      expect(again.created).toBe(answers[i]?.created);
      expect(again.state.seq).toBe(recorded);
    }
    expect(h.recorder.of(caseNo)).toHaveLength(recorded);
    expect(h.recorder.of(caseNo).map((e) => e.seq)).toEqual(h.recorder.of(caseNo).map((_, i) => i + 1));
  });
});

describe('a closed case', () => {
  it('ends its run carrying the case out, and a new run started from that carries on the record and the chain', async () => {
    const caseNo = nextCaseNo();
    const input = inputOf(caseNo, { closeGraceMs: 200 });
    const handle = await h.start(input);
    await handle.executeUpdate(caseUpdates.submit, { args: [submitOf(caseNo)], updateId: 'submit:1' });
    const reject = command('decide_acceptance', { decision: 'reject', reason: '不属于本中心受理范围' }, clerk(), T0);
    await handle.executeUpdate(caseUpdates.decideAcceptance, { args: [reject], updateId: 'reject:1' });
    const result: CaseWorkflowResult = await handle.result();
    const closed = h.recorder.of(caseNo);
    expect(result).toMatchObject({ caseNo, status: 'not_accepted', lastSeq: closed.length });
    expect(result.carried?.state.status).toBe('not_accepted');
    expect(result.carried?.recentUpdateIds).toEqual(['submit:1', 'reject:1']);
    expect(result.carried?.chain).toEqual({ seq: closed.length, hash: closed.at(-1)?.hash });

    // Reopened the way the API reopens it: update-with-start of the same id, the closed run's input and carried case.
    const rate = command('rate', { queryCode: QUERY_CODE, level: 'satisfied' }, applicantActor, T0 + 3_600_000);
    const answer = await h.env.client.workflow.executeUpdateWithStart(caseUpdates.rate, {
      args: [rate],
      updateId: 'rate:1',
      startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
        workflowId: caseNo,
        taskQueue: h.taskQueue,
        args: [{ ...input, carried: result.carried }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      }),
    });
    expect(answer.state.rating?.level).toBe('satisfied');
    const reopened = h.recorder.of(caseNo).slice(closed.length);
    expect(reopened.map((e) => e.type)).toEqual(['rated']);
    expect(reopened[0]).toMatchObject({ seq: closed.length + 1, prevHash: closed.at(-1)?.hash });

    // A command the closed run applied, retried in the new run: answered from the carried ids, not applied again.
    const again = await h.env.client.workflow
      .getHandle(caseNo)
      .executeUpdate(caseUpdates.decideAcceptance, { args: [reject], updateId: 'reject:1' });
    expect(again.state.seq).toBe(closed.length + 1);
    expect(h.recorder.of(caseNo)).toHaveLength(closed.length + 1);
  });
});

describe('a retried Update', () => {
  it('with the same id is applied once, whether the retry comes after the answer or beside the first call', async () => {
    const caseNo = nextCaseNo();
    const handle = await h.start(inputOf(caseNo));
    await handle.executeUpdate(caseUpdates.submit, { args: [submitOf(caseNo)], updateId: 'submit:1' });
    const accept = command('decide_acceptance', { decision: 'accept' }, clerk(), T0 + 60_000);
    const first = await handle.executeUpdate(caseUpdates.decideAcceptance, { args: [accept], updateId: 'a:1' });
    const again = await handle.executeUpdate(caseUpdates.decideAcceptance, { args: [accept], updateId: 'a:1' });
    expect(again).toEqual(first);
    const afterAccept = h.recorder.of(caseNo).length;
    expect(types(caseNo).filter((t) => t === 'accepted')).toHaveLength(1);

    const procedure = command(
      'start_special_procedure',
      {
        taskId: `${caseNo}-OUTDOOR_AD_PERMIT-TRAFFIC_POLICE`,
        procedure: 'inspection',
        expectedWorkingDays: 3,
        reason: '现场勘验',
      },
      reviewer(),
      T0 + 120_000,
    );
    const both = await Promise.all([
      handle.executeUpdate(caseUpdates.startSpecialProcedure, { args: [procedure], updateId: 'p:1' }),
      handle.executeUpdate(caseUpdates.startSpecialProcedure, { args: [procedure], updateId: 'p:1' }),
    ]);
    expect(both[0].created).toBeDefined();
    expect(both[1].created).toBe(both[0].created);
    expect(
      types(caseNo)
        .slice(afterAccept)
        .filter((t) => t === 'special_procedure_started'),
    ).toHaveLength(1);
  });

  it('that breaks a rule is refused by the validator with the rule as the failure, and nothing is recorded', async () => {
    const caseNo = nextCaseNo();
    const handle = await h.start(inputOf(caseNo));
    await handle.executeUpdate(caseUpdates.submit, { args: [submitOf(caseNo, ['OUTDOOR_AD_APPLICATION'])] });
    const before = h.recorder.of(caseNo).length;
    const error = await handle
      .executeUpdate(caseUpdates.decideAcceptance, {
        args: [command('decide_acceptance', { decision: 'accept' }, clerk(), T0 + 60_000)],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('materials_missing');
    expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ code: 'materials_missing', field: 'decision' });
    expect(h.recorder.of(caseNo)).toHaveLength(before);
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(true); // the submit
    expect(history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
  });
});
