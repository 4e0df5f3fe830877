/**
 * Commands in the shape the API sends them to a case: `{type, data, meta: {actor, at}}`. The tests build them here so
 * that they show what the workflow and the rules really receive. Without an instant, a command is as a route builds
 * it before the API stamps the time it arrived (`stamped`): the unit tests give the instant when they decide it.
 */
import type { CaseCommand, CommandActor, CommandData, CommandType } from '../../rules/caseDecisions.ts';

type Of<T extends CommandType> = Extract<CaseCommand, { type: T }>;

/** A command not yet stamped with the instant it arrived. */
export type UnstampedCommand = {
  [T in CommandType]: { type: T; data: CommandData[T]; meta: { actor: CommandActor } };
}[CommandType];

/** One command of the given type, its data and who gave it; with an instant (epoch ms or ISO), stamped. */
export function command<T extends CommandType>(
  type: T,
  data: CommandData[T],
  actor: CommandActor,
): Extract<UnstampedCommand, { type: T }>;
export function command<T extends CommandType>(
  type: T,
  data: CommandData[T],
  actor: CommandActor,
  at: number | string,
): Of<T>;
export function command<T extends CommandType>(
  type: T,
  data: CommandData[T],
  actor: CommandActor,
  at?: number | string,
): UnstampedCommand | CaseCommand {
  const unstamped = { type, data, meta: { actor } } as UnstampedCommand;
  return at === undefined ? unstamped : stamped(unstamped, at);
}

/** The command as it arrives at an instant (the API stamps `meta.at` once, when it receives it). */
export function stamped(unstamped: UnstampedCommand, at: number | string): CaseCommand {
  const iso = typeof at === 'number' ? new Date(at).toISOString() : at;
  return { ...unstamped, meta: { ...unstamped.meta, at: iso } } as CaseCommand;
}

export const clerk = (id = 'clerk-01'): CommandActor => ({ kind: 'clerk', id });
export const reviewer = (id = 'reviewer-1'): CommandActor => ({ kind: 'reviewer', id });
/** A department head's decision is recorded with the reviewer's kind (as the API's actor mapping does). */
export const head = (id = 'head-1'): CommandActor => ({ kind: 'reviewer', id });
export const supervisor = (id = 'supervisor-1'): CommandActor => ({ kind: 'supervisor', id });
/** The applicant, acting with the query code: the case's applicant id is filled in by the rules. */
export const applicantActor: CommandActor = { kind: 'applicant' };
/** The system: a deadline timer falling due. */
export const system: CommandActor = { kind: 'system', id: 'system' };

/** The same command with some of its data changed (and, if given, another actor). */
export function withData<C extends UnstampedCommand>(base: C, data: Partial<C['data']>, actor?: CommandActor): C {
  return { ...base, data: { ...base.data, ...data }, meta: { ...base.meta, ...(actor ? { actor } : {}) } };
}
