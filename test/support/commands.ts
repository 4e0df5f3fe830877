/**
 * Commands in the shape the API sends them to a case: `{type, data, meta: {actor, at}}`. The tests build them here so
 * that they show what the workflow and the rules really receive.
 */
import type { CaseCommand, CommandActor, CommandData, CommandType } from '../../rules/caseDecisions.ts';

/** One command of the given type, its data, who gave it and at which instant (epoch ms or ISO). */
export function command<T extends CommandType>(
  type: T,
  data: CommandData[T],
  actor: CommandActor,
  at: number | string,
): Extract<CaseCommand, { type: T }> {
  const iso = typeof at === 'number' ? new Date(at).toISOString() : at;
  return { type, data, meta: { actor, at: iso } } as Extract<CaseCommand, { type: T }>;
}

export const clerk = (id = 'clerk-01'): CommandActor => ({ kind: 'clerk', id });
export const reviewer = (id = 'reviewer-1'): CommandActor => ({ kind: 'reviewer', id });
/** A department head's decision is recorded with the reviewer's kind (as the API's actor mapping does). */
export const head = (id = 'head-1'): CommandActor => ({ kind: 'reviewer', id });
export const supervisor = (id = 'supervisor-1'): CommandActor => ({ kind: 'supervisor', id });
/** The applicant, acting with the query code: the case's applicant id is filled in by the rules. */
export const applicantActor: CommandActor = { kind: 'applicant' };
