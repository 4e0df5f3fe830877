/** The case workflow's activities: the only code that touches PostgreSQL on the workflow's behalf. */
import type { Database } from '../db/client.ts';
import type { KeyRing } from '../infra/keyRing.ts';
import type { CaseState } from '../rules/caseModel.ts';
import { recordCase, type ChainedCaseEvent } from './recordCase.ts';

export function createActivities(db: Database, keys: Pick<KeyRing, 'current'>) {
  return {
    // The key is asked at every step: a rotation reaches the worker within the ring's refresh time, no restart.
    recordCase: async (events: ChainedCaseEvent[], state: CaseState) =>
      recordCase(db, await keys.current(), events, state),
  };
}
