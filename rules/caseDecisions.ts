/**
 * What happens next on a case: given its state, one input and the time, the events to record (or the rule that
 * forbids the input). Pure and deterministic; the workflow only calls it, records and schedules.
 *
 * This file is the entry point: the commands (`CaseCommand`) and the dispatcher (`decide`). The deciders live in
 * rules/decisions/, one file per part of the domain (受理, 审查, 延期与特别程序, 证照, 期限预警);
 * what the rest of the code uses from them is re-exported here.
 */
import {
  evolve,
  type ActorDetails,
  type Applicant,
  type CaseEvent,
  type CaseState,
  type Channel,
} from './caseModel.ts';
import type { MatterSnapshot } from './catalogue.ts';
import { decideRating, type RatingCommand } from './ratings.ts';
import { chinaDate, type IsoDate } from './workingDays.ts';
import { decideAcceptance, submit, supplyMaterials } from './decisions/acceptance.ts';
import { EventBuffer, SYSTEM, violation, type Decision } from './decisions/buffer.ts';
import { certificateFor, certificatesToIssue, deliver, revokeCertificate } from './decisions/delivery.ts';
import {
  decideExtension,
  endSpecialProcedure,
  markUrgent,
  requestExtension,
  startSpecialProcedure,
} from './decisions/extensions.ts';
import type { SpecialProcedureType } from './decisions/limits.ts';
import { giveOpinion, withdraw } from './decisions/review.ts';
import { timerFired } from './decisions/timers.ts';

export { outstandingMaterials } from './decisions/acceptance.ts';
export type { Decision, RuleViolation } from './decisions/buffer.ts';
export { certificatesToIssue } from './decisions/delivery.ts';
export {
  ACCEPTANCE_LIMIT_DAYS,
  DEFAULT_WARNING_DAYS,
  DELIVERY_LIMIT_DAYS,
  ESCALATED_REVIEW_DAYS,
  SPECIAL_PROCEDURE_TYPES,
  extensionDaysFor,
  reviewLimits,
  secondStageDue,
  supplementLimitDays,
  taskLimitDays,
  warningDays,
  type SpecialProcedureType,
} from './decisions/limits.ts';
export { matterResults, perMatterOutcomes } from './decisions/review.ts';
export { pendingTimers, type PendingTimer } from './decisions/timers.ts';

export type CaseCommand =
  | {
      type: 'submit';
      caseNo: string;
      queryCode: string;
      applicant: Applicant;
      theme?: { code: string; name: string };
      matters: MatterSnapshot[];
      materials: string[];
      commitments?: string[];
      fromLibrary?: Array<{ material: string; certificateNo: string }>;
      channel?: Channel;
      form: Record<string, unknown>;
      receivedBy: { clerkId: string; window: string };
      by?: ActorDetails;
      /** The decision rules (absent: 1, a refusal refuses the whole case; 2: each matter its own outcome). */
      rules?: 2;
    }
  | {
      type: 'decide_acceptance';
      decision: 'accept' | 'reject' | 'supplement' | 'accept_with_deficiencies';
      reason?: string;
      clerkId: string;
      by?: ActorDetails;
      deficiencies?: string[];
      deficienciesDue?: IsoDate;
    }
  | {
      type: 'supply_materials';
      materials: string[];
      commitments?: string[];
      channel?: Channel;
      actorId?: string;
      by?: ActorDetails;
    }
  | {
      type: 'give_opinion';
      taskId: string;
      decision: 'approve' | 'refuse' | 'supplement';
      reason?: string;
      materials?: string[];
      reviewerId: string;
      department?: string;
      by?: ActorDetails;
    }
  | { type: 'withdraw'; reason?: string; actorId?: string; by?: ActorDetails }
  | { type: 'request_extension'; department: string; reason: string; reviewerId: string; by?: ActorDetails }
  | {
      type: 'decide_extension';
      extensionId: string;
      decision: 'approve' | 'refuse';
      headId: string;
      /** The deciding head's department: only the requesting department's head decides. */
      department?: string;
      by?: ActorDetails;
    }
  | {
      type: 'start_special_procedure';
      taskId: string;
      procedure: SpecialProcedureType;
      expectedWorkingDays: number;
      reason: string;
      reviewerId: string;
      by?: ActorDetails;
    }
  | { type: 'end_special_procedure'; taskId: string; procedureId: string; reviewerId: string; by?: ActorDetails }
  | { type: 'deliver'; method: 'pickup' | 'post'; trackingNumber?: string; clerkId: string; by?: ActorDetails }
  | {
      type: 'revoke_certificate';
      certificateNo: string;
      department: string;
      reason: string;
      reviewerId: string;
      by?: ActorDetails;
    }
  | { type: 'mark_urgent'; reason: string; supervisorId: string; by?: ActorDetails }
  | RatingCommand
  | { type: 'timer_fired'; timerId: string };

