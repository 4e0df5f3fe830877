/**
 * A deliberately changed workflow module for the replay-case test (never run by a worker): the case workflow as it
 * is, but it sleeps for a millisecond before anything else. A real case's history has no such timer, so replaying it
 * on this code is a nondeterminism error, which `npm run replay-case` must report (exit 1).
 */
import { sleep } from '@temporalio/workflow';
import type { CaseWorkflowInput, CaseWorkflowResult } from '../../../workflows/caseMessages.ts';
import { runCase } from '../../../workflows/caseWorkflow.ts';

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  await sleep(1);
  return runCase(input, {});
}
