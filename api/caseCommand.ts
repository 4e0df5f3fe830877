/**
 * What every command route does to reach its case: who acts (the signed-in staff member, or the applicant who
 * presented the query code), the request's Idempotency-Key, and the call of the case's workflow.
 */
import type { FastifyRequest } from 'fastify';
import type { CommandActor } from '../rules/caseDecisions.ts';
import type { CaseAnswer, CaseInputs, CaseUpdateName } from '../workflows/caseMessages.ts';
import { commandActor } from './auth/guard.ts';
import { callCase, type CallOptions, type EngineDeps } from './caseClient.ts';

export interface CommandOptions extends CallOptions {
  /** The department the staff member acts for (their own, or as AB岗 backup), as recorded in the events. */
  acting?: { department: string; onBehalfOf?: string };
}

export function commandCase<H extends CaseUpdateName>(
  deps: EngineDeps,
  request: FastifyRequest,
  caseNo: string,
  name: H,
  data: CaseInputs[H]['data'],
  { acting, ...options }: CommandOptions = {},
): Promise<CaseAnswer> {
  // Routes open to applicants have checked the query code; the case's applicant is then the actor.
  const actor: CommandActor = request.staff ? commandActor(request.staff, acting) : { kind: 'applicant' };
  const key = request.headers['idempotency-key'];
  return callCase(deps, caseNo, name, { data, actor }, typeof key === 'string' ? key : undefined, options);
}
