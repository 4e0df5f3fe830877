/**
 * The API's side of the engine: starts a case's workflow, sends it commands as Workflow Updates and asks it for its
 * live state, every call under a deadline (ENGINE_TIMEOUT_MS). Engine answers become API errors: a rule violation
 * keeps its code, answered with the status api/ruleStatus.ts gives it; an unknown case is a 404, a finished one a 409,
 * an engine that does not answer in time a 503 `engine_unavailable`.
 */
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Clock } from '../infra/clock.ts';
import { decide, type CommandActor, type RuleViolation } from '../rules/caseDecisions.ts';
import type { CaseState } from '../rules/caseModel.ts';
import type { ChainHead } from '../integrity/hashChain.ts';
import {
  caseChainHeadQuery,
  caseStateQuery,
  caseUpdates,
  commandTypes,
  type CaseAnswer,
  type CaseInputs,
  type CaseUpdateName,
  type CaseWorkflowInput,
} from '../workflows/caseMessages.ts';
import type { caseWorkflow } from '../workflows/caseWorkflow.ts';
import type { RecordedCase } from './caseRecord.ts';
import { ApiError } from './errors.ts';
import { ruleError } from './ruleStatus.ts';

export interface EngineDeps {
  temporal: Client;
  taskQueue: string;
  engineTimeoutMs: number;
  clock: Clock;
  certificatePrefix: string;
  /** Test-only: continue-as-new after this many history events. */
  historyLimit?: number;
  /** How long a finished case's workflow stays open for retried commands. */
  closeGraceMs?: number;
  /** Whether a case number has a record in PostgreSQL (tells a finished case from an unknown one). */
  caseExists(caseNo: string): Promise<boolean>;
  /** The case rebuilt from its record when the engine no longer holds it (api/caseRecord.ts); reopening uses it. */
  recordedCase?(caseNo: string): Promise<RecordedCase>;
}

/** What a route gives for a command: its data and who gave it; the type and the time are added here. */
export interface CommandRequest<H extends CaseUpdateName> {
  data: CaseInputs[H]['data'];
  actor: CommandActor;
}

function envelope<H extends CaseUpdateName>(deps: EngineDeps, name: H, request: CommandRequest<H>): CaseInputs[H] {
  // The API is where a command arrives: its time is stamped here, once, and kept in the Update's arguments.
  const meta = { actor: request.actor, at: new Date(deps.clock.now()).toISOString() };
  return { type: commandTypes[name], data: request.data, meta } as CaseInputs[H];
}

/** Update ids are scoped by command, so one key reused for another command is not mistaken for a retry. */
const updateId = (name: CaseUpdateName, key: string | undefined) => (key ? { updateId: `${name}:${key}` } : {});

export interface CallOptions {
  /**
   * The command may come after the case has closed (revoking a certificate): a closed workflow is reopened, a new
   * run of the same id starting from the closed run's final state. Other commands answer 409 case_closed.
   */
  reopen?: boolean;
}

export async function callCase<H extends CaseUpdateName>(
  deps: EngineDeps,
  caseNo: string,
  name: H,
  command: CommandRequest<H>,
  idempotencyKey?: string,
  options: CallOptions = {},
): Promise<CaseAnswer> {
  const handle = deps.temporal.workflow.getHandle<typeof caseWorkflow>(caseNo);
  const args = envelope(deps, name, command);
  try {
    return await deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () =>
      handle.executeUpdate(caseUpdates[name], { args: [args], ...updateId(name, idempotencyKey) }),
    );
  } catch (error) {
    if (options.reopen && (error instanceof WorkflowNotFoundError || isCompletedError(error))) {
      try {
        const answer = await reopenCase(deps, caseNo, name, args, idempotencyKey);
        if (answer) return answer;
      } catch (reopenError) {
        throw reopenError instanceof ApiError ? reopenError : await engineError(deps, caseNo, reopenError, false);
      }
    }
    throw await engineError(deps, caseNo, error, 'taskId' in command.data);
  }
}

