/** rules/decisions/limits.ts: each time limit's one definition (行政许可法 第32、42、43、44条) and the warning days. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WARNING_DAYS,
  ESCALATED_REVIEW_DAYS,
  extensionDaysFor,
  reviewLimits,
  secondStageDue,
  supplementLimitDays,
  taskLimitDays,
  warningDays,
} from '../../rules/decisions/limits.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { snapshot } from './fixtures.ts';

const AD = snapshot('OUTDOOR_AD_PERMIT'); // promised: statutory 20, promised 10, supplement 10, warning 3
const JOINT = snapshot('CONSTRUCTION_COMPLETION_ACCEPTANCE'); // joint: 45, 15, 15, 3
const ESCALATED = snapshot('LABOUR_DISPATCH_LICENCE'); // escalated: 40, 30 (20 lower + 10 higher), 10, 3

describe('a case of several matters', () => {
  it('takes the longest statutory, promised and supplement limits of its matters', () => {
    expect(reviewLimits([AD])).toEqual({ statutory: 20, promised: 10 });
    expect(reviewLimits([AD, JOINT])).toEqual({ statutory: 45, promised: 15 });
    expect(reviewLimits([AD, ESCALATED])).toEqual({ statutory: 40, promised: 30 });
    expect(supplementLimitDays([AD])).toBe(10);
    expect(supplementLimitDays([AD, JOINT])).toBe(15);
  });

  it('warns as early as its most cautious matter asks; matters that set none leave the default', () => {
    const state = (...warnings: number[]) =>
      ({ matters: warnings.map((w) => ({ ...AD, warningDays: w })) }) as unknown as CaseState;
    expect(warningDays(state(3))).toBe(3);
    expect(warningDays(state(5, 2))).toBe(2);
    expect(warningDays(state(0, 4))).toBe(4);
    expect(warningDays(state(0))).toBe(DEFAULT_WARNING_DAYS);
  });
});

describe('review tasks', () => {
  it('a lower level reviewing an escalated matter has 20 working days (第43条); everyone else the promised limit', () => {
    expect(taskLimitDays(ESCALATED, 1)).toBe(ESCALATED_REVIEW_DAYS);
    expect(ESCALATED_REVIEW_DAYS).toBe(20);
    expect(taskLimitDays(ESCALATED, 2)).toBe(30);
    expect(taskLimitDays(AD, 1)).toBe(10);
    expect(taskLimitDays(JOINT, 2)).toBe(15);
  });

  it('the higher level of an escalated matter gets its own limit from the day its stage opens', () => {
    // Mon 2026-07-06 + 10 working days = Mon 07-20
    expect(secondStageDue(ESCALATED, { due: '2026-09-01' }, '2026-07-06')).toBe('2026-07-20');
    // a snapshot from before the field: the promised limit, so a running case keeps its dates (+30 = Mon 08-17)
    const older = { ...ESCALATED, higherLevelLimitDays: undefined };
    expect(secondStageDue(older, { due: '2026-09-01' }, '2026-07-06')).toBe('2026-08-17');
  });

  it('a second stage of any other matter keeps the lead task’s due date', () => {
    expect(secondStageDue(JOINT, { due: '2026-08-03' }, '2026-07-06')).toBe('2026-08-03');
  });
});

describe('extensions (第42条)', () => {
  it('20-day limits extend by 10; joint handling of 45 days by 15', () => {
    expect(extensionDaysFor({ statutory: 20 })).toBe(10);
    expect(extensionDaysFor({ statutory: 44 })).toBe(10);
    expect(extensionDaysFor({ statutory: 45 })).toBe(15);
    expect(extensionDaysFor(reviewLimits([AD, JOINT]))).toBe(15);
  });
});
