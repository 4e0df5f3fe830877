/**
 * The messages a case workflow answers: one Workflow Update per human command, a Query for the live state, and the
 * workflow's input. Shared by the workflow (handlers) and the API (callers); definitions only, no behaviour.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseCommand } from '../rules/caseDecisions.ts';
import type { CaseState } from '../rules/caseModel.ts';
import type { ChainHead } from '../integrity/hashChain.ts';
import type { ClockParams } from '../infra/clock.ts';

/**
 * An Update's argument: the command `{type, data, meta: {actor, at}}`, `at` the instant the API received it (the
 * history keeps it, replays agree). Histories recorded before the envelope carry an older shape, which the workflow
 * upcasts (workflows/upcastCommand.ts).
 */
export type CommandInput<T extends CaseCommand['type']> = Extract<CaseCommand, { type: T }>;

/** Update name → the rule command it carries. The names are part of every recorded history: never rename one. */
export const commandTypes = {
  submit: 'submit',
  decideAcceptance: 'decide_acceptance',
  supplyMaterials: 'supply_materials',
  giveOpinion: 'give_opinion',
  withdraw: 'withdraw',
  requestExtension: 'request_extension',
  decideExtension: 'decide_extension',
  startSpecialProcedure: 'start_special_procedure',
  endSpecialProcedure: 'end_special_procedure',
  deliver: 'deliver',
  revokeCertificate: 'revoke_certificate',
  markUrgent: 'mark_urgent',
  markOriginalSeen: 'mark_original_seen',
  rate: 'rate',
  replyFollowUp: 'reply_follow_up',
  appealRating: 'appeal_rating',
  decideRatingAppeal: 'decide_rating_appeal',
} as const satisfies Record<string, Exclude<CaseCommand['type'], 'timer_fired'>>;

export type CaseUpdateName = keyof typeof commandTypes;
export type CaseInputs = { [K in CaseUpdateName]: CommandInput<(typeof commandTypes)[K]> };

/** An Update's answer: the case after the command, and the id of what the command created (procedure, extension). */
export interface CaseAnswer {
  state: CaseState;
  created?: string;
}

export const caseUpdates = Object.fromEntries(
  Object.keys(commandTypes).map((name) => [name, defineUpdate<CaseAnswer, [unknown]>(name)]),
) as { [K in CaseUpdateName]: ReturnType<typeof defineUpdate<CaseAnswer, [CaseInputs[K]]>> };

/** The live state of the case, straight from the workflow (lists and the record are read from PostgreSQL). */
export const caseStateQuery = defineQuery<CaseState | null>('caseState');

/** The last sequence number and hash of the case's event chain, as the workflow recorded them (null before any). */
export const caseChainHeadQuery = defineQuery<ChainHead | null>('caseChainHead');

export interface CaseWorkflowInput {
  caseNo: string;
  /** The virtual clock, fixed when the case starts so every replay of this case reads the same times. */
  clock: ClockParams;
  /** Prefix of certificate numbers (the issuing authority's code). */
  certificatePrefix: string;
  /** How long a finished case stays open for retried commands (default 10 minutes); CASE_CLOSE_GRACE_MS. */
  closeGraceMs?: number;
  /** Test-only: continue-as-new once the history has this many events (the engine's own suggestion always counts). */
  historyLimit?: number;
  /**
   * Set by continue-as-new (or reopening): the case so far, the ids of recent Updates (a retry across runs applies
   * once) and the chain head.
   */
  carried?: { state: CaseState; recentUpdateIds: string[]; createdBy?: Record<string, string>; chain?: ChainHead };
}

/** How a case workflow ends (the legal outcome is in the state and in PostgreSQL). */
export interface CaseWorkflowResult {
  caseNo: string;
  status: CaseState['status'] | 'never_submitted';
  lastSeq: number;
  /** A closed case's final state, recent Update ids and chain head: what a reopened run starts from. */
  carried?: NonNullable<CaseWorkflowInput['carried']>;
}
