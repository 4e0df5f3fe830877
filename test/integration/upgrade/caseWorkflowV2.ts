/**
 * The "changed code" of the upgrade test: certificate numbers now carry the prefix `V2`, behind `patched()`. A case
 * whose certificates were issued before the upgrade replays without the marker and keeps `ZZ`; a case that issues
 * them on this code takes the new path. Without `patched()`, a replay would rebuild a state whose certificate numbers
 * differ from the record in PostgreSQL.
 */
import { patched } from '@temporalio/workflow';
import type { CaseWorkflowInput, CaseWorkflowResult } from '../../../workflows/caseMessages.ts';
import { runCase } from '../../../workflows/caseWorkflow.ts';

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  return runCase(input, {
    certificatePrefix: () => (patched('certificate-prefix-v2') ? 'V2' : input.certificatePrefix),
  });
}
