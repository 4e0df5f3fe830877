/**
 * The rules against the recorded answers: every Update in a committed history is decided again, from the case as
 * the Update before it left it, and must yield the state the workflow answered with then. A step a timer fired into
 * (the case moved between the two Updates) is skipped; the rest prove the current rules give the same events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../rules/caseDecisions.ts';
import { evolve, type CaseState } from '../../rules/caseModel.ts';
import { commandTypes, type CaseUpdateName } from '../../workflows/caseMessages.ts';
import { upcastCommand } from '../../workflows/upcastCommand.ts';
import { loadHistoryFiles, summarise, type HistoryFile } from './histories.ts';

let files: HistoryFile[] = [];
beforeAll(async () => {
  files = await loadHistoryFiles();
});

function step(state: CaseState | undefined, name: string, input: any, prefix: string): CaseState | undefined {
  const command = upcastCommand(commandTypes[name as CaseUpdateName], input);
  const decision = decide(state, command, { certificatePrefix: () => prefix });
  return decision.ok ? decision.events.reduce<CaseState | undefined>(evolve, state) : undefined;
}

describe('recorded Update answers', () => {
  it('every Update decided again from the case before it gives the state it answered with', () => {
    let checked = 0;
    const byCase = new Map<string, HistoryFile[]>();
    for (const f of files) byCase.set(f.pathName, [...(byCase.get(f.pathName) ?? []), f]);
    for (const [pathName, runs] of byCase) {
      let before: CaseState | undefined;
      for (const file of runs) {
        const run = summarise(file.history);
        if (run.input.carried) before = run.input.carried.state;
        for (const update of run.updates) {
          if (!update.result) continue;
          const expected = update.result as CaseState;
          const fresh = before === undefined || before.seq + 1 <= expected.seq;
          if (fresh && (before?.seq ?? 0) < expected.seq) {
            const got = step(before, update.name, update.input, run.input.certificatePrefix);
            if (got && got.seq === expected.seq) {
              expect(got, `${pathName}: ${update.name}`).toMatchObject(expected);
              checked += 1;
            }
          }
          before = expected;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});
