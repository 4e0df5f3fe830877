/**
 * The durable process of one application (办件): a Restate Virtual Object keyed by its case number.
 *
 * Every handler is short and exclusive (inputs of one case are serialised): load state, ask the pure rules what
 * happens, record events, certificates and read models in one transaction, save state, schedule the deadlines as
 * delayed messages to itself. Nothing sleeps here, so a case waiting weeks pins no code version (README, upgrades).
 */
import * as restate from '@restatedev/restate-sdk';
import type { Database } from '../db/client.ts';
import type { Clock } from '../infra/clock.ts';
import { recordCase } from '../activities/recordCase.ts';
import { evolve, type CaseEvent, type CaseState } from '../rules/caseModel.ts';
import {
  certificateFor,
  certificatesToIssue,
  decide,
  pendingTimers,
  type CaseCommand,
  type RuleViolation,
} from '../rules/caseDecisions.ts';

export type CaseResult = { ok: true; case: CaseState } | { ok: false; error: RuleViolation };

/** Commands from people carry the instant the API received them (`at`, ISO); timers carry none. */
type Input<T extends CaseCommand['type']> = Omit<Extract<CaseCommand, { type: T }>, 'type'> & { at: string };

/** The input of each command handler, for callers. */
export interface CaseInputs {
  submit: Input<'submit'>;
  decideAcceptance: Input<'decide_acceptance'>;
  supplyMaterials: Input<'supply_materials'>;
  giveOpinion: Input<'give_opinion'>;
  withdraw: Input<'withdraw'>;
  requestExtension: Input<'request_extension'>;
  decideExtension: Input<'decide_extension'>;
  startSpecialProcedure: Input<'start_special_procedure'>;
  endSpecialProcedure: Input<'end_special_procedure'>;
  deliver: Input<'deliver'>;
}

export interface CaseWorkflowDeps {
  db: Database;
  clock: Clock;
  /** Prefix of certificate numbers (the issuing authority's code); default `ZZ`. */
  certificatePrefix?: string;
}

/** One state key: the case, and the ids of the timers already sent (technical, not part of the legal record). */
interface Stored {
  case: CaseState;
  scheduledTimers: string[];
}
const STORED = 'case';

