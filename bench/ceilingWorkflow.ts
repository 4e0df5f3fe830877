/**
 * The engine's ceiling for our shape of work (bench/run.ts): a minimal Temporal workflow that takes the same Updates
 * as an application — submit (update-with-start), accept, two opinions — answers each with a value and does nothing
 * else: no activity, no database, no rules. It ends once both opinions are in (a case workflow stays open instead; see
 * the bench's header for why this barely matters).
 */
import { allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const ceilingSubmit = defineUpdate<string, [string]>('submit');
export const ceilingAccept = defineUpdate<string, [string]>('accept');
export const ceilingOpinion = defineUpdate<string, [string]>('opinion');

export async function benchCeiling(): Promise<string> {
  let opinions = 0;
  setHandler(ceilingSubmit, (applicant) => `submitted ${applicant}`);
  setHandler(ceilingAccept, () => 'accepted');
  setHandler(ceilingOpinion, () => (++opinions === 2 ? 'approved' : 'opinion recorded'));
  await condition(() => opinions >= 2);
  await condition(allHandlersFinished);
  return 'approved';
}
