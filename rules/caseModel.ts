/**
 * The case (办件) as a fold of its events. The event log in PostgreSQL is the legal record; this state is what
 * folding it yields, so an auditor's replay and the live case can be compared.
 */
import type { MatterSnapshot } from './catalogue.ts';
import type { IdType } from './identity.ts';
import { evolveRating, type FollowUp, type Rating, type RatingEvent } from './ratings.ts';
import { addWorkingDays, chinaDate, type IsoDate } from './workingDays.ts';

export type CaseStatus =
  | 'received'
  | 'awaiting_supplement'
  | 'in_review'
  | 'approved'
  /** Rules 2: a case of several matters where some were approved and some refused (each matter its own outcome). */
  | 'partially_approved'
  | 'refused'
  | 'not_accepted'
  | 'withdrawn'
  | 'terminated';

export interface Actor {
  kind: 'clerk' | 'reviewer' | 'applicant' | 'supervisor' | 'system';
  id: string;
  /** The signed-in user's role, department or window, and the away colleague they acted for (AB岗); absent on
   * events recorded before accounts existed. */
  role?: string;
  department?: string;
  window?: string;
  onBehalfOf?: string;
}

export interface Applicant {
  type: 'person' | 'organisation';
  name: string;
  /** 证件类型 (rules/identity.ts); cases received before it was recorded have none. */
  idType?: IdType;
  idNumber: string;
  phone?: string;
}

/** `waiting`: a second-stage task (the lead of a joint matter, the higher level of an escalated one) not yet open. */
export type TaskStatus = 'waiting' | 'open' | 'supplement_requested' | 'approved' | 'refused' | 'cancelled';

export interface ReviewTask {
  id: string;
  matter: string;
  department: string;
  departmentName: string;
  lead: boolean;
  /** 1: reviews at once; 2: opens when every stage-1 task of the matter has answered. */
  stage: 1 | 2;
  status: TaskStatus;
  openedOn: IsoDate;
  due: IsoDate;
  decision?: 'approve' | 'refuse';
  reason?: string;
  reviewerId?: string;
  decidedAt?: string;
  /** What this department asked the applicant to supply (goes into the consolidated notice). */
  supplementRequest?: { materials: string[]; reason: string };
  history: Array<{ at: string; what: string; by: string }>;
}

export type NoticeKind =
  | 'supplement'
  | 'accepted'
  | 'not_accepted'
  | 'approved'
  | 'partially_approved'
  | 'refused'
  | 'withdrawn'
  | 'terminated'
  | 'extension'
  | 'special_procedure';

/** Everything the applicant is told, kept exactly as sent. */
export interface Notice {
  id: string;
  kind: NoticeKind;
  sentAt: string;
  title: string;
  body: string;
  items?: Array<{ code: string; name: string; matters: string[] }>;
  /** A decision on several matters (rules 2): each matter's result, with the reasons of a refusal. */
  results?: MatterResult[];
  due?: IsoDate;
}

export interface MatterResult {
  matter: string;
  name: string;
  outcome: 'approved' | 'refused';
  reasons: string[];
}

export interface Certificate {
  certificateNo: string;
  matter: string;
  name: string;
  holderName: string;
  holderIdNumber: string;
  issuedOn: IsoDate;
  /** 注销: revoked by the issuing department (the matter's lead); the certificate then satisfies nothing. */
  revoked?: { at: string; department: string; by: string; reason: string };
}

export type MatterOutcome = 'pending' | 'approved' | 'refused' | 'cancelled';

export interface Deadlines {
  acceptanceDue?: IsoDate;
  supplementDue?: IsoDate;
  statutoryDue?: IsoDate;
  promisedDue?: IsoDate;
  deliveryDue?: IsoDate;
  deficienciesDue?: IsoDate;
}

/** The statutory and promised clocks: stopped during supplements and special procedures (第45条). */
export interface CaseClock {
  paused: boolean;
  pausedSince?: IsoDate;
  pauseReasons: string[];
  pausedWorkingDays: number;
  extensionDays: number;
}

export type DeadlineName =
  'acceptance' | 'supplement' | 'review' | 'statutory' | 'delivery' | 'deficiencies' | 'follow_up';