export function createCaseWorkflow(deps: CaseWorkflowDeps) {
  async function handle(ctx: restate.ObjectContext, command: CaseCommand, at?: string): Promise<CaseResult> {
    const stored = (await ctx.get<Stored>(STORED)) ?? undefined;
    const before = stored?.case;
    // The time of a command is when the API received it (journaled with the input, so replays agree); a timer
    // reads the clock itself. Never earlier than the last event: the record stays in order across API servers.
    const given = at ? Date.parse(at) : deps.clock.toVirtual(await ctx.date.now());
    const lastAt = before ? Date.parse(lastEventAt(before)) : 0;
    const nowMs = Math.max(given, lastAt);
    const decision = decide(before, command, nowMs);
    if (!decision.ok) return { ok: false, error: decision.violation };

    const events: CaseEvent[] = [...decision.events];
    let state = events.reduce<CaseState | undefined>(evolve, before);
    if (!state) return { ok: false, error: { status: 404, code: 'case_not_found', message: '办件不存在' } };
    // 同步发证: on approval every matter's certificate is issued in the same step (numbers derive from the case).
    for (const matter of certificatesToIssue(state)) {
      const event: CaseEvent = {
        type: 'certificate_issued',
        at: new Date(nowMs).toISOString(),
        actor: { kind: 'system', id: 'system' },
        data: certificateFor(state, matter, nowMs, deps.certificatePrefix),
      };
      events.push(event);
      state = evolve(state, event);
    }

    const timers = nextTimers(ctx, state, stored?.scheduledTimers ?? [], nowMs, command);
    if (events.length > 0) {
      const recorded: CaseState = state;
      await ctx.run('record', () => recordCase(deps.db, events, recorded));
    }
    if (events.length > 0 || timers.changed) ctx.set<Stored>(STORED, { case: state, scheduledTimers: timers.ids });
    return { ok: true, case: state };
  }

  /** Send a delayed `timerFired` for the earliest pending deadline unless already sent; returns the ids in flight. */
  function nextTimers(
    ctx: restate.ObjectContext,
    state: CaseState,
    alreadyScheduled: string[],
    nowMs: number,
    command: CaseCommand,
  ): { ids: string[]; changed: boolean } {
    const pending = pendingTimers(state);
    const scheduled = new Set(alreadyScheduled);
    // A timer that fired early (the clock's speed changed since it was set) is sent again for the rest of its wait.
    if (command.type === 'timer_fired') scheduled.delete(command.timerId);
    // Only the earliest deadline is in flight: when it fires (or the state changes), the next one is sent. One delayed
    // message per case at a time instead of one per deadline keeps the engine's timer work small.
    const earliest = [...pending].sort((a, b) => a.dueAt - b.dueAt).slice(0, 1);
    for (const timer of earliest) {
      if (scheduled.has(timer.id)) continue;
      ctx
        .objectSendClient(CaseWorkflow, state.caseNo)
        .timerFired(
          { timerId: timer.id },
          restate.rpc.sendOpts({ delay: deps.clock.realDelayUntil(timer.dueAt, nowMs) }),
        );
      scheduled.add(timer.id);
    }
    const stillPending = new Set(pending.map((t) => t.id));
    const ids = [...scheduled].filter((id) => stillPending.has(id));
    const changed = ids.length !== alreadyScheduled.length || ids.some((id, i) => id !== alreadyScheduled[i]);
    return { ids, changed };
  }

  return restate.object({
    name: 'case',
    handlers: {
      submit: (ctx: restate.ObjectContext, { at, ...input }: Input<'submit'>) =>
        handle(ctx, { type: 'submit', ...input }, at),
      decideAcceptance: (ctx: restate.ObjectContext, { at, ...input }: Input<'decide_acceptance'>) =>
        handle(ctx, { type: 'decide_acceptance', ...input }, at),
      supplyMaterials: (ctx: restate.ObjectContext, { at, ...input }: Input<'supply_materials'>) =>
        handle(ctx, { type: 'supply_materials', ...input }, at),
      giveOpinion: (ctx: restate.ObjectContext, { at, ...input }: Input<'give_opinion'>) =>
        handle(ctx, { type: 'give_opinion', ...input }, at),
      withdraw: (ctx: restate.ObjectContext, { at, ...input }: Input<'withdraw'>) =>
        handle(ctx, { type: 'withdraw', ...input }, at),
      requestExtension: (ctx: restate.ObjectContext, { at, ...input }: Input<'request_extension'>) =>
        handle(ctx, { type: 'request_extension', ...input }, at),
      decideExtension: (ctx: restate.ObjectContext, { at, ...input }: Input<'decide_extension'>) =>
        handle(ctx, { type: 'decide_extension', ...input }, at),
      startSpecialProcedure: (ctx: restate.ObjectContext, { at, ...input }: Input<'start_special_procedure'>) =>
        handle(ctx, { type: 'start_special_procedure', ...input }, at),
      endSpecialProcedure: (ctx: restate.ObjectContext, { at, ...input }: Input<'end_special_procedure'>) =>
        handle(ctx, { type: 'end_special_procedure', ...input }, at),
      deliver: (ctx: restate.ObjectContext, { at, ...input }: Input<'deliver'>) =>
        handle(ctx, { type: 'deliver', ...input }, at),
      timerFired: (ctx: restate.ObjectContext, input: { timerId: string }) =>
        handle(ctx, { type: 'timer_fired', ...input }),
      /** The live state, straight from the workflow (the API reads PostgreSQL for lists). */
      get: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext) => (await ctx.get<Stored>(STORED))?.case ?? null,
      ),
    },
  });
}

function lastEventAt(state: CaseState): string {
  return state.lastEventAt ?? state.receivedAt;
}

export type CaseWorkflowDefinition = ReturnType<typeof createCaseWorkflow>;

/** The name-only definition clients use to address the case object. */
export const CaseWorkflow: CaseWorkflowDefinition = { name: 'case' } as CaseWorkflowDefinition;
