/** Shared fixtures for the unit tests of rules/: the demo catalogue, snapshots, times in China Standard Time. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { CaseEvent, CaseState } from '../../rules/caseModel.ts';
import { evolve } from '../../rules/caseModel.ts';
import type { CommandData, Decision, RuleViolation } from '../../rules/caseDecisions.ts';
import { decide } from '../../rules/caseDecisions.ts';
import { clerk, command, stamped, type UnstampedCommand } from '../support/commands.ts';
import type { Catalogue, MatterSnapshot } from '../../rules/catalogue.ts';
import { ruleStatus } from '../../api/ruleStatus.ts';
import { snapshotMatter } from '../../rules/catalogue.ts';

/** The demo catalogue, read the way db/catalogue.ts reads it. */
export function loadDemoCatalogue(): Catalogue {
  return JSON.parse(readFileSync(new URL('../../db/seed/catalogue.json', import.meta.url), 'utf8')) as Catalogue;
}

const catalogue: Catalogue = loadDemoCatalogue();

export function snapshot(code: string): MatterSnapshot {
  const matter = catalogue.matters.find((m) => m.code === code);
  if (!matter) throw new Error(`no matter ${code} in the demo catalogue`);
  return snapshotMatter(catalogue, matter);
}

export function themeSnapshots(themeCode: string): MatterSnapshot[] {
  const theme = catalogue.themes.find((t) => t.code === themeCode);
  if (!theme) throw new Error(`no theme ${themeCode} in the demo catalogue`);
  return theme.matters.map(snapshot);
}

/** An instant given as a wall-clock time in China (UTC+8), e.g. cst('2026-09-18 10:00'). */
export function cst(wallClock: string): number {
  const ms = Date.parse(`${wallClock.replace(' ', 'T')}:00+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad time ${wallClock}`);
  return ms;
}

export const applicant = {
  type: 'organisation' as const,
  name: '某某餐饮管理有限公司',
  idNumber: '91440300MA5XXXXX0X',
};

/**
 * A command as the tests write it: the envelope `{type, data, meta: {actor}}` the API builds, given an instant when it
 * is decided (the API stamps `meta.at` when it receives the command).
 */
export type TestCommand = UnstampedCommand;

/** Decide a test command given at an instant. */
export function decideAt(state: CaseState | undefined, command: TestCommand, nowMs: number): Decision {
  return decide(state, stamped(command, nowMs));
}

export function submitCommand(
  matters: MatterSnapshot[],
  materials: string[],
  extra: Partial<CommandData['submit']> = {},
): TestCommand {
  return command(
    'submit',
    {
      caseNo: 'YM-2026-000001',
      queryCode: 'Q7X2',
      applicant,
      matters,
      materials,
      form: { shopName: '老街面馆' },
      window: 'W3',
      ...extra,
    },
    clerk('clerk-01'),
  );
}

/** Fold events into a state. */
export function fold(state: CaseState | undefined, events: CaseEvent[]): CaseState {
  const result = events.reduce<CaseState | undefined>(evolve, state);
  if (!result) throw new Error('no state after folding');
  return result;
}

/** Expect an accepted decision and return its events. */
export function eventsOf(decision: Decision): CaseEvent[] {
  if (!decision.ok) throw new Error(`expected events, got violation ${JSON.stringify(decision.violation)}`);
  return decision.events;
}

/** Expect a rule violation and return it, with the HTTP status the API answers it with. */
export function violationOf(decision: Decision): RuleViolation & { status: number } {
  if (decision.ok) throw new Error(`expected a violation, got ${decision.events.length} events`);
  return { ...decision.violation, status: ruleStatus(decision.violation.code) };
}

/**
 * A case driven through commands: every command is decided at the given instant, and its events are folded into
 * the state and appended to the log, as the workflow does.
 */
export class Driver {
  state: CaseState | undefined;
  readonly log: CaseEvent[] = [];

  run(command: TestCommand, nowMs: number): CaseEvent[] {
    const events = eventsOf(decideAt(this.state, command, nowMs));
    this.state = fold(this.state, events);
    this.log.push(...events);
    expect(this.state.seq).toBe(this.log.length);
    return events;
  }

  /** Record an event that the workflow writes itself (e.g. `certificate_issued`), as the event log would. */
  record(event: CaseEvent): void {
    this.state = fold(this.state, [event]);
    this.log.push(event);
    expect(this.state.seq).toBe(this.log.length);
  }

  attempt(command: TestCommand, nowMs: number): Decision {
    return decideAt(this.state, command, nowMs);
  }

  get current(): CaseState {
    if (!this.state) throw new Error('no case yet');
    return this.state;
  }
}

/** An expected event: its type alone, or the parts of it that matter. */
type ExpectedEvent = CaseEvent['type'] | Partial<CaseEvent>;

/**
 * The decider as a function of the case's history: `given(...events).when(command, at).then(expected)` folds the
 * events, decides the command at the instant and expects exactly the events listed (in order); `.refused(violation)`
 * expects the rule that forbids it. Both return what they checked, for further assertions.
 */
export function given(...history: CaseEvent[]) {
  const state = history.length > 0 ? fold(undefined, history) : undefined;
  return {
    when(command: TestCommand, nowMs: number) {
      const decision = decideAt(state, command, nowMs);
      return {
        then(expected: ExpectedEvent[]): { events: CaseEvent[]; state: CaseState } {
          const events = eventsOf(decision);
          expect(events).toMatchObject(expected.map((e) => (typeof e === 'string' ? { type: e } : e)));
          return { events, state: fold(state, events) };
        },
        refused(expected: Partial<RuleViolation & { status: number }>): RuleViolation & { status: number } {
          const violation = violationOf(decision);
          expect(violation).toMatchObject(expected);
          return violation;
        },
      };
    },
  };
}

export function types(events: CaseEvent[]): string[] {
  return events.map((e) => e.type);
}

/** Deep-freeze a value so that any mutation by the code under test throws (ESM is strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