export interface Warning {
  deadline: DeadlineName;
  level: 'yellow' | 'red';
  due: IsoDate;
  at: string;
}

export interface Extension {
  id: string;
  department: string;
  reason: string;
  requestedBy: string;
  status: 'requested' | 'approved' | 'refused';
  days: number;
  decidedBy?: string;
}

export interface SpecialProcedure {
  id: string;
  taskId: string;
  type: string;
  expectedWorkingDays: number;
  reason: string;
  startedOn: IsoDate;
  endedOn?: IsoDate;
}

export type Channel = 'window' | 'online' | 'post';

/**
 * A file handed in for a material (电子材料), as the API read it from the files table before sending the command: its
 * hash in the recorded event seals the bytes into the case's hash chain.
 */
export interface MaterialFile {
  material: string;
  id: string;
  sha256: string;
  contentType: string;
  size: number;
  pages?: number;
}

/**
 * Was the case on time (限时办结)? Measured on the China calendar date of the decision: on time when it is no later
 * than the due date. `sameDay` only for a case of immediate matters (即办件): decided on the day it was received.
 */
export interface Timeliness {
  decidedOn: IsoDate;
  statutoryDue?: IsoDate;
  promisedDue?: IsoDate;
  decidedOnTime?: boolean;
  withinStatutoryLimit?: boolean;
  sameDay?: boolean;
}

