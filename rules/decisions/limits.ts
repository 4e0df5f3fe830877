/** Time limits (办理时限, 行政许可法): each limit's single definition, and the warning before a due date (预警). */
import type { CaseState, ReviewTask } from '../caseModel.ts';
import type { MatterSnapshot } from '../catalogue.ts';
import { addWorkingDays, type IsoDate } from '../workingDays.ts';

/** 行政许可法 第32条: decide on acceptance (or send the one-time notice) within 5 working days. */
export const ACCEPTANCE_LIMIT_DAYS = 5;
/** 第43条: a lower level's preliminary review takes at most 20 working days. */
export const ESCALATED_REVIEW_DAYS = 20;
/** 第44条: the certificate is issued and delivered within 10 working days of the decision. */
export const DELIVERY_LIMIT_DAYS = 10;
/** Yellow warning this many working days before a due date when the matter sets none. */
export const DEFAULT_WARNING_DAYS = 3;
/** 特别程序 of 第45条. */
export const SPECIAL_PROCEDURE_TYPES = [
  'hearing',
  'tender',
  'auction',
  'inspection',
  'testing',
  'quarantine',
  'appraisal',
  'expert_review',
  'site_visit',
] as const;
export type SpecialProcedureType = (typeof SPECIAL_PROCEDURE_TYPES)[number];

// The limits below are the rules' single definitions: the decider uses them and so does the auditor's re-derivation
// (integrity/audit.ts), which must reach the same dates from the same events.

/** The case's review limits in working days: the longest statutory and promised limits over its matters. */
export function reviewLimits(matters: MatterSnapshot[]): { statutory: number; promised: number } {
  return {
    statutory: Math.max(...matters.map((m) => m.statutoryLimitDays)),
    promised: Math.max(...matters.map((m) => m.promisedLimitDays)),
  };
}

/** Working days given to supply missing material (one-time notice, 容缺): the longest over the case's matters. */
export function supplementLimitDays(matters: MatterSnapshot[]): number {
  return Math.max(...matters.map((m) => m.supplementLimitDays));
}

/** A review task's limit: 第43条's 20 days for a lower level's preliminary review, else the promised limit. */
export function taskLimitDays(matter: MatterSnapshot, stage: 1 | 2): number {
  return matter.kind === 'escalated' && stage === 1 ? ESCALATED_REVIEW_DAYS : matter.promisedLimitDays;
}

/**
 * A second stage's due date when it opens: the higher level of an escalated matter gets its own limit
 * (`higherLevelLimitDays`; the catalogue guarantees 20 + it fits in the matter's limits). A snapshot taken before the
 * field existed keeps the old rule, the matter's promised limit, so running cases keep their dates.
 */
export function secondStageDue(matter: MatterSnapshot, lead: Pick<ReviewTask, 'due'>, openedOn: IsoDate): IsoDate {
  return matter.kind === 'escalated'
    ? addWorkingDays(openedOn, matter.higherLevelLimitDays ?? matter.promisedLimitDays)
    : lead.due;
}

/** 第42条: 20 days extend by 10; joint / centralised handling (45 days) by 15. */
export function extensionDaysFor(limits: { statutory: number }): number {
  return limits.statutory >= 45 ? 15 : 10;
}

export function warningDays(state: CaseState): number {
  const set = state.matters.map((m) => m.warningDays).filter((d) => d > 0);
  return set.length > 0 ? Math.min(...set) : DEFAULT_WARNING_DAYS;
}
