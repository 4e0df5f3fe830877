/** rules/decisions/buffer.ts: the violation shape and the buffer a decider writes one step's events to. */
import { describe, expect, it } from 'vitest';
import { EventBuffer, SYSTEM, violation } from '../../rules/decisions/buffer.ts';
import { eventsOf, submitCommand, decideAt, fold, cst, snapshot } from './fixtures.ts';

const AT = '2026-07-06T02:00:00.000Z';

describe('violation', () => {
  it('names the rule and its message, and the field only when there is one', () => {
    expect(violation('reason_required', '必须说明理由', 'reason')).toEqual({
      ok: false,
      violation: { code: 'reason_required', message: '必须说明理由', field: 'reason' },
    });
    expect(violation('case_not_found', '办件不存在')).toEqual({
      ok: false,
      violation: { code: 'case_not_found', message: '办件不存在' },
    });
  });
});

describe('EventBuffer', () => {
  const received = () =>
    fold(
      undefined,
      eventsOf(decideAt(undefined, submitCommand([snapshot('OUTDOOR_AD_PERMIT')], []), cst('2026-07-06 09:30'))),
    );

  it('stamps each event with the step’s instant and its actor, and evolves the state as it goes', () => {
    const state = received();
    const buffer = new EventBuffer(state, AT);
    const after = buffer.push(SYSTEM, { type: 'marked_urgent', data: { reason: '重大项目', by: 'system' } });
    expect(buffer.events).toEqual([
      { type: 'marked_urgent', data: { reason: '重大项目', by: 'system' }, at: AT, actor: SYSTEM },
    ]);
    expect(after.seq).toBe(state.seq + 1);
    expect(buffer.current).toBe(after);
    expect(buffer.ok()).toEqual({ ok: true, events: buffer.events });
    expect(state.seq).toBe(after.seq - 1); // the state it started from is not changed
  });

  it('numbers notices after the case’s last one', () => {
    const state = received();
    expect(new EventBuffer(state, AT).noticeId()).toBe(`${state.caseNo}-N${state.notices.length + 1}`);
  });

  it('has no current case before a submission', () => {
    const buffer = new EventBuffer(undefined, AT);
    expect(() => buffer.current).toThrow('no case yet');
    expect(buffer.ok()).toEqual({ ok: true, events: [] });
  });
});
