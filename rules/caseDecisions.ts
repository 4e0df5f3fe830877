/**
 * What happens next on a case: given its state and one command (`{type, data, meta: {actor, at}}`), every event of
 * the step, certificates included (or the rule that forbids the command). Pure and deterministic; the workflow only
 * calls it, records and schedules.
 *
 * This file is the entry point: the commands (`CaseCommand`) and the dispatcher (`decide`). The deciders live in
 * rules/decisions/, one file per part of the domain (受理, 审查, 延期与特别程序, 证照, 期限预警);
 * what the rest of the code uses from them is re-exported here.
 */
import {
  evolve,
  type Actor,
  type Applicant,
  type CaseEvent,
  type CaseState,
  type Channel,
  type MaterialFile,
} from './caseModel.ts';
import type { MatterSnapshot } from './catalogue.ts';
import { decideRating, type RatingCommandData, type RatingStep } from './ratings.ts';
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
import { markOriginalSeen } from './decisions/materialFiles.ts';

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

/**
 * Who gave a command, as its events record them. An applicant acting with the query code may leave the id out: it is
 * then the case's applicant.
 */
export type CommandActor = Actor | { kind: 'applicant'; id?: string };

/** Who acted and when: the instant the API received the command (ISO), or the clock's for a timer. */
export interface CommandMeta {
  actor: CommandActor;
  at: string;
}

/** What each command says, apart from who gave it and when. */
export interface CommandData extends RatingCommandData {
  submit: {
    caseNo: string;
    queryCode: string;
    applicant: Applicant;
    theme?: { code: string; name: string };
    matters: MatterSnapshot[];
    materials: string[];
    commitments?: string[];
    fromLibrary?: Array<{ material: string; certificateNo: string }>;
    channel?: Channel;
    /** The files handed in per material, read by the API from the files table (hashes included). */
    files?: MaterialFile[];
    /** Materials whose original the receiving clerk saw (原件已核). */
    originalsSeen?: string[];
    form: Record<string, unknown>;
    /** The window that received the application (the receiving clerk is the command's actor). */
    window: string;
    /** The decision rules (absent: 1, a refusal refuses the whole case; 2: each matter its own outcome). */
    rules?: 2;
  };
  decide_acceptance: {
    decision: 'accept' | 'reject' | 'supplement' | 'accept_with_deficiencies';
    reason?: string;
    deficiencies?: string[];
    deficienciesDue?: IsoDate;
  };
  supply_materials: {
    materials: string[];
    commitments?: string[];
    channel?: Channel;
    files?: MaterialFile[];
    originalsSeen?: string[];
  };
  /** 原件已核 after the submission: a clerk saw the original of a material handed in. */
  mark_original_seen: { material: string };
  give_opinion: {
    taskId: string;
    decision: 'approve' | 'refuse' | 'supplement';
    reason?: string;
    materials?: string[];
    department?: string;
  };
  withdraw: { reason?: string };
  request_extension: { department: string; reason: string };
  decide_extension: {
    extensionId: string;
    decision: 'approve' | 'refuse';
    /** The deciding head's department: only the requesting department's head decides. */
    department?: string;
  };
  start_special_procedure: {
    taskId: string;
    procedure: SpecialProcedureType;
    expectedWorkingDays: number;
    reason: string;
  };
  end_special_procedure: { taskId: string; procedureId: string };
  deliver: { method: 'pickup' | 'post'; trackingNumber?: string };
  revoke_certificate: { certificateNo: string; department: string; reason: string };
  mark_urgent: { reason: string };
  timer_fired: { timerId: string };
}

export type CommandType = keyof CommandData;

/** One command: `{type, data, meta: {actor, at}}`. */
export type CaseCommand = { [T in CommandType]: { type: T; data: CommandData[T]; meta: CommandMeta } }[CommandType];

/** What a decider reads: the command's data and who acted (an applicant's id filled in from the case). */
export type Step<T extends CommandType> = CommandData[T] & { actor: Actor };

/** A deadline's timer falling due: a command from the system, at the clock's instant. */
export function timerFiredCommand(timerId: string, nowMs: number): CaseCommand {
  return { type: 'timer_fired', data: { timerId }, meta: { actor: SYSTEM, at: new Date(nowMs).toISOString() } };
}

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
export function decide(state: CaseState | undefined, command: CaseCommand, context: DecisionContext = {}): Decision {
  const nowMs = effectiveTime(state, Date.parse(command.meta.at));
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
  const given = command.meta.actor;
  const actor: Actor = { ...given, id: given.id ?? state?.applicant.idNumber ?? '' };
  if (command.type === 'submit') return submit(buffer, { ...command.data, actor }, today);
  if (!state) {
    return 'taskId' in command.data
      ? violation('task_not_found', `审查任务 ${command.data.taskId} 不存在`, 'taskId')
      : violation('case_not_found', '办件不存在', 'caseNo');
  }
  switch (command.type) {
    case 'decide_acceptance':
      return decideAcceptance(buffer, { ...command.data, actor }, today);
    case 'supply_materials':
      return supplyMaterials(buffer, { ...command.data, actor }, today);
    case 'give_opinion':
      return giveOpinion(buffer, { ...command.data, actor }, today);
    case 'withdraw':
      return withdraw(buffer, { ...command.data, actor });
    case 'request_extension':
      return requestExtension(buffer, { ...command.data, actor });
    case 'decide_extension':
      return decideExtension(buffer, { ...command.data, actor });
    case 'start_special_procedure':
      return startSpecialProcedure(buffer, { ...command.data, actor }, today);
    case 'end_special_procedure':
      return endSpecialProcedure(buffer, { ...command.data, actor }, today);
    case 'deliver':
      return deliver(buffer, { ...command.data, actor }, today);
    case 'revoke_certificate':
      return revokeCertificate(buffer, { ...command.data, actor });
    case 'mark_urgent':
      return markUrgent(buffer, { ...command.data, actor });
    case 'mark_original_seen':
      return markOriginalSeen(buffer, { ...command.data, actor });
    case 'rate':
    case 'reply_follow_up':
    case 'appeal_rating':
    case 'decide_rating_appeal':
      return decideRating(state, { type: command.type, ...command.data, actor } as RatingStep, buffer.at, today);
    case 'timer_fired':
      return timerFired(buffer, command.data.timerId, nowMs, today);
  }
}