/** What a step needs beyond the case and the command. */
export interface DecisionContext {
  /**
   * The issuing authority's prefix of certificate numbers (default `ZZ`), asked only when a step issues one: a newer
   * workflow may choose it behind a patch marker, which must appear in the history only where a certificate is issued.
   */
  certificatePrefix?: () => string;
}

/**
 * The instant a command takes effect: when it was given (the API's stamp, or the clock for a timer), but never before
 * the case's last event, so the record's times never run backwards.
 */
export function effectiveTime(state: CaseState | undefined, givenMs: number): number {
  return state ? Math.max(givenMs, Date.parse(state.lastEventAt ?? state.receivedAt)) : givenMs;
}

/**
 * Every event of one step: the command's own, then (同步发证) the certificate of every matter the step approved,
 * numbered from the case so that deciding the step again yields the same certificates.
 */
export function decide(
  state: CaseState | undefined,
  command: CaseCommand,
  givenMs: number,
  context: DecisionContext = {},
): Decision {
  const nowMs = effectiveTime(state, givenMs);
  const decision = decideCommand(state, command, nowMs);
  if (!decision.ok) return decision;
  const events: CaseEvent[] = [...decision.events];
  let next = events.reduce<CaseState | undefined>(evolve, state);
  if (!next) return decision;
  for (const matter of certificatesToIssue(next)) {
    const event: CaseEvent = {
      type: 'certificate_issued',
      at: new Date(nowMs).toISOString(),
      actor: SYSTEM,
      data: certificateFor(next, matter, nowMs, context.certificatePrefix?.()),
    };
    events.push(event);
    next = evolve(next, event);
  }
  return { ok: true, events };
}

function decideCommand(state: CaseState | undefined, command: CaseCommand, nowMs: number): Decision {
  const buffer = new EventBuffer(state, new Date(nowMs).toISOString());
  const today = chinaDate(nowMs);
  if (command.type === 'submit') return submit(buffer, command, today);
  if (!state) {
    return 'taskId' in command
      ? violation('task_not_found', `审查任务 ${command.taskId} 不存在`, 'taskId')
      : violation('case_not_found', '办件不存在', 'caseNo');
  }
  switch (command.type) {
    case 'decide_acceptance':
      return decideAcceptance(buffer, command, today);
    case 'supply_materials':
      return supplyMaterials(buffer, command, today);
    case 'give_opinion':
      return giveOpinion(buffer, command, today);
    case 'withdraw':
      return withdraw(buffer, command);
    case 'request_extension':
      return requestExtension(buffer, command);
    case 'decide_extension':
      return decideExtension(buffer, command);
    case 'start_special_procedure':
      return startSpecialProcedure(buffer, command, today);
    case 'end_special_procedure':
      return endSpecialProcedure(buffer, command, today);
    case 'deliver':
      return deliver(buffer, command, today);
    case 'revoke_certificate':
      return revokeCertificate(buffer, command);
    case 'mark_urgent':
      return markUrgent(buffer, command);
    case 'rate':
    case 'reply_follow_up':
    case 'appeal_rating':
    case 'decide_rating_appeal':
      return decideRating(state, command, buffer.at, today);
    case 'timer_fired':
      return timerFired(buffer, command.timerId, nowMs, today);
  }
}