export interface CaseState {
  caseNo: string;
  queryCode: string;
  status: CaseStatus;
  /**
   * The decision rules the case was received under (absent: 1). 1: a refusal of any matter refuses the whole case.
   * 2: each matter of a theme gets its own outcome. Recorded in `received`, so a case keeps its rules.
   */
  rulesVersion?: number;
  /** 急办件: marked urgent by a supervisor; its tasks come first in every inbox. */
  urgent?: { reason: string; by: string; at: string };
  applicant: Applicant;
  theme?: { code: string; name: string };
  matters: MatterSnapshot[];
  form: Record<string, unknown>;
  materialsProvided: string[];
  /** The files handed in, each naming its material (absent on cases without any). */
  materialFiles?: MaterialFile[];
  /** Materials whose original a clerk saw at the window (原件已核); absent on cases without any. */
  originalsSeen?: string[];
  receivedAt: string;
  receivedOn: IsoDate;
  receivedBy: { clerkId: string; window: string };
  acceptedOn?: IsoDate;
  deemedAccepted: boolean;
  decidedAt?: string;
  /** Set when the case ends: its due dates as they stood (moved by pauses and extensions) and whether it met them. */
  timeliness?: Timeliness;
  deadlines: Deadlines;
  tasks: ReviewTask[];
  outcomes: Record<string, MatterOutcome>;
  notices: Notice[];
  certificates: Certificate[];
  reasons: string[];
  /** Review limits in working days before pauses and extensions (the longest over the case's matters). */
  limits: { statutory: number; promised: number };
  clock: CaseClock;
  warnings: Warning[];
  /** 好差评: the applicant's rating once the case is finished, and the follow-up (整改) a bad one opens. */
  rating?: Rating;
  followUp?: FollowUp;
  extensions: Extension[];
  specialProcedures: SpecialProcedure[];
  /** Materials accepted as missing under 容缺受理; certificates wait for them. */
  deficiencies: string[];
  /** Materials satisfied by the applicant's written commitment (告知承诺). */
  commitments: string[];
  /** Materials taken from the certificate library (电子证照库) instead of asking the applicant. */
  fromLibrary: Array<{ material: string; certificateNo: string }>;
  /** Materials asked for in each supplement notice, in order (一次性告知 allows no repeat). */
  supplementRounds: Array<{
    stage: 'acceptance' | 'review';
    noticeId: string;
    materials: string[];
    supplied: string[];
  }>;
  visits: number;
  delivery?: { method: 'pickup' | 'post'; trackingNumber?: string; on: IsoDate; by: string };
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

interface AcceptedData {
  acceptedOn: IsoDate;
  deemed: boolean;
  statutoryDue: IsoDate;
  promisedDue: IsoDate;
  limits: { statutory: number; promised: number };
  deficiencies?: string[];
  deficienciesDue?: IsoDate;
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
          commitments?: string[];
          fromLibrary?: Array<{ material: string; certificateNo: string }>;
          channel?: Channel;
          /** Recorded only when files were handed in (older histories have none). */
          files?: MaterialFile[];
          originalsSeen?: string[];
          receivedBy: { clerkId: string; window: string };
          receivedOn: IsoDate;
          acceptanceDue: IsoDate;
          /** The decision rules (absent: 1); see CaseState.rulesVersion. */
          rules?: number;
        };
      }
    | { type: 'notice_sent'; data: Notice }
    | {
        type: 'supplement_requested';
        data: { noticeId: string; materials: string[]; due: IsoDate; stage?: 'acceptance' | 'review' };
      }
    | {
        type: 'materials_supplied';
        data: {
          materials: string[];
          commitments?: string[];
          channel?: Channel;
          files?: MaterialFile[];
          originalsSeen?: string[];
          receivedOn: IsoDate;
          acceptanceDue?: IsoDate;
        };
      }
    | { type: 'original_seen'; data: { materials: string[] } }
    | { type: 'accepted'; data: AcceptedData }
    | { type: 'deemed_accepted'; data: AcceptedData }
    | { type: 'not_accepted'; data: { reason: string } }
    | { type: 'task_opened'; data: Omit<ReviewTask, 'status' | 'history'> & { status?: 'open' | 'waiting' } }
    | {
        type: 'opinion_given';
        data: { taskId: string; decision: 'approve' | 'refuse'; reason?: string; reviewerId: string };
      }
    | {
        type: 'department_supplement_requested';
        data: { taskId: string; materials: string[]; reason: string; reviewerId: string };
      }
    | { type: 'task_cancelled'; data: { taskId: string; reason: string } }
    | { type: 'clock_paused'; data: { reason: string; since: IsoDate } }
    | { type: 'clock_resumed'; data: { reason: string; on: IsoDate; pausedWorkingDays: number } }
    | { type: 'special_procedure_started'; data: Omit<SpecialProcedure, 'endedOn'> }
    | { type: 'special_procedure_ended'; data: { id: string; endedOn: IsoDate } }
    | { type: 'extension_requested'; data: Omit<Extension, 'status' | 'decidedBy'> }
    | {
        type: 'extension_decided';
        data: { id: string; decision: 'approve' | 'refuse'; headId: string; days: number };
      }
    | { type: 'deadline_warning'; data: { deadline: DeadlineName; level: 'yellow' | 'red'; due: IsoDate } }
    | { type: 'matter_decided'; data: { matter: string; outcome: 'approved' | 'refused' } }
    | { type: 'case_approved'; data: { deliveryDue?: IsoDate } }
    | { type: 'case_partially_approved'; data: { deliveryDue?: IsoDate; reasons: string[] } }
    | { type: 'marked_urgent'; data: { reason: string; by: string } }
    | { type: 'case_refused'; data: { reasons: string[] } }
    | { type: 'withdrawn'; data: { reason: string } }
    | { type: 'terminated'; data: { reason: string } }
    | { type: 'certificate_issued'; data: Certificate }
    | {
        type: 'certificate_revoked';
        data: { certificateNo: string; department: string; reason: string; by: string };
      }
    | {
        type: 'delivered';
        data: { method: 'pickup' | 'post'; trackingNumber?: string; on: IsoDate; by: string };
      }
    | RatingEvent
  );

const deadlineFields: Record<Exclude<DeadlineName, 'follow_up'>, keyof Deadlines> = {
  acceptance: 'acceptanceDue',
  supplement: 'supplementDue',
  review: 'promisedDue',
  statutory: 'statutoryDue',
  delivery: 'deliveryDue',
  deficiencies: 'deficienciesDue',
};

/**
 * The due date a deadline (and its warnings) now runs against; a rating's follow-up (整改) keeps its own. Takes any
 * name, as recorded data may carry one the rules do not know (then undefined).
 */
export function currentDue(state: CaseState, name: string): IsoDate | undefined {
  if (name === 'follow_up') return state.followUp?.due;
  const field = deadlineFields[name as keyof typeof deadlineFields];
  return field ? state.deadlines[field] : undefined;
}