/** What a closed run leaves for the next one: its input (the case's clock and settings) and its final case. */
interface ClosedRun {
  input: CaseWorkflowInput;
  carried: NonNullable<CaseWorkflowInput['carried']>;
}

/**
 * Reopen a closed case for one command: a new run of the same workflow id (update-with-start, ALLOW_DUPLICATE)
 * whose input is the closed run's with `carried` = its final state, recent Update ids and chain head. Undefined when
 * the engine holds no closed run of this case (never existed, or its history is past retention).
 */
async function reopenCase<H extends CaseUpdateName>(
  deps: EngineDeps,
  caseNo: string,
  name: H,
  args: CaseInputs[H],
  idempotencyKey: string | undefined,
): Promise<CaseAnswer | undefined> {
  const closed = await deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () => closedRun(deps, caseNo));
  if (!closed) return undefined;
  const id = updateId(name, idempotencyKey).updateId;
  // A retry of a command the closed run already applied: its answer, without opening the case again.
  if (id && closed.carried.recentUpdateIds.includes(id)) {
    const created = closed.carried.createdBy?.[id];
    return { state: closed.carried.state, ...(created ? { created } : {}) };
  }
  // The rules decide first, here: a rejected command must not leave a new run behind (the validator would reject it
  // too, but only after the run had started).
  const decision = decide(closed.carried.state, args, { certificatePrefix: () => closed.input.certificatePrefix });
  if (!decision.ok) throw ruleError(decision.violation);
  const start = new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
    workflowId: caseNo,
    taskQueue: deps.taskQueue,
    args: [{ ...closed.input, carried: closed.carried }],
    // Another request may have reopened it a moment ago: then this command joins that run.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  return deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () =>
    deps.temporal.workflow.executeUpdateWithStart(caseUpdates[name], {
      args: [args],
      ...(id ? { updateId: id } : {}),
      startWorkflowOperation: start,
    }),
  );
}

/** The latest run of the case, if it has closed: its input and what it carried out (or its state, asked by Query). */
/**
 * The engine has forgotten the case (past the namespace's retention): the next run starts from the record, with the
 * API's clock and settings, once the record proves intact against its signed head.
 */
async function runFromRecord(deps: EngineDeps, caseNo: string): Promise<ClosedRun | undefined> {
  const recorded = await deps.recordedCase?.(caseNo);
  if (recorded === 'not_intact') {
    throw new ApiError(
      409,
      'record_not_intact',
      `办件 ${caseNo} 的记录未通过完整性校验，不能重新办理，请联系审计`,
      'caseNo',
    );
  }
  if (!recorded) return undefined;
  return {
    input: {
      caseNo,
      clock: deps.clock.params,
      certificatePrefix: deps.certificatePrefix,
      ...(deps.historyLimit ? { historyLimit: deps.historyLimit } : {}),
      ...(deps.closeGraceMs ? { closeGraceMs: deps.closeGraceMs } : {}),
    },
    carried: { state: recorded.state, recentUpdateIds: [], chain: recorded.chain },
  };
}

