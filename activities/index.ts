/** The case workflow's activities: the only code that touches PostgreSQL on the workflow's behalf. */
import type { Database } from '../db/client.ts';
import type { CaseEvent, CaseState } from '../rules/caseModel.ts';
import { recordCase } from './recordCase.ts';

export function createActivities(db: Database) {
  return {
    recordCase: (events: CaseEvent[], state: CaseState) => recordCase(db, events, state),
  };
}
