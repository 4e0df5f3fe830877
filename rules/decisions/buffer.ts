/** Recording a decision (决定): the rule that forbids an input, and the buffer every decider writes its events to. */
import type { Actor, CaseEvent, CaseState } from '../caseModel.ts';
import { evolve } from '../caseModel.ts';

/**
 * A rule that forbids the input: a stable English code, the Chinese message the person is shown and the field it
 * concerns. How a code is answered over HTTP is the API's business (api/ruleStatus.ts).
 */
export interface RuleViolation {
  code: string;
  message: string;
  field?: string;
}

export type Decision = { ok: true; events: CaseEvent[] } | { ok: false; violation: RuleViolation };

export const violation = (code: string, message: string, field?: string): Decision => ({
  ok: false,
  violation: { code, message, ...(field ? { field } : {}) },
});

export const SYSTEM: Actor = { kind: 'system', id: 'system' };

export class EventBuffer {
  readonly events: CaseEvent[] = [];
  state: CaseState | undefined;
  constructor(
    state: CaseState | undefined,
    readonly at: string,
  ) {
    this.state = state;
  }
  push(actor: Actor, event: Omit<CaseEvent, 'at' | 'actor'>): CaseState {
    const full = { ...event, at: this.at, actor } as CaseEvent;
    this.events.push(full);
    this.state = evolve(this.state, full);
    return this.state;
  }
  get current(): CaseState {
    if (!this.state) throw new Error('no case yet');
    return this.state;
  }
  noticeId(): string {
    return `${this.current.caseNo}-N${this.current.notices.length + 1}`;
  }
  ok(): Decision {
    return { ok: true, events: this.events };
  }
}
