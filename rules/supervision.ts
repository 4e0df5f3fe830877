/**
 * 电子监察 and 台帐: what one case contributes to supervision, derived from its state alone (no I/O, no clock).
 *
 * The recording activity turns every step's state into one fact row (`supervision_cases`) and, from the change in
 * that row's `contribution`, the change to the daily rollups (`supervision_daily`, `supervision_daily_days`): so the
 * figures are sums over small pre-aggregated tables, never scans of a million cases. Figures that depend on "now"
 * (overdue, near due) are not stored as such: the fact row keeps the due date and the day after which the case is
 * near due, and the query compares them with today.
 */
import { warningDays } from './caseDecisions.ts';
import type { CaseState, CaseStatus, DeadlineName, Warning } from './caseModel.ts';
import { currentDue } from './caseModel.ts';
import { maskIdNumber } from './identity.ts';
import { chinaDate, subtractWorkingDays, workingDaysBetween, type IsoDate } from './workingDays.ts';

/** A decision on the merits. `partially_approved` (some matters approved, some refused) counts as approved. */
const DECIDED_STATUSES: readonly CaseStatus[] = ['approved', 'partially_approved', 'refused'];
const APPROVED_STATUSES: readonly CaseStatus[] = ['approved', 'partially_approved'];
/** Not yet decided: the centre still owes the applicant an answer. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['received', 'awaiting_supplement', 'in_review'];

export { statusLabels, warningDeadlineLabels } from './labels.ts';

/**
 * What a case adds to the daily rollups, one row per day it touches. Every measure is 0 or 1 for one case; the
 * rollups are sums, so a case's change is its new rows minus its old ones.
 */
export interface Contribution {
  day: IsoDate;
  received: number;
  urgent: number;
  accepted: number;
  decided: number;
  approved: number;
  partially_approved: number;
  refused: number;
  on_time: number;
  within_statutory: number;
  at_most_one_visit: number;
  immediate_decided: number;
  same_day: number;
  withdrawn: number;
  not_accepted: number;
  terminated: number;
  /** Working days from acceptance to decision (decided cases only; goes to the median's histogram). */
  working_days: number | null;
}

export const CONTRIBUTION_MEASURES = [
  'received',
  'urgent',
  'accepted',
  'decided',
  'approved',
  'partially_approved',
  'refused',
  'on_time',
  'within_statutory',
  'at_most_one_visit',
  'immediate_decided',
  'same_day',
  'withdrawn',
  'not_accepted',
  'terminated',
] as const satisfies ReadonlyArray<keyof Contribution>;

/** The fact row of one case, keyed like the table's columns (it is read with jsonb_populate_record). */
export interface SupervisionFact {
  case_no: string;
  window: string;
  received_at: string;
  received_on: IsoDate;
  accepted_on: IsoDate | null;
  /** China date of the decision on the merits (approved, partially approved, refused). */
  decided_on: IsoDate | null;
  /** China date the case ended, whatever the end (decision, withdrawal, not accepted, termination). */
  closed_on: IsoDate | null;
  status: CaseStatus;
  /** Every matter of the case is an immediate one (即办件). */
  immediate: boolean;
  on_time: boolean | null;
  within_statutory: boolean | null;
  same_day: boolean | null;
  visits: number;
  working_days: number | null;
  promised_due: IsoDate | null;
  statutory_due: IsoDate | null;
  /** The due date the centre is running against now (open cases whose clock runs), else null. */
  due_on: IsoDate | null;
  /** Near due on the days after this one up to `due_on` (the yellow warning's threshold). */
  near_due_after: IsoDate | null;
  /** The most urgent warning in force (red before yellow, then the earliest due). */
  warning_level: 'yellow' | 'red' | null;
  warning_rank: number;
  warning_deadline: DeadlineName | null;
  warning_due: IsoDate | null;
  warning_at: string | null;
  /** Departments with an open task (they hold the case); empty: the window holds it. */
  holder_departments: string[];
  /** `DEPT|MATTER` of every open task. */
  holder_pairs: string[];
  departments: string[];
  matters: string[];
  /** `DEPT|MATTER`: each department with each matter it reviews in this case. */
  department_matters: string[];
  matter_names: string[];
  applicant_name: string;
  applicant_id_masked: string;
  urgent: boolean;
  contribution: Contribution[];
  last_seq: number;
}

/**
 * Warnings still in force: raised for the due date the case is still running against. A warning whose deadline
 * moved (pause, extension) or passed out of the case (decision, withdrawal) no longer is.
 */
export function activeWarnings(state: CaseState): Warning[] {
  const latest = new Map<string, Warning>();
  for (const w of state.warnings) {
    if (currentDue(state, w.deadline) !== w.due) continue;
    const key = `${w.deadline}:${w.due}`;
    const seen = latest.get(key);
    if (!seen || (w.level === 'red' && seen.level === 'yellow')) latest.set(key, w);
  }
  return [...latest.values()].sort((a, b) =>
    a.level !== b.level ? (a.level === 'red' ? -1 : 1) : a.due.localeCompare(b.due),
  );
}