async function closedRun(deps: EngineDeps, caseNo: string): Promise<ClosedRun | undefined> {
  const handle = deps.temporal.workflow.getHandle<typeof caseWorkflow>(caseNo);
  let runId: string;
  try {
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') return undefined;
    runId = description.runId;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return runFromRecord(deps, caseNo);
    throw error;
  }
  const run = deps.temporal.workflow.getHandle<typeof caseWorkflow>(caseNo, runId);
  const first = await deps.temporal.workflowService.getWorkflowExecutionHistory({
    namespace: deps.temporal.options.namespace,
    execution: { workflowId: caseNo, runId },
    maximumPageSize: 1,
  });
  const started = first.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started?.input?.payloads?.length) return undefined;
  const converter = deps.temporal.options.loadedDataConverter;
  let payloads = started.input.payloads;
  for (const codec of [...converter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  const input = converter.payloadConverter.fromPayload<CaseWorkflowInput>(payloads[0]!);
  const result = await run.result().catch(() => undefined); // failed or terminated runs have no result
  if (result?.carried) return { input, carried: result.carried };
  // A run that ended without carrying its case out (an older version, or terminated): ask the closed run itself.
  const [state, chain] = await Promise.all([run.query(caseStateQuery), run.query(caseChainHeadQuery)]);
  if (!state) return undefined;
  return { input, carried: { state, recentUpdateIds: [], ...(chain ? { chain } : {}) } };
}

/**
 * Start the case's workflow and submit the application to it in one call (update-with-start). The workflow id is
 * the case number, which PostgreSQL reserved for the request's Idempotency-Key: a retry reaches the same workflow
 * (USE_EXISTING while it runs; REJECT_DUPLICATE once it has closed, and then the case is read from the record).
 */
export async function submitCase(
  deps: EngineDeps,
  caseNo: string,
  command: CommandRequest<'submit'>,
): Promise<CaseState | 'closed'> {
  const workflowInput: CaseWorkflowInput = {
    caseNo,
    clock: deps.clock.params,
    certificatePrefix: deps.certificatePrefix,
    ...(deps.historyLimit ? { historyLimit: deps.historyLimit } : {}),
    ...(deps.closeGraceMs ? { closeGraceMs: deps.closeGraceMs } : {}),
  };
  const submit = envelope(deps, 'submit', command);
  // The rules decide first, here: a submission the workflow's validator would refuse must not start a workflow (an
  // empty one would hold the case number until it gives up waiting, and a retry would meet it).
  const decision = decide(undefined, submit);
  if (!decision.ok) throw ruleError(decision.violation);
  const start = new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
    workflowId: caseNo,
    taskQueue: deps.taskQueue,
    args: [workflowInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  try {
    const answer = await deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () =>
      deps.temporal.workflow.executeUpdateWithStart(caseUpdates.submit, {
        args: [submit],
        updateId: `submit:${caseNo}`,
        startWorkflowOperation: start,
      }),
    );
    return answer.state;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
    throw await engineError(deps, caseNo, error, false);
  }
}

/** The case's live state as its workflow holds it (a Query); undefined when there is no such workflow. */
export async function queryCase(deps: EngineDeps, caseNo: string): Promise<CaseState | undefined> {
  try {
    const state = await deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () =>
      deps.temporal.workflow.getHandle(caseNo).query(caseStateQuery),
    );
    return state ?? undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw await engineError(deps, caseNo, error, false);
  }
}

async function engineError(deps: EngineDeps, caseNo: string, error: unknown, aboutTask: boolean): Promise<ApiError> {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const violation = error.cause.details?.[0] as RuleViolation | undefined;
    if (violation?.code) return ruleError(violation);
  }
  if (error instanceof WorkflowNotFoundError || isCompletedError(error)) {
    if (await deps.caseExists(caseNo).catch(() => false)) {
      return new ApiError(409, 'case_closed', `办件 ${caseNo} 已办结归档，不再接受办理操作`, 'caseNo');
    }
    return aboutTask
      ? new ApiError(404, 'task_not_found', '审查任务不存在', 'id')
      : new ApiError(404, 'case_not_found', `办件 ${caseNo} 不存在`, 'caseNo');
  }
  // The cause goes to the log, never to the client: it can be a failed query with its SQL and parameters.
  const unavailable = new ApiError(503, 'engine_unavailable', '审批引擎暂不可用，请稍后用同一 Idempotency-Key 重试');
  return Object.assign(unavailable, { cause: error });
}

/** An Update sent to a workflow that has already completed. */
function isCompletedError(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : '';
  return /workflow execution already completed/i.test(message);
}

/** The head of the case's hash chain as its workflow holds it; undefined when the engine has no such case. */
export async function queryChainHead(deps: EngineDeps, caseNo: string): Promise<ChainHead | undefined> {
  try {
    const head = await deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () =>
      deps.temporal.workflow.getHandle(caseNo).query(caseChainHeadQuery),
    );
    return head ?? undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw await engineError(deps, caseNo, error, false);
  }
}
