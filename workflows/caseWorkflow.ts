/**
 * The durable process of one application (办件): one Temporal workflow per case, its id the case number.
 *
 * Human commands arrive as Workflow Updates. The validator asks the pure rules (`decide`) and rejects a violation
 * before anything is written; the handler decides again under the case's lock, records the events (an activity),
 * evolves the state and answers with it. The main function holds one wake-up timer: the earliest pending deadline.
 * Nothing here is a rule: the rules are in `rules/`.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import { createClock } from '../infra/clock.ts';
import {
  decide,
  pendingTimers,
  timerFiredCommand,
  type CaseCommand,
  type Decision,
  type PendingTimer,
  type RuleViolation,
} from '../rules/caseDecisions.ts';
import { deliverableStatuses, evolve, finalStatuses, type CaseState } from '../rules/caseModel.ts';
import { extendChain, type ChainHead } from '../integrity/hashChain.ts';
import {
  caseChainHeadQuery,
  caseStateQuery,
  caseUpdates,
  commandTypes,
  type CaseAnswer,
  type CaseUpdateName,
  type CaseWorkflowInput,
  type CaseWorkflowResult,
} from './caseMessages.ts';
import { RecentIds } from './recentIds.ts';
import { serialised } from './serialised.ts';
import { upcastCommand } from './upcastCommand.ts';

// The record is written by a local activity: one step of the case costs no extra round trip through the engine, and
// the activity is idempotent (events keyed by case and sequence number), so a re-run after a crash writes nothing twice.
const { recordCase } = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds', backoffCoefficient: 2 },
});

/** A submission that never arrived (its Update was rejected): the empty workflow ends after this long. */
const SUBMIT_WAIT = '10 minutes';
/** A finished case stays open this long so that a retried last command still gets its first answer. */
const CLOSE_GRACE_MS = 10 * 60_000;

/** What a variant of the workflow may change (the upgrade test's v2 worker changes the certificate prefix). */
export interface CaseWorkflowHooks {
  certificatePrefix?: (input: CaseWorkflowInput) => string;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  return runCase(input, {});
}