const HOLDING: readonly string[] = ['open', 'supplement_requested'];

export function contributionOf(f: Omit<SupervisionFact, 'contribution'>): Contribution[] {
  const zero = (day: IsoDate): Contribution => ({
    day,
    ...(Object.fromEntries(CONTRIBUTION_MEASURES.map((m) => [m, 0])) as Omit<Contribution, 'day' | 'working_days'>),
    working_days: null,
  });
  const rows = new Map<IsoDate, Contribution>();
  const at = (day: IsoDate) => rows.get(day) ?? rows.set(day, zero(day)).get(day)!;
  const received = at(f.received_on);
  received.received = 1;
  received.urgent = f.urgent ? 1 : 0;
  if (f.accepted_on) at(f.accepted_on).accepted = 1;
  if (f.decided_on && DECIDED_STATUSES.includes(f.status)) {
    const d = at(f.decided_on);
    d.decided = 1;
    d.approved = APPROVED_STATUSES.includes(f.status) ? 1 : 0;
    d.partially_approved = f.status === 'partially_approved' ? 1 : 0;
    d.refused = f.status === 'refused' ? 1 : 0;
    d.on_time = f.on_time ? 1 : 0;
    d.within_statutory = f.within_statutory ? 1 : 0;
    d.at_most_one_visit = f.visits <= 1 ? 1 : 0;
    d.immediate_decided = f.immediate ? 1 : 0;
    d.same_day = f.immediate && f.same_day ? 1 : 0;
    d.working_days = f.working_days;
  }
  if (f.closed_on && (f.status === 'withdrawn' || f.status === 'not_accepted' || f.status === 'terminated')) {
    at(f.closed_on)[f.status] = 1;
  }
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The supervision fact row of a case as its state now stands. */
export function supervisionFact(state: CaseState): SupervisionFact {
  const decided = DECIDED_STATUSES.includes(state.status);
  const closed = !OPEN_STATUSES.includes(state.status);
  const t = state.timeliness;
  const closedOn = closed ? (t?.decidedOn ?? (state.decidedAt ? chinaDate(Date.parse(state.decidedAt)) : null)) : null;
  const decidedOn = decided ? closedOn : null;
  const immediate = state.matters.length > 0 && state.matters.every((m) => m.kind === 'immediate');
  // The centre's running due date: the clerk's acceptance limit, then the promised review limit while the clock runs.
  const dueOn =
    state.status === 'received'
      ? (state.deadlines.acceptanceDue ?? null)
      : state.status === 'in_review' && !state.clock.paused
        ? (state.deadlines.promisedDue ?? null)
        : null;
  const holding = OPEN_STATUSES.includes(state.status) ? state.tasks.filter((t) => HOLDING.includes(t.status)) : [];
  const warning = activeWarnings(state)[0];
  const departmentMatters = state.matters.flatMap((m) => m.departments.map((d) => `${d.code}|${m.code}`));
  const fact: Omit<SupervisionFact, 'contribution'> = {
    case_no: state.caseNo,
    window: state.receivedBy.window,
    received_at: state.receivedAt,
    received_on: state.receivedOn,
    accepted_on: state.acceptedOn ?? null,
    decided_on: decidedOn,
    closed_on: closedOn,
    status: state.status,
    immediate,
    on_time: decided ? (t?.decidedOnTime ?? null) : null,
    within_statutory: decided ? (t?.withinStatutoryLimit ?? null) : null,
    same_day: decided && immediate ? (t?.sameDay ?? null) : null,
    visits: state.visits,
    working_days: decidedOn && state.acceptedOn ? workingDaysBetween(state.acceptedOn, decidedOn) : null,
    promised_due: state.deadlines.promisedDue ?? t?.promisedDue ?? null,
    statutory_due: state.deadlines.statutoryDue ?? t?.statutoryDue ?? null,
    due_on: dueOn,
    near_due_after: dueOn ? subtractWorkingDays(dueOn, warningDays(state)) : null,
    warning_level: warning?.level ?? null,
    warning_rank: warning ? (warning.level === 'red' ? 2 : 1) : 0,
    warning_deadline: warning?.deadline ?? null,
    warning_due: warning?.due ?? null,
    warning_at: warning?.at ?? null,
    holder_departments: [...new Set(holding.map((t) => t.department))].sort(),
    holder_pairs: [...new Set(holding.map((t) => `${t.department}|${t.matter}`))].sort(),
    departments: [...new Set(state.matters.flatMap((m) => m.departments.map((d) => d.code)))].sort(),
    matters: state.matters.map((m) => m.code),
    department_matters: [...new Set(departmentMatters)].sort(),
    matter_names: state.matters.map((m) => m.name),
    applicant_name: state.applicant.name,
    applicant_id_masked: maskIdNumber(state.applicant.idNumber),
    urgent: state.urgent !== undefined,
    last_seq: state.seq,
  };
  return { ...fact, contribution: contributionOf(fact) };
}