/** The review due dates, moved by every paused working day and any extension. */
export function reviewDeadlines(state: CaseState): Pick<Deadlines, 'statutoryDue' | 'promisedDue'> {
  if (!state.acceptedOn) return {};
  const shift = state.clock.pausedWorkingDays + state.clock.extensionDays;
  return {
    statutoryDue: addWorkingDays(state.acceptedOn, state.limits.statutory + shift),
    promisedDue: addWorkingDays(state.acceptedOn, state.limits.promised + shift),
  };
}

function timelinessAt(s: CaseState, at: string): Timeliness {
  const decidedOn = chinaDate(Date.parse(at));
  const { statutoryDue, promisedDue } = s.deadlines;
  const immediate = s.matters.length > 0 && s.matters.every((m) => m.kind === 'immediate');
  return {
    decidedOn,
    ...(statutoryDue ? { statutoryDue, withinStatutoryLimit: decidedOn <= statutoryDue } : {}),
    ...(promisedDue ? { promisedDue, decidedOnTime: decidedOn <= promisedDue } : {}),
    ...(immediate ? { sameDay: decidedOn === s.receivedOn } : {}),
  };
}

function endCase(s: CaseState, at: string, status: CaseStatus, reasons: string[]): void {
  s.timeliness = timelinessAt(s, at);
  s.status = status;
  s.reasons = reasons;
  s.decidedAt = at;
  s.deadlines = {};
  s.clock = { ...s.clock, paused: false, pauseReasons: [] };
  delete s.clock.pausedSince;
  s.outcomes = Object.fromEntries(
    Object.entries(s.outcomes).map(([m, o]) => [m, o === 'pending' ? 'cancelled' : o]),
  ) as Record<string, MatterOutcome>;
}

function updateTask(
  s: CaseState,
  taskId: string,
  at: string,
  by: string,
  change: Partial<ReviewTask> & { what: string },
) {
  const { what, ...fields } = change;
  s.tasks = s.tasks.map((t) => (t.id === taskId ? { ...t, ...fields, history: [...t.history, { at, what, by }] } : t));
}