export async function runCase(input: CaseWorkflowInput, hooks: CaseWorkflowHooks): Promise<CaseWorkflowResult> {
  const clock = createClock(input.clock);
  const recent = new RecentIds(input.carried?.recentUpdateIds, input.carried?.createdBy);
  const exclusive = serialised();
  let state: CaseState | undefined = input.carried?.state;
  // The head of the case's hash chain, held here, outside PostgreSQL: the auditor's check against a rewritten record.
  let chain: ChainHead | undefined = input.carried?.chain;
  let changed = false;

  // Asked only when a step issues a certificate: a variant's patch marker (the upgrade test's) must sit there.
  const context = {
    certificatePrefix: () => hooks.certificatePrefix?.(input) ?? input.certificatePrefix,
    // Asked only on a revocation: histories recorded before the holder's notice existed replay without it.
    revocationNotice: () => patched('revocation-notice'),
  };

  async function apply(command: CaseCommand): Promise<RuleViolation | undefined> {
    const decision = decide(state, command, context);
    if (!decision.ok) return decision.violation;
    const events = decision.events;
    const next = events.reduce<CaseState | undefined>(evolve, state);
    if (!next) return { code: 'case_not_found', message: '办件不存在', field: 'caseNo' };
    if (events.length > 0) {
      const extended = extendChain(next.caseNo, chain, next.seq - events.length + 1, events);
      await recordCase(extended.chained, next);
      state = next;
      chain = extended.head;
      changed = true;
    }
    return undefined;
  }

  for (const name of Object.keys(commandTypes) as CaseUpdateName[]) {
    const command = (input: unknown) => upcastCommand(commandTypes[name], input);
    setHandler(
      caseUpdates[name],
      (input: unknown) =>
        exclusive(async () => {
          const id = currentUpdateInfo()?.id;
          if (id && recent.has(id)) return answer(recent.created(id));
          const before = state;
          const violation = await apply(command(input));
          if (violation) throw ruleFailure(violation);
          const created = createdItem(before, requireState());
          if (id) recent.add(id, created);
          return answer(created);
        }),
      {
        validator: (input: unknown) => {
          const id = currentUpdateInfo()?.id;
          if (id && recent.has(id)) return; // applied in an earlier run (before continue-as-new): answered as such
          const decision: Decision = decide(state, command(input));
          if (!decision.ok) throw ruleFailure(decision.violation);
        },
      },
    );
  }
  setHandler(caseStateQuery, () => state ?? null);
  setHandler(caseChainHeadQuery, () => chain ?? null);

  function answer(created: string | undefined): CaseAnswer {
    return { state: requireState(), ...(created ? { created } : {}) };
  }

  /** What a next run of this case starts from (continue-as-new, or reopening a closed case). */
  function carried(): NonNullable<CaseWorkflowInput['carried']> {
    return {
      state: requireState(),
      recentUpdateIds: recent.toArray(),
      createdBy: recent.createdEntries(),
      ...(chain ? { chain } : {}),
    };
  }

  function requireState(): CaseState {
    if (!state) throw ruleFailure({ code: 'case_not_found', message: '办件不存在', field: 'caseNo' });
    return state;
  }

  if (!state && !(await condition(() => state !== undefined, SUBMIT_WAIT))) {
    return { caseNo: input.caseNo, status: 'never_submitted', lastSeq: 0 };
  }

  for (;;) {
    const current = requireState();
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (input.historyLimit && info.historyLength >= input.historyLimit)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof caseWorkflow>({
        ...input,
        carried: carried(),
      });
    }
    const next = earliest(pendingTimers(current));
    changed = false;
    if (!next) {
      if (isClosed(current)) {
        if (await condition(() => changed, input.closeGraceMs ?? CLOSE_GRACE_MS)) continue;
        await condition(allHandlersFinished);
        return { caseNo: current.caseNo, status: current.status, lastSeq: current.seq, carried: carried() };
      }
      await condition(() => changed);
      continue;
    }
    // One wake-up per case: the earliest deadline. A moved deadline (pause, extension) just changes the next wait.
    const delayMs = Math.max(1, clock.realDelayUntil(next.dueAt));
    if (!(await condition(() => changed, delayMs))) {
      // Dated at its due instant, not when a worker got to it: a retried workflow task then writes the same events.
      // Histories recorded before the marker replay with the time they were written with.
      await exclusive(() => apply(timerFiredCommand(next.id, patched('timer-at-due-time') ? next.dueAt : clock.now())));
    }
  }
}

/** The special procedure or extension a command added, if it added one. */
function createdItem(before: CaseState | undefined, after: CaseState): string | undefined {
  if (after.specialProcedures.length > (before?.specialProcedures.length ?? 0))
    return after.specialProcedures.at(-1)?.id;
  if (after.extensions.length > (before?.extensions.length ?? 0)) return after.extensions.at(-1)?.id;
  return undefined;
}

function earliest(timers: PendingTimer[]): PendingTimer | undefined {
  return timers.reduce<PendingTimer | undefined>((a, t) => (!a || t.dueAt < a.dueAt ? t : a), undefined);
}

/** Nothing can happen to the case any more: decided for good, and an approval's certificate delivered. */
function isClosed(state: CaseState): boolean {
  return (
    finalStatuses.includes(state.status) &&
    (!deliverableStatuses.includes(state.status) || state.delivery !== undefined)
  );
}

/** A rule violation crosses to the API as a non-retryable failure whose type is the rule's code. */
function ruleFailure(violation: RuleViolation): ApplicationFailure {
  return ApplicationFailure.create({
    type: violation.code,
    message: violation.message,
    nonRetryable: true,
    details: [violation],
  });
}
