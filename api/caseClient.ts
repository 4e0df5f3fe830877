/** Calls into a case's workflow through Restate's ingress, turning rule violations into API errors. */
import * as clients from '@restatedev/restate-sdk-clients';
import type { CaseState } from '../rules/caseModel.ts';
import { CaseWorkflow, type CaseInputs, type CaseResult } from '../workflows/caseWorkflow.ts';
import type { ApiDeps } from './app.ts';
import { ApiError } from './errors.ts';

export async function callCase<H extends keyof CaseInputs>(
  deps: ApiDeps,
  caseNo: string,
  handler: H,
  input: Omit<CaseInputs[H], 'at'>,
  idempotencyKey?: string,
): Promise<CaseState> {
  const client = deps.ingress.objectClient(CaseWorkflow, caseNo);
  const call = client[handler] as (input: unknown, opts?: unknown) => Promise<CaseResult>;
  // The API is where a command arrives: its time is stamped here, once, and journaled with the input.
  const stamped = { ...input, at: new Date(deps.clock.now()).toISOString() };
  let result: CaseResult;
  try {
    result = idempotencyKey
      ? await call(stamped, clients.rpc.opts({ idempotencyKey: `${handler}:${idempotencyKey}` }))
      : await call(stamped);
  } catch (error) {
    throw new ApiError(503, 'engine_unavailable', `审批引擎暂不可用，请稍后重试（${(error as Error).message}）`);
  }
  if (!result.ok) throw new ApiError(result.error.status, result.error.code, result.error.message, result.error.field);
  return result.case;
}
