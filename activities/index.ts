/** The case workflow's activities: the only code that touches PostgreSQL on the workflow's behalf. */
import type { Database } from '../db/client.ts';
import type { SigningKey } from '../infra/signingKey.ts';
import type { CaseState } from '../rules/caseModel.ts';
import { recordCase, type ChainedCaseEvent } from './recordCase.ts';

export function createActivities(db: Database, key: SigningKey) {
  return {
    recordCase: (events: ChainedCaseEvent[], state: CaseState) => recordCase(db, key, events, state),
  };
}
