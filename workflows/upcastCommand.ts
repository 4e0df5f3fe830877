/**
 * Commands as older code sent them, in the current shape. Recorded histories keep every Update's arguments as they
 * were sent: before the envelope `{type, data, meta: {actor, at}}`, each command named its actor in a field of its
 * own (`clerkId`, `reviewerId`, `headId`, `supervisorId`, `actorId`, `receivedBy.clerkId`), with `by` for what the
 * session said about them, beside `at`. Upcasting them here, where the workflow receives a command, lets every
 * recorded case replay through the current rules with the same events.
 */
import type { CaseCommand, CommandActor, CommandData, CommandType } from '../rules/caseDecisions.ts';
import type { Actor } from '../rules/caseModel.ts';

/** What an old command's `by` said about its signed-in actor (absent before accounts existed). */
type ActorDetails = Omit<Actor, 'kind' | 'id'>;

/** How each command named its actor before the envelope. */
interface LegacyActorFields {
  submit: { receivedBy: { clerkId: string; window: string } };
  decide_acceptance: { clerkId: string };
  deliver: { clerkId: string };
  supply_materials: { actorId?: string };
  withdraw: { actorId?: string };
  give_opinion: { reviewerId: string };
  request_extension: { reviewerId: string };
  start_special_procedure: { reviewerId: string };
  end_special_procedure: { reviewerId: string };
  revoke_certificate: { reviewerId: string };
  reply_follow_up: { reviewerId: string };
  appeal_rating: { reviewerId: string };
  decide_extension: { headId: string };
  mark_urgent: { supervisorId: string };
  /** Newer than the envelope: never recorded in an older shape. */
  mark_original_seen: object;
  decide_rating_appeal: { supervisorId: string };
  rate: object;
  timer_fired: object;
}

/** A command in the shape recorded before the envelope (the Update's argument also carried `at`). */
export type LegacyCommand = {
  [T in CommandType]: { type: T } & Omit<CommandData[T], 'window'> & LegacyActorFields[T] & { by?: ActorDetails };
}[CommandType];

/** The field that named the actor of each staff command, and the part they played. */
const staffFields: Partial<Record<CommandType, [field: string, kind: Actor['kind']]>> = {
  decide_acceptance: ['clerkId', 'clerk'],
  deliver: ['clerkId', 'clerk'],
  give_opinion: ['reviewerId', 'reviewer'],
  request_extension: ['reviewerId', 'reviewer'],
  start_special_procedure: ['reviewerId', 'reviewer'],
  end_special_procedure: ['reviewerId', 'reviewer'],
  revoke_certificate: ['reviewerId', 'reviewer'],
  reply_follow_up: ['reviewerId', 'reviewer'],
  appeal_rating: ['reviewerId', 'reviewer'],
  // a head's decision was recorded with the reviewer's kind
  decide_extension: ['headId', 'reviewer'],
  mark_urgent: ['supervisorId', 'supervisor'],
  decide_rating_appeal: ['supervisorId', 'supervisor'],
};

type Fields = Record<string, unknown>;

export function isEnvelope(input: unknown): input is { data: Fields; meta: { actor: CommandActor; at: string } } {
  const meta = (input as { meta?: { actor?: unknown; at?: unknown } } | null)?.meta;
  return typeof meta === 'object' && meta !== null && typeof meta.at === 'string' && typeof meta.actor === 'object';
}

/** A command written in the old shape (as the unit tests write them), given at an instant. */
export function fromLegacy(command: LegacyCommand, at: string): CaseCommand {
  const { type, ...fields } = command;
  return upcastCommand(type, { ...fields, at });
}

/** The command an Update of this type carries, whichever shape it was sent in. */
export function upcastCommand(type: CommandType, input: unknown): CaseCommand {
  if (isEnvelope(input)) return { type, data: input.data, meta: input.meta } as CaseCommand;
  const { at, by, ...fields } = input as Fields & { at: string; by?: ActorDetails };
  const { actor, data } = legacyActor(type, fields, by);
  return { type, data, meta: { actor, at } } as CaseCommand;
}

function legacyActor(type: CommandType, fields: Fields, by: ActorDetails | undefined) {
  const staff = (kind: Actor['kind'], id: string): Actor => ({ kind, id, ...(by ?? {}) });
  if (type === 'submit') {
    const { receivedBy, ...data } = fields as Fields & { receivedBy: { clerkId: string; window: string } };
    return { actor: staff('clerk', receivedBy.clerkId), data: { ...data, window: receivedBy.window } };
  }
  if (type === 'supply_materials' || type === 'withdraw') {
    // the applicant with the query code (their id is the case's), or a clerk at the window on their behalf
    const { actorId, ...data } = fields as Fields & { actorId?: string };
    const actor: CommandActor = by
      ? staff('clerk', actorId ?? 'clerk')
      : { kind: 'applicant', ...(actorId !== undefined ? { id: actorId } : {}) };
    return { actor, data };
  }
  const named = staffFields[type];
  if (named) {
    const { [named[0]]: id, ...data } = fields;
    return { actor: staff(named[1], id as string), data };
  }
  if (type === 'rate') return { actor: { kind: 'applicant' } as CommandActor, data: fields };
  return { actor: { kind: 'system', id: 'system' } as CommandActor, data: fields };
}
