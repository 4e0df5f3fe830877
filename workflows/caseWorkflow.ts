/**
 * The durable process of one application (办件): a Restate Virtual Object keyed by its case number.
 *
 * Every handler is short and exclusive (inputs of one case are serialised): load state, ask the pure rules what
 * happens, issue certificates, record events and read models, save state, schedule the deadlines as delayed
 * messages to itself. Nothing sleeps here, so a case waiting weeks pins no code version (see README, upgrades).
 */
import * as restate from '@restatedev/restate-sdk';
import type { Database } from '../db/client.ts';
import type { Clock } from '../infra/clock.ts';
import { issueCertificate } from '../activities/issueCertificate.ts';
import { recordCase } from '../activities/recordCase.ts';
import { evolve, type CaseEvent, type CaseState } from '../rules/caseModel.ts';
import {
  certificatesToIssue,
  decide,
  pendingTimers,
  type CaseCommand,
  type RuleViolation,
} from '../rules/caseDecisions.ts';
import { chinaDate } from '../rules/workingDays.ts';

export type CaseResult = { ok: true; case: CaseState } | { ok: false; error: RuleViolation };

type Input<T extends CaseCommand['type']> = Omit<Extract<CaseCommand, { type: T }>, 'type'>;

/** The input of each command handler, for callers. */
export interface CaseInputs {
  submit: Input<'submit'>;
  decideAcceptance: Input<'decide_acceptance'>;
  supplyMaterials: Input<'supply_materials'>;
  giveOpinion: Input<'give_opinion'>;
}

export interface CaseWorkflowDeps {
  db: Database;
  clock: Clock;
}

const STATE = 'state';
/** Ids of the timers already sent as delayed messages (technical; not part of the legal record). */
const SCHEDULED = 'scheduledTimers';

export function createCaseWorkflow(deps: CaseWorkflowDeps) {
  async function handle(ctx: restate.ObjectContext, command: CaseCommand): Promise<CaseResult> {
    const before = (await ctx.get<CaseState>(STATE)) ?? undefined;
    const nowMs = deps.clock.toVirtual(await ctx.date.now());
    const decision = decide(before, command, nowMs);
    if (!decision.ok) return { ok: false, error: decision.violation };

    const events: CaseEvent[] = [...decision.events];
    let state = events.reduce<CaseState | undefined>(evolve, before);
    if (!state) return { ok: false, error: { status: 404, code: 'case_not_found', message: '办件不存在' } };

    for (const matter of certificatesToIssue(state)) {
      const current: CaseState = state;
      const certificate = await ctx.run(`issue certificate ${matter.code}`, () =>
        issueCertificate(deps.db, {
          caseNo: current.caseNo,
          matter: matter.code,
          name: matter.result.name,
          holderName: current.applicant.name,
          holderIdNumber: current.applicant.idNumber,
          issuedOn: chinaDate(nowMs),
        }),
      );
      const event: CaseEvent = {
        type: 'certificate_issued',
        at: new Date(nowMs).toISOString(),
        actor: { kind: 'system', id: 'system' },
        data: certificate,
      };
      events.push(event);
      state = evolve(state, event);
    }

    if (events.length > 0) {
      const recorded: CaseState = state;
      await ctx.run('record events', () => recordCase(deps.db, events, recorded));
      ctx.set(STATE, state);
    }
    await scheduleTimers(ctx, state, nowMs, command);
    return { ok: true, case: state };
  }

  async function scheduleTimers(
    ctx: restate.ObjectContext,
    state: CaseState,
    nowMs: number,
    command: CaseCommand,
  ): Promise<void> {
    const pending = pendingTimers(state);
    const scheduled = new Set((await ctx.get<string[]>(SCHEDULED)) ?? []);
    // A timer that fired early (clock speed changed since it was set) is sent again for the rest of its wait.
    if (command.type === 'timer_fired') scheduled.delete(command.timerId);
    for (const timer of pending) {
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
    ctx.set(
      SCHEDULED,
      [...scheduled].filter((id) => stillPending.has(id)),
    );
  }

  return restate.object({
    name: 'case',
    handlers: {
      submit: (ctx: restate.ObjectContext, input: Input<'submit'>) => handle(ctx, { type: 'submit', ...input }),
      decideAcceptance: (ctx: restate.ObjectContext, input: Input<'decide_acceptance'>) =>
        handle(ctx, { type: 'decide_acceptance', ...input }),
      supplyMaterials: (ctx: restate.ObjectContext, input: Input<'supply_materials'>) =>
        handle(ctx, { type: 'supply_materials', ...input }),
      giveOpinion: (ctx: restate.ObjectContext, input: Input<'give_opinion'>) =>
        handle(ctx, { type: 'give_opinion', ...input }),
      timerFired: (ctx: restate.ObjectContext, input: Input<'timer_fired'>) =>
        handle(ctx, { type: 'timer_fired', ...input }),
      /** The live state, straight from the workflow (the API reads PostgreSQL for lists). */
      get: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext) => (await ctx.get<CaseState>(STATE)) ?? null,
      ),
    },
  });
}

export type CaseWorkflowDefinition = ReturnType<typeof createCaseWorkflow>;

/** The name-only definition clients use to address the case object. */
export const CaseWorkflow: CaseWorkflowDefinition = { name: 'case' } as CaseWorkflowDefinition;
