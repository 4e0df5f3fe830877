/** The hall's queue rules: lines and letters, calling order, numbers, the wait estimate, 过号. */
import { describe, expect, it } from 'vitest';
import {
  announcement,
  compareTickets,
  estimateWaitMinutes,
  lineOfMatter,
  linesOfWindow,
  mayMarkNoShow,
  RANKS,
  serviceLines,
  ticketNumber,
  ticketRank,
  windowServes,
} from '../../rules/queue.ts';

const dept = (code: string) => ({ code, name: `${code}局` });
const matter = (code: string, lead: string, co: string[] = []) =>
  ({
    code,
    departments: [{ code: lead, lead: true }, ...co.map((c) => ({ code: c, lead: false }))],
  }) as never;
const catalogue = {
  departments: [dept('TAX'), dept('PSB'), dept('SAMR'), dept('WATER')],
  matters: [matter('LICENCE', 'SAMR', ['TAX']), matter('ID', 'PSB'), matter('INVOICE', 'TAX')],
};

describe('service lines', () => {
  it('one per lead department in code order with free letters, and 一件事 on T', () => {
    expect(serviceLines(catalogue).map((l) => `${l.code}:${l.letter}`)).toEqual([
      'PSB:A',
      'SAMR:B',
      'TAX:C',
      'THEME:T',
    ]);
  });

  it('configured letters are kept and skipped by the others', () => {
    const lines = serviceLines(catalogue, { SAMR: 'A', THEME: 'Z' });
    expect(lines.map((l) => `${l.code}:${l.letter}`)).toEqual(['PSB:B', 'SAMR:A', 'TAX:C', 'THEME:Z']);
  });

  it('T given to a department moves 一件事 to a free letter', () => {
    const lines = serviceLines(catalogue, { TAX: 'T' });
    expect(lines.find((l) => l.code === 'THEME')?.letter).not.toBe('T');
    expect(new Set(lines.map((l) => l.letter)).size).toBe(lines.length);
  });

  it('two lines on one letter are refused', () => {
    expect(() => serviceLines(catalogue, { TAX: 'A', PSB: 'A' })).toThrow(/share/);
  });

  it('a matter is received on its lead department line', () => {
    expect(lineOfMatter(catalogue, 'LICENCE')).toBe('SAMR');
    expect(lineOfMatter(catalogue, 'NOPE')).toBeUndefined();
  });

  it('无差别受理: a window serves every line unless configured', () => {
    const config = { W05: ['SAMR', 'TAX'] };
    expect(linesOfWindow(config, 'W01')).toBeUndefined();
    expect(windowServes(config, 'W01', 'PSB')).toBe(true);
    expect(windowServes(config, 'W05', 'TAX')).toBe(true);
    expect(windowServes(config, 'W05', 'PSB')).toBe(false);
  });
});

describe('calling order', () => {
  it('appointment on time, then priority, then ordinary', () => {
    expect(ticketRank({ appointmentOnTime: true, priority: false })).toBe(RANKS.appointment);
    expect(ticketRank({ appointmentOnTime: true, priority: true })).toBe(RANKS.appointment);
    expect(ticketRank({ appointmentOnTime: false, priority: true })).toBe(RANKS.priority);
    expect(ticketRank({ appointmentOnTime: false, priority: false })).toBe(RANKS.ordinary);
  });

  it('sorts by transfer, rank, time taken, then sequence', () => {
    const tickets = [
      { id: 'ordinary-early', rank: 2, takenAt: 1, seq: 1 },
      { id: 'priority-late', rank: 1, takenAt: 50, seq: 3 },
      { id: 'appointment', rank: 0, takenAt: 90, seq: 4 },
      { id: 'ordinary-same-time', rank: 2, takenAt: 1, seq: 2 },
      { id: 'transferred', rank: 2, takenAt: 99, seq: 5, transferredHere: true },
    ];
    expect([...tickets].sort(compareTickets).map((t) => t.id)).toEqual([
      'transferred',
      'appointment',
      'priority-late',
      'ordinary-early',
      'ordinary-same-time',
    ]);
  });
});

describe('numbers and estimate', () => {
  it('letter and three digits, more past 999', () => {
    expect(ticketNumber('A', 23)).toBe('A023');
    expect(ticketNumber('B', 1)).toBe('B001');
    expect(ticketNumber('C', 1234)).toBe('C1234');
    expect(() => ticketNumber('A', 0)).toThrow(RangeError);
  });

  it('tickets ahead shared among active windows at the recent mean service time, rounded up', () => {
    expect(
      estimateWaitMinutes({ ahead: 0, activeWindows: 3, recentServiceMinutes: [], defaultServiceMinutes: 8 }),
    ).toBe(0);
    // 5 ahead × 8 min default / 2 windows = 20
    expect(
      estimateWaitMinutes({ ahead: 5, activeWindows: 2, recentServiceMinutes: [], defaultServiceMinutes: 8 }),
    ).toBe(20);
    // mean of 4 and 6 = 5; 3 × 5 / 4 = 3.75 → 4
    expect(
      estimateWaitMinutes({ ahead: 3, activeWindows: 4, recentServiceMinutes: [4, 6], defaultServiceMinutes: 8 }),
    ).toBe(4);
    // no window calling yet counts as one
    expect(
      estimateWaitMinutes({ ahead: 2, activeWindows: 0, recentServiceMinutes: [], defaultServiceMinutes: 8 }),
    ).toBe(16);
  });

  it('过号 only after the configured number of calls', () => {
    expect(mayMarkNoShow(1, 2)).toBe(false);
    expect(mayMarkNoShow(2, 2)).toBe(true);
    expect(mayMarkNoShow(1, 1)).toBe(true);
  });

  it('the spoken call names the number and the window', () => {
    expect(announcement('A023', 'W05')).toBe('请 A 0 2 3 号到 5 号窗口办理');
    expect(announcement('B001', 'EAST')).toBe('请 B 0 0 1 号到 EAST 号窗口办理');
  });
});
