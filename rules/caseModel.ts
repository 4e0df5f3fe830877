/**
 * The case (办件) as a fold of its events. The event log in PostgreSQL is the legal record; this state is what
 * folding it yields, so an auditor's replay and the live case can be compared.
 */
import type { MatterSnapshot } from './catalogue.ts';
import type { IsoDate } from './workingDays.ts';

export type CaseStatus = 'received' | 'awaiting_supplement' | 'in_review' | 'approved' | 'refused' | 'not_accepted';

export interface Actor {
  kind: 'clerk' | 'reviewer' | 'applicant' | 'system';
  id: string;
}

export interface Applicant {
  type: 'person' | 'organisation';
  name: string;
  idNumber: string;
}

export type TaskStatus = 'open' | 'approved' | 'refused' | 'cancelled';

export interface ReviewTask {
  id: string;
  matter: string;
  department: string;
  departmentName: string;
  lead: boolean;
  status: TaskStatus;
  openedOn: IsoDate;
  due: IsoDate;
  decision?: 'approve' | 'refuse';
  reason?: string;
  reviewerId?: string;
  decidedAt?: string;
}

export type NoticeKind = 'supplement' | 'accepted' | 'not_accepted' | 'approved' | 'refused';

/** Everything the applicant is told, kept exactly as sent. */
export interface Notice {
  id: string;
  kind: NoticeKind;
  sentAt: string;
  title: string;
  body: string;
  items?: Array<{ code: string; name: string; matters: string[] }>;
  due?: IsoDate;
}

export interface Certificate {
  certificateNo: string;
  matter: string;
  name: string;
  holderName: string;
  holderIdNumber: string;
  issuedOn: IsoDate;
}

export type MatterOutcome = 'pending' | 'approved' | 'refused' | 'cancelled';

export interface Deadlines {
  acceptanceDue?: IsoDate;
  supplementDue?: IsoDate;
  statutoryDue?: IsoDate;
  promisedDue?: IsoDate;
}

export interface CaseState {
  caseNo: string;
  queryCode: string;
  status: CaseStatus;
  applicant: Applicant;
  theme?: { code: string; name: string };
  matters: MatterSnapshot[];
  form: Record<string, unknown>;
  materialsProvided: string[];
  receivedAt: string;
  receivedOn: IsoDate;
  receivedBy: { clerkId: string; window: string };
  acceptedOn?: IsoDate;
  deemedAccepted: boolean;
  decidedAt?: string;
  deadlines: Deadlines;
  tasks: ReviewTask[];
  outcomes: Record<string, MatterOutcome>;
  notices: Notice[];
  certificates: Certificate[];
  reasons: string[];
  /** The day the materials on which the acceptance decision rests arrived (deemed acceptance dates from it). */
  acceptanceClockFrom: IsoDate;
  /** Sequence number and time of the last event folded in. */
  seq: number;
  lastEventAt: string;
}

interface EventBase {
  at: string;
  actor: Actor;
}

export type CaseEvent = EventBase &
  (
    | {
        type: 'received';
        data: {
          caseNo: string;
          queryCode: string;
          applicant: Applicant;
          theme?: { code: string; name: string };
          matters: MatterSnapshot[];
          form: Record<string, unknown>;
          materials: string[];
          receivedBy: { clerkId: string; window: string };
          receivedOn: IsoDate;
          acceptanceDue: IsoDate;
        };
      }
    | { type: 'notice_sent'; data: Notice }
    | { type: 'supplement_requested'; data: { noticeId: string; materials: string[]; due: IsoDate } }
    | { type: 'materials_supplied'; data: { materials: string[]; receivedOn: IsoDate; acceptanceDue?: IsoDate } }
    | {
        type: 'accepted';
        data: { acceptedOn: IsoDate; deemed: boolean; statutoryDue: IsoDate; promisedDue: IsoDate };
      }
    | { type: 'not_accepted'; data: { reason: string } }
    | { type: 'task_opened'; data: Omit<ReviewTask, 'status'> }
    | {
        type: 'opinion_given';
        data: { taskId: string; decision: 'approve' | 'refuse'; reason?: string; reviewerId: string };
      }
    | { type: 'task_cancelled'; data: { taskId: string; reason: string } }
    | { type: 'matter_decided'; data: { matter: string; outcome: 'approved' | 'refused' } }
    | { type: 'case_approved'; data: Record<string, never> }
    | { type: 'case_refused'; data: { reasons: string[] } }
    | { type: 'certificate_issued'; data: Certificate }
  );

