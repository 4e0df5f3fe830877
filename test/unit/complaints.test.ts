/** 投诉 · 咨询 rules: subject, routing, due dates over the holiday calendar, cards, in-time counts. */
import { describe, expect, it } from 'vitest';
import {
  answeredInTime,
  complaintDue,
  complaintFigures,
  complaintNumber,
  complaintSubject,
  complaintWarning,
  routedDepartment,
} from '../../rules/complaints.ts';
import { maskApplicantName, monthlyFigures, monthsBetween } from '../../rules/disclosure.ts';

describe('complaints', () => {
  it('the subject is the most specific thing named', () => {
    expect(complaintSubject({ caseNo: 'SQ1', department: 'TAX', window: 'W01' })).toBe('case');
    expect(complaintSubject({ department: 'TAX', window: 'W01' })).toBe('department');
    expect(complaintSubject({ window: 'W01' })).toBe('window');
    expect(complaintSubject({})).toBe('centre');
  });

  it("a case's lead department answers before a department named; nobody named: the centre", () => {
    expect(routedDepartment({ caseLeadDepartment: 'CITY_MANAGEMENT', department: 'TAX' })).toBe('CITY_MANAGEMENT');
    expect(routedDepartment({ department: 'TAX' })).toBe('TAX');
    expect(routedDepartment({})).toBeNull();
  });

  it('is due in working days: over the 2026 Spring Festival and its make-up Saturday', () => {
    // Friday 13 Feb 2026 + 3 working days: 14 Feb (Sat) is a make-up working day, 15–23 Feb holidays, 24 Feb, 25 Feb
    expect(complaintDue('2026-02-13', 3)).toBe('2026-02-25');
    expect(complaintDue('2026-03-02', 10)).toBe('2026-03-16');
  });

  it('cards: none early, yellow from 2 working days before the due day, red after it, none once answered', () => {
    const open = { status: 'open', due: '2026-03-16' };
    expect(complaintWarning(open, '2026-03-11')).toBeNull();
    expect(complaintWarning(open, '2026-03-12')).toBe('yellow');
    expect(complaintWarning(open, '2026-03-16')).toBe('yellow');
    expect(complaintWarning(open, '2026-03-17')).toBe('red');
    expect(complaintWarning({ status: 'answered', due: '2026-03-16' }, '2026-03-20')).toBeNull();
    expect(complaintWarning(open, '2026-03-13', 0)).toBeNull();
    expect(complaintWarning(open, '2026-03-16', 0)).toBe('yellow');
  });

  it('in time: replied on or before the due day', () => {
    expect(answeredInTime({ due: '2026-03-16', repliedOn: '2026-03-16' })).toBe(true);
    expect(answeredInTime({ due: '2026-03-16', repliedOn: '2026-03-17' })).toBe(false);
    expect(answeredInTime({ due: '2026-03-16', repliedOn: null })).toBe(false);
  });

  it('numbers by kind and day', () => {
    expect(complaintNumber('complaint', '2026-03-02', 7)).toBe('TS2026030200007');
    expect(complaintNumber('consultation', '2026-03-02', 123456)).toBe('ZX20260302123456');
  });

  it('figures: open and not yet due counts neither way', () => {
    const rows = [
      { kind: 'complaint', subject: 'case', status: 'answered', due: '2026-03-16', repliedOn: '2026-03-10' },
      { kind: 'complaint', subject: 'window', status: 'answered', due: '2026-03-16', repliedOn: '2026-03-18' },
      { kind: 'consultation', subject: 'centre', status: 'open', due: '2026-03-16', repliedOn: null },
      { kind: 'consultation', subject: 'department', status: 'open', due: '2026-03-30', repliedOn: null },
    ];
    expect(complaintFigures(rows, '2026-03-20')).toEqual({
      total: 4,
      complaints: 2,
      consultations: 2,
      answered: 2,
      answeredInTime: 1,
      inTimeRate: 1 / 3,
      openOverdue: 1,
      bySubject: { case: 1, department: 1, window: 1, centre: 1 },
    });
    expect(complaintFigures([], '2026-03-20').inTimeRate).toBeNull();
  });
});

describe('public disclosure', () => {
  it('masks a name to its first character and two stars, whatever its length', () => {
    expect(maskApplicantName('张三')).toBe('张**');
    expect(maskApplicantName('张三丰')).toBe('张**');
    expect(maskApplicantName('欧阳娜娜')).toBe('欧**');
    expect(maskApplicantName('𠀋一')).toBe('𠀋**');
    expect(maskApplicantName('')).toBe('**');
  });

  it('every month of the period, across a year end, empty ones included', () => {
    expect(monthsBetween('2025-11-15', '2026-02-03')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(
      monthlyFigures(
        ['2026-01', '2026-02'],
        new Map([['2026-02', 3]]),
        new Map([['2026-02', { decided: 4, approved: 3, refused: 1, onTime: 3 }]]),
      ),
    ).toEqual([
      { month: '2026-01', received: 0, decided: 0, approved: 0, refused: 0, onTime: 0, onTimeRate: null },
      { month: '2026-02', received: 3, decided: 4, approved: 3, refused: 1, onTime: 3, onTimeRate: 0.75 },
    ]);
  });
});
