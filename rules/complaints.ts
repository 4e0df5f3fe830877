/**
 * 投诉 · 咨询: who answers a complaint or a question, by when, and when it is late. Pure: the API (api/routes/
 * complaints.ts) stores them in PostgreSQL; they are not case events (a complaint about a case changes no decision).
 */
import { addWorkingDays, subtractWorkingDays, type IsoDate } from './workingDays.ts';

export const COMPLAINT_KINDS = ['complaint', 'consultation'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

/** How it reached the centre: the public web page, or a staff member typing in a hotline call (12345). */
export const COMPLAINT_CHANNELS = ['web', 'hotline'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];

/** What it is about: a case, a department, a window, or the centre as a whole. */
export const COMPLAINT_SUBJECTS = ['case', 'department', 'window', 'centre'] as const;
export type ComplaintSubject = (typeof COMPLAINT_SUBJECTS)[number];

export const COMPLAINT_STATUSES = ['open', 'answered'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Working days to answer (COMPLAINT_ANSWER_DAYS) and how many before the due day the yellow card shows. */
export const DEFAULT_COMPLAINT_ANSWER_DAYS = 10;
export const DEFAULT_COMPLAINT_WARNING_DAYS = 2;

export function complaintSubject(about: { caseNo?: string; department?: string; window?: string }): ComplaintSubject {
  if (about.caseNo) return 'case';
  if (about.department) return 'department';
  if (about.window) return 'window';
  return 'centre';
}

/**
 * Who answers: the case's lead department for a case (it answers for the whole case, 联办件 included), the named
 * department, or else nobody in a department: the centre's supervisors answer for windows and the centre.
 */
export function routedDepartment(about: { caseLeadDepartment?: string; department?: string }): string | null {
  return about.caseLeadDepartment ?? about.department ?? null;
}

/** Due: `days` working days after the day it was filed (a complaint filed on a holiday still gets them all). */
export function complaintDue(filedOn: IsoDate, days: number): IsoDate {
  return addWorkingDays(filedOn, days);
}

/** The card an open complaint shows on `today`: red once the due day has passed, yellow from `warningDays` before. */
export function complaintWarning(
  complaint: { status: ComplaintStatus | string; due: IsoDate },
  today: IsoDate,
  warningDays: number = DEFAULT_COMPLAINT_WARNING_DAYS,
): 'red' | 'yellow' | null {
  if (complaint.status !== 'open') return null;
  if (today > complaint.due) return 'red';
  if (today >= subtractWorkingDays(complaint.due, warningDays)) return 'yellow';
  return null;
}

/** Answered in time: the reply is dated on or before the due day. */
export function answeredInTime(complaint: { due: IsoDate; repliedOn: IsoDate | null }): boolean {
  return complaint.repliedOn !== null && complaint.repliedOn <= complaint.due;
}

/** The complaint number: TS (投诉) or ZX (咨询), the filing day and a centre-wide sequence. */
export function complaintNumber(kind: ComplaintKind, filedOn: IsoDate, seq: number): string {
  return `${kind === 'complaint' ? 'TS' : 'ZX'}${filedOn.replaceAll('-', '')}${String(seq).padStart(5, '0')}`;
}

export interface ComplaintFigures {
  total: number;
  complaints: number;
  consultations: number;
  answered: number;
  answeredInTime: number;
  /** answeredInTime / (answered + open past due); null when nothing is due or answered yet. */
  inTimeRate: number | null;
  openOverdue: number;
  bySubject: Record<ComplaintSubject, number>;
}

/** The figures supervision shows for complaints filed in a period, as of `today`. */
export function complaintFigures(
  rows: ReadonlyArray<{
    kind: string;
    subject: string;
    status: string;
    due: IsoDate;
    repliedOn: IsoDate | null;
  }>,
  today: IsoDate,
): ComplaintFigures {
  const bySubject: Record<ComplaintSubject, number> = { case: 0, department: 0, window: 0, centre: 0 };
  let complaints = 0;
  let answered = 0;
  let inTime = 0;
  let openOverdue = 0;
  for (const r of rows) {
    if (r.kind === 'complaint') complaints++;
    if (r.subject in bySubject) bySubject[r.subject as ComplaintSubject]++;
    if (r.status === 'answered') {
      answered++;
      if (answeredInTime(r)) inTime++;
    } else if (today > r.due) openOverdue++;
  }
  const counted = answered + openOverdue;
  return {
    total: rows.length,
    complaints,
    consultations: rows.length - complaints,
    answered,
    answeredInTime: inTime,
    inTimeRate: counted === 0 ? null : inTime / counted,
    openOverdue,
    bySubject,
  };
}