export type CaseEventType = CaseEvent['type'];

/** Fold one event into the state. `undefined` before the first (`received`) event. */
export function evolve(state: CaseState | undefined, event: CaseEvent): CaseState {
  if (event.type === 'received') {
    const d = event.data;
    return {
      caseNo: d.caseNo,
      queryCode: d.queryCode,
      status: 'received',
      applicant: d.applicant,
      ...(d.theme ? { theme: d.theme } : {}),
      matters: d.matters,
      form: d.form,
      materialsProvided: [...d.materials],
      receivedAt: event.at,
      receivedOn: d.receivedOn,
      receivedBy: d.receivedBy,
      deemedAccepted: false,
      deadlines: { acceptanceDue: d.acceptanceDue },
      tasks: [],
      outcomes: Object.fromEntries(d.matters.map((m) => [m.code, 'pending' as const])),
      notices: [],
      certificates: [],
      reasons: [],
      acceptanceClockFrom: d.receivedOn,
      seq: 1,
      lastEventAt: event.at,
    };
  }
  if (!state) throw new Error(`event ${event.type} before the case was received`);
  const s: CaseState = { ...state, seq: state.seq + 1, lastEventAt: event.at };
  switch (event.type) {
    case 'notice_sent':
      s.notices = [...s.notices, event.data];
      break;
    case 'supplement_requested':
      s.status = 'awaiting_supplement';
      s.deadlines = { ...s.deadlines, supplementDue: event.data.due };
      delete s.deadlines.acceptanceDue;
      break;
    case 'materials_supplied': {
      s.materialsProvided = [...new Set([...s.materialsProvided, ...event.data.materials])];
      if (event.data.acceptanceDue) {
        s.status = 'received';
        s.acceptanceClockFrom = event.data.receivedOn;
        s.deadlines = { ...s.deadlines, acceptanceDue: event.data.acceptanceDue };
        delete s.deadlines.supplementDue;
      }
      break;
    }
    case 'accepted':
      s.status = 'in_review';
      s.acceptedOn = event.data.acceptedOn;
      s.deemedAccepted = event.data.deemed;
      s.deadlines = { statutoryDue: event.data.statutoryDue, promisedDue: event.data.promisedDue };
      break;
    case 'not_accepted':
      s.status = 'not_accepted';
      s.reasons = [event.data.reason];
      s.decidedAt = event.at;
      s.deadlines = {};
      break;
    case 'task_opened':
      s.tasks = [...s.tasks, { ...event.data, status: 'open' }];
      break;
    case 'opinion_given': {
      const { taskId, decision, reason, reviewerId } = event.data;
      s.tasks = s.tasks.map((t) =>
        t.id === taskId
          ? {
              ...t,
              status: decision === 'approve' ? 'approved' : 'refused',
              decision,
              ...(reason ? { reason } : {}),
              reviewerId,
              decidedAt: event.at,
            }
          : t,
      );
      break;
    }
    case 'task_cancelled':
      s.tasks = s.tasks.map((t) => (t.id === event.data.taskId ? { ...t, status: 'cancelled' } : t));
      break;
    case 'matter_decided':
      s.outcomes = { ...s.outcomes, [event.data.matter]: event.data.outcome };
      break;
    case 'case_approved':
      s.status = 'approved';
      s.decidedAt = event.at;
      break;
    case 'case_refused':
      s.status = 'refused';
      s.reasons = event.data.reasons;
      s.decidedAt = event.at;
      s.outcomes = Object.fromEntries(
        Object.entries(s.outcomes).map(([m, o]) => [m, o === 'pending' ? 'cancelled' : o]),
      ) as Record<string, MatterOutcome>;
      break;
    case 'certificate_issued':
      s.certificates = [...s.certificates, event.data];
      break;
  }
  return s;
}

export function replay(events: CaseEvent[]): CaseState | undefined {
  return events.reduce<CaseState | undefined>(evolve, undefined);
}

export const finalStatuses: readonly CaseStatus[] = ['approved', 'refused', 'not_accepted'];
