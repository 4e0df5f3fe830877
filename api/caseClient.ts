/**
 * The API's side of the engine: starts a case's workflow, sends it commands as Workflow Updates and asks it for its
 * live state, every call under a deadline (ENGINE_TIMEOUT_MS). Engine answers become API errors: a rule violation
 * keeps the rule's status and code; an unknown case is a 404, a finished one a 409, an engine that does not answer
 * in time a 503 `engine_unavailable`.
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
import type { RuleViolation } from '../rules/caseDecisions.ts';
import type { CaseState } from '../rules/caseModel.ts';
import type { ChainHead } from '../rules/hashChain.ts';
import {
  caseChainHeadQuery,
  caseStateQuery,
  caseUpdates,
  type CaseAnswer,
  type CaseInputs,
  type CaseUpdateName,
  type CaseWorkflowInput,
} from '../workflows/caseMessages.ts';
import type { caseWorkflow } from '../workflows/caseWorkflow.ts';
import { ApiError } from './errors.ts';

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
}

type Input<H extends CaseUpdateName> = Omit<CaseInputs[H], 'at'>;

function stamp<T extends object>(deps: EngineDeps, input: T): T & { at: string } {
  // The API is where a command arrives: its time is stamped here, once, and kept in the Update's arguments.
  return { ...input, at: new Date(deps.clock.now()).toISOString() };
}

/** Update ids are scoped by command, so one key reused for another command is not mistaken for a retry. */
const updateId = (name: CaseUpdateName, key: string | undefined) => (key ? { updateId: `${name}:${key}` } : {});

export async function callCase<H extends CaseUpdateName>(
  deps: EngineDeps,
  caseNo: string,
  name: H,
  input: Input<H>,
  idempotencyKey?: string,
): Promise<CaseAnswer> {
  const handle = deps.temporal.workflow.getHandle<typeof caseWorkflow>(caseNo);
  try {
    return await deps.temporal.withDeadline(Date.now() + deps.engineTimeoutMs, () =>
      handle.executeUpdate(caseUpdates[name], {
        args: [stamp(deps, input) as CaseInputs[H]],
        ...updateId(name, idempotencyKey),
      }),
    );
  } catch (error) {
    throw await engineError(deps, caseNo, error, 'taskId' in input);
  }
}

/**
 * Start the case's workflow and submit the application to it in one call (update-with-start). The workflow id is
 * the case number, which PostgreSQL reserved for the request's Idempotency-Key: a retry reaches the same workflow
 * (USE_EXISTING while it runs; REJECT_DUPLICATE once it has closed, and then the case is read from the record).
 */
export async function submitCase(
  deps: EngineDeps,
  caseNo: string,
  input: Input<'submit'>,
): Promise<CaseState | 'closed'> {
  const workflowInput: CaseWorkflowInput = {
    caseNo,
    clock: deps.clock.params,
    certificatePrefix: deps.certificatePrefix,
    ...(deps.historyLimit ? { historyLimit: deps.historyLimit } : {}),
    ...(deps.closeGraceMs ? { closeGraceMs: deps.closeGraceMs } : {}),
  };
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
        args: [stamp(deps, input)],
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
    if (violation?.code) return new ApiError(violation.status, violation.code, violation.message, violation.field);
  }
  if (error instanceof WorkflowNotFoundError || isCompletedError(error)) {
    if (await deps.caseExists(caseNo).catch(() => false)) {
      return new ApiError(409, 'case_closed', `办件 ${caseNo} 已办结归档，不再接受办理操作`, 'caseNo');
    }
    return aboutTask
      ? new ApiError(404, 'task_not_found', '审查任务不存在', 'id')
      : new ApiError(404, 'case_not_found', `办件 ${caseNo} 不存在`, 'caseNo');
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ApiError(503, 'engine_unavailable', `审批引擎暂不可用，请稍后用同一 Idempotency-Key 重试（${reason}）`);
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