/** Fold one event into the state. `undefined` before the first (`received`) event. */
export function evolve(state: CaseState | undefined, event: CaseEvent): CaseState {
  if (event.type === 'received') {
    const d = event.data;
    return {
      caseNo: d.caseNo,
      queryCode: d.queryCode,
      status: 'received',
      ...(d.rules ? { rulesVersion: d.rules } : {}),
      applicant: d.applicant,
      ...(d.theme ? { theme: d.theme } : {}),
      matters: d.matters,
      form: d.form,
      materialsProvided: [...d.materials],
      ...(d.files?.length ? { materialFiles: d.files } : {}),
      ...(d.originalsSeen?.length ? { originalsSeen: d.originalsSeen } : {}),
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
      limits: { statutory: 0, promised: 0 },
      clock: { paused: false, pauseReasons: [], pausedWorkingDays: 0, extensionDays: 0 },
      warnings: [],
      extensions: [],
      specialProcedures: [],
      deficiencies: [],
      commitments: d.commitments ?? [],
      fromLibrary: d.fromLibrary ?? [],
      supplementRounds: [],
      visits: (d.channel ?? 'window') === 'window' ? 1 : 0,
      acceptanceClockFrom: d.receivedOn,
      seq: 1,
      lastEventAt: event.at,
    };
  }
  if (!state) throw new Error(`event ${event.type} before the case was received`);
  const s: CaseState = { ...state, seq: state.seq + 1, lastEventAt: event.at };
  const by = event.actor.id;
  switch (event.type) {
    case 'notice_sent':
      s.notices = [...s.notices, event.data];
      break;
    case 'supplement_requested': {
      const stage = event.data.stage ?? 'acceptance';
      s.status = 'awaiting_supplement';
      s.supplementRounds = [
        ...s.supplementRounds,
        { stage, noticeId: event.data.noticeId, materials: event.data.materials, supplied: [] },
      ];
      s.deadlines = { ...s.deadlines, supplementDue: event.data.due };
      delete s.deadlines.acceptanceDue;
      break;
    }
    case 'materials_supplied': {
      const d = event.data;
      s.materialsProvided = [...new Set([...s.materialsProvided, ...d.materials])];
      if (d.files?.length) s.materialFiles = [...(s.materialFiles ?? []), ...d.files];
      if (d.originalsSeen?.length) s.originalsSeen = [...new Set([...(s.originalsSeen ?? []), ...d.originalsSeen])];
      const round = s.supplementRounds.at(-1);
      if (round && s.status === 'awaiting_supplement') {
        const supplied = [...new Set([...round.supplied, ...d.materials, ...(d.commitments ?? [])])];
        s.supplementRounds = [...s.supplementRounds.slice(0, -1), { ...round, supplied }];
      }
      s.commitments = [...new Set([...s.commitments, ...(d.commitments ?? [])])];
      s.deficiencies = s.deficiencies.filter((m) => !d.materials.includes(m) && !(d.commitments ?? []).includes(m));
      s.deadlines = { ...s.deadlines };
      if (s.deficiencies.length === 0) delete s.deadlines.deficienciesDue;
      if ((d.channel ?? 'window') === 'window') s.visits += 1;
      if (d.acceptanceDue) {
        s.status = 'received';
        s.acceptanceClockFrom = d.receivedOn;
        s.deadlines = { ...s.deadlines, acceptanceDue: d.acceptanceDue };
        delete s.deadlines.supplementDue;
      }
      break;
    }
    case 'accepted':
    case 'deemed_accepted': {
      const d = event.data;
      s.status = 'in_review';
      s.acceptedOn = d.acceptedOn;
      s.deemedAccepted = d.deemed;
      s.limits = d.limits;
      s.deficiencies = d.deficiencies ?? [];
      s.deadlines = {
        statutoryDue: d.statutoryDue,
        promisedDue: d.promisedDue,
        ...(d.deficienciesDue ? { deficienciesDue: d.deficienciesDue } : {}),
      };
      break;
    }
    case 'not_accepted':
      endCase(s, event.at, 'not_accepted', [event.data.reason]);
      break;
    case 'task_opened': {
      const { status, ...task } = event.data;
      const existing = s.tasks.find((t) => t.id === task.id);
      if (existing) {
        updateTask(s, task.id, event.at, by, { ...task, status: status ?? 'open', what: 'opened' });
      } else {
        s.tasks = [
          ...s.tasks,
          { ...task, status: status ?? 'open', history: [{ at: event.at, what: status ?? 'open', by }] },
        ];
      }
      break;
    }
    case 'opinion_given': {
      const { taskId, decision, reason, reviewerId } = event.data;
      updateTask(s, taskId, event.at, by, {
        status: decision === 'approve' ? 'approved' : 'refused',
        decision,
        ...(reason ? { reason } : {}),
        reviewerId,
        decidedAt: event.at,
        what: decision === 'approve' ? 'approved' : 'refused',
      });
      break;
    }
    case 'department_supplement_requested': {
      const { taskId, materials, reason } = event.data;
      updateTask(s, taskId, event.at, by, {
        status: 'supplement_requested',
        supplementRequest: { materials, reason },
        what: 'supplement_requested',
      });
      break;
    }
    case 'task_cancelled':
      updateTask(s, event.data.taskId, event.at, by, { status: 'cancelled', what: 'cancelled' });
      break;
    case 'clock_paused':
      s.clock = {
        ...s.clock,
        paused: true,
        pausedSince: s.clock.pausedSince ?? event.data.since,
        pauseReasons: [...s.clock.pauseReasons, event.data.reason],
      };
      break;
    case 'clock_resumed': {
      const reasons = [...s.clock.pauseReasons];
      reasons.splice(reasons.indexOf(event.data.reason), 1);
      s.clock = {
        ...s.clock,
        paused: reasons.length > 0,
        pauseReasons: reasons,
        pausedWorkingDays: s.clock.pausedWorkingDays + event.data.pausedWorkingDays,
      };
      if (reasons.length === 0) delete s.clock.pausedSince;
      if (event.data.reason === 'supplement') {
        s.status = 'in_review';
        s.deadlines = { ...s.deadlines };
        delete s.deadlines.supplementDue;
      }
      // Every review due date moves by exactly the paused working days.
      s.deadlines = { ...s.deadlines, ...reviewDeadlines(s) };
      s.tasks = s.tasks.map((t) =>
        ['open', 'waiting', 'supplement_requested'].includes(t.status)
          ? { ...t, due: addWorkingDays(t.due, event.data.pausedWorkingDays) }
          : t,
      );
      break;
    }
    case 'special_procedure_started':
      s.specialProcedures = [...s.specialProcedures, event.data];
      break;
    case 'special_procedure_ended':
      s.specialProcedures = s.specialProcedures.map((p) =>
        p.id === event.data.id ? { ...p, endedOn: event.data.endedOn } : p,
      );
      break;
    case 'extension_requested':
      s.extensions = [...s.extensions, { ...event.data, status: 'requested' }];
      break;
    case 'extension_decided': {
      const { id, decision, headId, days } = event.data;
      s.extensions = s.extensions.map((x) =>
        x.id === id ? { ...x, status: decision === 'approve' ? 'approved' : 'refused', decidedBy: headId, days } : x,
      );
      if (decision === 'approve') {
        s.clock = { ...s.clock, extensionDays: s.clock.extensionDays + days };
        s.deadlines = { ...s.deadlines, ...reviewDeadlines(s) };
        s.tasks = s.tasks.map((t) =>
          ['open', 'waiting', 'supplement_requested'].includes(t.status)
            ? { ...t, due: addWorkingDays(t.due, days) }
            : t,
        );
      }
      break;
    }
    case 'deadline_warning':
      s.warnings = [...s.warnings, { ...event.data, at: event.at }];
      break;
    case 'matter_decided':
      s.outcomes = { ...s.outcomes, [event.data.matter]: event.data.outcome };
      break;
    case 'case_approved':
      s.timeliness = timelinessAt(s, event.at);
      s.status = 'approved';
      s.decidedAt = event.at;
      s.deadlines = {
        ...(event.data.deliveryDue ? { deliveryDue: event.data.deliveryDue } : {}),
        ...(s.deadlines.deficienciesDue ? { deficienciesDue: s.deadlines.deficienciesDue } : {}),
      };
      break;
    case 'case_partially_approved':
      s.timeliness = timelinessAt(s, event.at);
      s.status = 'partially_approved';
      s.reasons = event.data.reasons;
      s.decidedAt = event.at;
      s.deadlines = {
        ...(event.data.deliveryDue ? { deliveryDue: event.data.deliveryDue } : {}),
        ...(s.deadlines.deficienciesDue ? { deficienciesDue: s.deadlines.deficienciesDue } : {}),
      };
      break;
    case 'original_seen':
      s.originalsSeen = [...new Set([...(s.originalsSeen ?? []), ...event.data.materials])];
      break;
    case 'marked_urgent':
      s.urgent = { reason: event.data.reason, by: event.data.by, at: event.at };
      break;
    case 'case_refused':
      endCase(s, event.at, 'refused', event.data.reasons);
      break;
    case 'withdrawn':
      endCase(s, event.at, 'withdrawn', [event.data.reason]);
      break;
    case 'terminated':
      endCase(s, event.at, 'terminated', [event.data.reason]);
      break;
    case 'certificate_issued':
      s.certificates = [...s.certificates, event.data];
      break;
    case 'certificate_revoked': {
      const { certificateNo, department, by: revokedBy, reason } = event.data;
      s.certificates = s.certificates.map((c) =>
        c.certificateNo === certificateNo ? { ...c, revoked: { at: event.at, department, by: revokedBy, reason } } : c,
      );
      break;
    }
    case 'rated':
    case 'follow_up_opened':
    case 'follow_up_replied':
    case 'rating_appealed':
    case 'rating_appeal_decided':
      evolveRating(s, event);
      break;
    case 'delivered':
      s.delivery = event.data;
      if (event.data.method === 'pickup') s.visits += 1;
      s.deadlines = { ...s.deadlines };
      delete s.deadlines.deliveryDue;
      break;
  }
  return s;
}

export function replay(events: CaseEvent[]): CaseState | undefined {
  return events.reduce<CaseState | undefined>(evolve, undefined);
}

export const finalStatuses: readonly CaseStatus[] = [
  'approved',
  'partially_approved',
  'refused',
  'not_accepted',
  'withdrawn',
  'terminated',
];

/** Decided with something to deliver: every matter approved, or some (rules 2). Certificates and delivery follow. */
export const deliverableStatuses: readonly CaseStatus[] = ['approved', 'partially_approved'];
