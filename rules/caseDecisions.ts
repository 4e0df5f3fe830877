/**
 * What happens next on a case: given its state, one input and the time, the events to record (or the rule that
 * forbids the input). Pure and deterministic; the workflow only calls it, records and schedules.
 */
import type {
  Actor,
  ActorDetails,
  Applicant,
  CaseEvent,
  CaseState,
  Certificate,
  Channel,
  DeadlineName,
  MatterResult,
  ReviewTask,
} from './caseModel.ts';
import { deliverableStatuses, evolve, finalStatuses, staffActor } from './caseModel.ts';
import type { MatterSnapshot } from './catalogue.ts';
import {
  acceptedNotice,
  approvedNotice,
  extensionNotice,
  notAcceptedNotice,
  partiallyApprovedNotice,
  refusedNotice,
  specialProcedureNotice,
  supplementNotice,
  terminatedNotice,
  withdrawnNotice,
  type MissingMaterial,
} from './notices.ts';
import { missingMaterials } from './materials.ts';
import { decideRating, type RatingCommand } from './ratings.ts';
import {
  addWorkingDays,
  chinaDate,
  endOfChinaDay,
  isCalendarDate,
  subtractWorkingDays,
  workingDaysBetween,
  type IsoDate,
} from './workingDays.ts';

/** 行政许可法 第32条: decide on acceptance (or send the one-time notice) within 5 working days. */
export const ACCEPTANCE_LIMIT_DAYS = 5;
/** 第43条: a lower level's preliminary review takes at most 20 working days. */
export const ESCALATED_REVIEW_DAYS = 20;
/** 第44条: the certificate is issued and delivered within 10 working days of the decision. */
export const DELIVERY_LIMIT_DAYS = 10;
/** Yellow warning this many working days before a due date when the matter sets none. */
export const DEFAULT_WARNING_DAYS = 3;
/** 特别程序 of 第45条. */
export const SPECIAL_PROCEDURE_TYPES = [
  'hearing',
  'tender',
  'auction',
  'inspection',
  'testing',
  'quarantine',
  'appraisal',
  'expert_review',
] as const;
export type SpecialProcedureType = (typeof SPECIAL_PROCEDURE_TYPES)[number];

// The limits below are the rules' single definitions: the decider uses them and so does the auditor's re-derivation
// (rules/audit.ts), which must reach the same dates from the same events.

/** The case's review limits in working days: the longest statutory and promised limits over its matters. */
export function reviewLimits(matters: MatterSnapshot[]): { statutory: number; promised: number } {
  return {
    statutory: Math.max(...matters.map((m) => m.statutoryLimitDays)),
    promised: Math.max(...matters.map((m) => m.promisedLimitDays)),
  };
}

/** Working days given to supply missing material (one-time notice, 容缺): the longest over the case's matters. */
export function supplementLimitDays(matters: MatterSnapshot[]): number {
  return Math.max(...matters.map((m) => m.supplementLimitDays));
}

/** A review task's limit: 第43条's 20 days for a lower level's preliminary review, else the promised limit. */
export function taskLimitDays(matter: MatterSnapshot, stage: 1 | 2): number {
  return matter.kind === 'escalated' && stage === 1 ? ESCALATED_REVIEW_DAYS : matter.promisedLimitDays;
}

/**
 * A second stage's due date when it opens: the higher level of an escalated matter gets its own limit
 * (`higherLevelLimitDays`; the catalogue guarantees 20 + it fits in the matter's limits). A snapshot taken before the
 * field existed keeps the old rule, the matter's promised limit, so running cases keep their dates.
 */
export function secondStageDue(matter: MatterSnapshot, lead: Pick<ReviewTask, 'due'>, openedOn: IsoDate): IsoDate {
  return matter.kind === 'escalated'
    ? addWorkingDays(openedOn, matter.higherLevelLimitDays ?? matter.promisedLimitDays)
    : lead.due;
}

/** 第42条: 20 days extend by 10; joint / centralised handling (45 days) by 15. */
export function extensionDaysFor(limits: { statutory: number }): number {
  return limits.statutory >= 45 ? 15 : 10;
}

export type CaseCommand =
  | {
      type: 'submit';
      caseNo: string;
      queryCode: string;
      applicant: Applicant;
      theme?: { code: string; name: string };
      matters: MatterSnapshot[];
      materials: string[];
      commitments?: string[];
      fromLibrary?: Array<{ material: string; certificateNo: string }>;
      channel?: Channel;
      form: Record<string, unknown>;
      receivedBy: { clerkId: string; window: string };
      by?: ActorDetails;
      /** The decision rules (absent: 1, a refusal refuses the whole case; 2: each matter its own outcome). */
      rules?: 2;
    }
  | {
      type: 'decide_acceptance';
      decision: 'accept' | 'reject' | 'supplement' | 'accept_with_deficiencies';
      reason?: string;
      clerkId: string;
      by?: ActorDetails;
      deficiencies?: string[];
      deficienciesDue?: IsoDate;
    }
  | {
      type: 'supply_materials';
      materials: string[];
      commitments?: string[];
      channel?: Channel;
      actorId?: string;
      by?: ActorDetails;
    }
  | {
      type: 'give_opinion';
      taskId: string;
      decision: 'approve' | 'refuse' | 'supplement';
      reason?: string;
      materials?: string[];
      reviewerId: string;
      department?: string;
      by?: ActorDetails;
    }
  | { type: 'withdraw'; reason?: string; actorId?: string; by?: ActorDetails }
  | { type: 'request_extension'; department: string; reason: string; reviewerId: string; by?: ActorDetails }
  | {
      type: 'decide_extension';
      extensionId: string;
      decision: 'approve' | 'refuse';
      headId: string;
      /** The deciding head's department: only the requesting department's head decides. */
      department?: string;
      by?: ActorDetails;
    }
  | {
      type: 'start_special_procedure';
      taskId: string;
      procedure: SpecialProcedureType;
      expectedWorkingDays: number;
      reason: string;
      reviewerId: string;
      by?: ActorDetails;
    }
  | { type: 'end_special_procedure'; taskId: string; procedureId: string; reviewerId: string; by?: ActorDetails }
  | { type: 'deliver'; method: 'pickup' | 'post'; trackingNumber?: string; clerkId: string; by?: ActorDetails }
  | {
      type: 'revoke_certificate';
      certificateNo: string;
      department: string;
      reason: string;
      reviewerId: string;
      by?: ActorDetails;
    }
  | { type: 'mark_urgent'; reason: string; supervisorId: string; by?: ActorDetails }
  | RatingCommand
  | { type: 'timer_fired'; timerId: string };

/** A rule that forbids the input; `status` is the HTTP status the API answers with. */
export interface RuleViolation {
  status: 404 | 409 | 403 | 422;
  code: string;
  message: string;
  field?: string;
}

export type Decision = { ok: true; events: CaseEvent[] } | { ok: false; violation: RuleViolation };

const violation = (status: RuleViolation['status'], code: string, message: string, field?: string): Decision => ({
  ok: false,
  violation: { status, code, message, ...(field ? { field } : {}) },
});

const SYSTEM: Actor = { kind: 'system', id: 'system' };

class EventBuffer {
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

// ---------------------------------------------------------------------------------------------------------------
// Timers: every deadline the case waits on, with an id that includes its due date (a moved deadline is a new id).

export interface PendingTimer {
  id: string;
  dueAt: number;
}

export function warningDays(state: CaseState): number {
  const set = state.matters.map((m) => m.warningDays).filter((d) => d > 0);
  return set.length > 0 ? Math.min(...set) : DEFAULT_WARNING_DAYS;
}

function deadlineTimers(state: CaseState, name: DeadlineName, due: IsoDate | undefined, yellow = true): PendingTimer[] {
  if (!due) return [];
  const warned = (level: string) =>
    state.warnings.some((w) => w.deadline === name && w.level === level && w.due === due);
  const timers: PendingTimer[] = [];
  if (yellow && !warned('yellow')) {
    timers.push({ id: `${name}:yellow:${due}`, dueAt: endOfChinaDay(subtractWorkingDays(due, warningDays(state))) });
  }
  if (!warned('red')) timers.push({ id: `${name}:red:${due}`, dueAt: endOfChinaDay(due) });
  return timers;
}

export function pendingTimers(state: CaseState | undefined): PendingTimer[] {
  if (!state) return [];
  // A follow-up (整改) of a bad rating runs on a finished case.
  const followUp = state.followUp?.status === 'open' ? deadlineTimers(state, 'follow_up', state.followUp.due) : [];
  if (finalStatuses.includes(state.status) && !deliverableStatuses.includes(state.status)) return followUp;
  const d = state.deadlines;
  const timers: PendingTimer[] = [];
  if (state.status === 'received') timers.push(...deadlineTimers(state, 'acceptance', d.acceptanceDue));
  if (state.status === 'awaiting_supplement') timers.push(...deadlineTimers(state, 'supplement', d.supplementDue));
  if (state.status === 'in_review' && !state.clock.paused) {
    timers.push(...deadlineTimers(state, 'review', d.promisedDue));
    timers.push(...deadlineTimers(state, 'statutory', d.statutoryDue, false));
  }
  if (deliverableStatuses.includes(state.status) && !state.delivery) {
    timers.push(...deadlineTimers(state, 'delivery', d.deliveryDue));
  }
  if (state.deficiencies.length > 0) timers.push(...deadlineTimers(state, 'deficiencies', d.deficienciesDue));
  return [...timers, ...followUp];
}

// ---------------------------------------------------------------------------------------------------------------

/** Required materials not yet satisfied by a document, a commitment (告知承诺) or the certificate library. */
export function outstandingMaterials(state: CaseState, extra: string[] = []): MissingMaterial[] {
  return missingMaterials(state.matters, [
    ...state.materialsProvided,
    ...state.commitments,
    ...state.fromLibrary.map((l) => l.material),
    ...extra,
  ]);
}

function materialName(state: CaseState, code: string): string {
  for (const m of state.matters) {
    const found = m.materials.find((x) => x.code === code);
    if (found) return found.name;
  }
  return code;
}

function commitmentAllowed(state: Pick<CaseState, 'matters'>, code: string): boolean {
  return state.matters.some((m) => m.materials.some((x) => x.code === code && x.commitmentAllowed));
}

export function decide(state: CaseState | undefined, command: CaseCommand, nowMs: number): Decision {
  const buffer = new EventBuffer(state, new Date(nowMs).toISOString());
  const today = chinaDate(nowMs);
  if (command.type === 'submit') return submit(buffer, command, today);
  if (!state) {
    return 'taskId' in command
      ? violation(404, 'task_not_found', `审查任务 ${command.taskId} 不存在`, 'taskId')
      : violation(404, 'case_not_found', '办件不存在', 'caseNo');
  }
  switch (command.type) {
    case 'decide_acceptance':
      return decideAcceptance(buffer, command, today);
    case 'supply_materials':
      return supplyMaterials(buffer, command, today);
    case 'give_opinion':
      return giveOpinion(buffer, command, today);
    case 'withdraw':
      return withdraw(buffer, command);
    case 'request_extension':
      return requestExtension(buffer, command);
    case 'decide_extension':
      return decideExtension(buffer, command);
    case 'start_special_procedure':
      return startSpecialProcedure(buffer, command, today);
    case 'end_special_procedure':
      return endSpecialProcedure(buffer, command, today);
    case 'deliver':
      return deliver(buffer, command, today);
    case 'revoke_certificate':
      return revokeCertificate(buffer, command);
    case 'mark_urgent':
      return markUrgent(buffer, command);
    case 'rate':
    case 'reply_follow_up':
    case 'appeal_rating':
    case 'decide_rating_appeal':
      return decideRating(state, command, buffer.at, today);
    case 'timer_fired':
      return timerFired(buffer, command.timerId, nowMs, today);
  }
}

function submit(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'submit' }>, today: IsoDate): Decision {
  if (buffer.state) return buffer.ok(); // a retried submission: the case already exists
  const notAllowed = (command.commitments ?? []).find((code) => !commitmentAllowed(command, code));
  if (notAllowed) {
    return violation(422, 'commitment_not_allowed', `材料 ${notAllowed} 不适用告知承诺`, 'commitments');
  }
  buffer.push(staffActor('clerk', command.receivedBy.clerkId, command.by), {
    type: 'received',
    data: {
      caseNo: command.caseNo,
      queryCode: command.queryCode,
      applicant: command.applicant,
      ...(command.theme ? { theme: command.theme } : {}),
      matters: command.matters,
      form: command.form,
      materials: [...new Set(command.materials)],
      ...(command.commitments?.length ? { commitments: [...new Set(command.commitments)] } : {}),
      ...(command.fromLibrary?.length ? { fromLibrary: command.fromLibrary } : {}),
      channel: command.channel ?? 'window',
      receivedBy: command.receivedBy,
      receivedOn: today,
      acceptanceDue: addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS),
      ...(command.rules ? { rules: command.rules } : {}),
    },
  });
  return buffer.ok();
}

function decideAcceptance(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'decide_acceptance' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const clerk: Actor = staffActor('clerk', command.clerkId, command.by);
  if (state.status !== 'received') {
    return violation(409, 'acceptance_already_decided', `办件当前状态为 ${state.status}，不能再作受理决定`, 'decision');
  }
  const missing = outstandingMaterials(state);
  switch (command.decision) {
    case 'reject': {
      if (!command.reason?.trim()) return violation(422, 'reason_required', '不予受理必须书面说明理由', 'reason');
      const s = buffer.push(clerk, { type: 'not_accepted', data: { reason: command.reason } });
      buffer.push(clerk, {
        type: 'notice_sent',
        data: notAcceptedNotice(s, buffer.noticeId(), buffer.at, command.reason),
      });
      return buffer.ok();
    }
    case 'supplement': {
      if (missing.length === 0) {
        return violation(409, 'nothing_missing', '申请材料已齐全，无需补正，请作出受理决定', 'decision');
      }
      // 一次性告知: what a previous notice already asked for cannot be asked for again as if new; and everything
      // missing goes into this one notice.
      sendSupplementNotice(buffer, clerk, missing, today, 'acceptance');
      return buffer.ok();
    }
    case 'accept_with_deficiencies': {
      const deficiencies = [...new Set(command.deficiencies ?? [])];
      if (deficiencies.length === 0) {
        return violation(422, 'deficiencies_required', '容缺受理必须列明容缺的材料', 'deficiencies');
      }
      const missingCodes = new Set(missing.map((m) => m.code));
      const notMissing = deficiencies.find((code) => !missingCodes.has(code));
      if (notMissing) {
        return violation(422, 'not_deficient', `材料 ${notMissing} 并未缺少，不能列为容缺材料`, 'deficiencies');
      }
      const stillMissing = missing.filter((m) => !deficiencies.includes(m.code));
      if (stillMissing.length > 0) {
        return violation(
          409,
          'materials_missing',
          `除容缺材料外仍缺少：${stillMissing.map((m) => m.name).join('、')}`,
          'deficiencies',
        );
      }
      // A date that does not exist would make every later deadline computation throw: the case could never move.
      if (command.deficienciesDue !== undefined && !isCalendarDate(command.deficienciesDue)) {
        return violation(
          422,
          'invalid_date',
          `容缺补齐期限 ${command.deficienciesDue} 不是有效日期`,
          'deficienciesDue',
        );
      }
      const due = command.deficienciesDue ?? addWorkingDays(today, supplementLimitDays(state.matters));
      if (due <= today) return violation(422, 'due_in_past', '容缺补齐期限必须晚于今天', 'deficienciesDue');
      accept(buffer, clerk, today, today, false, { deficiencies, due });
      return buffer.ok();
    }
    case 'accept':
      if (missing.length > 0) {
        return violation(
          409,
          'materials_missing',
          `申请材料不齐全，不能受理，缺少：${missing.map((m) => m.name).join('、')}`,
          'decision',
        );
      }
      accept(buffer, clerk, today, today, false);
      return buffer.ok();
  }
}

function sendSupplementNotice(
  buffer: EventBuffer,
  actor: Actor,
  missing: MissingMaterial[],
  today: IsoDate,
  stage: 'acceptance' | 'review',
): void {
  const state = buffer.current;
  const due = addWorkingDays(today, supplementLimitDays(state.matters));
  const notice = supplementNotice(state, buffer.noticeId(), buffer.at, missing, due);
  buffer.push(actor, { type: 'notice_sent', data: notice });
  buffer.push(actor, {
    type: 'supplement_requested',
    data: { noticeId: notice.id, materials: missing.map((m) => m.code), due, stage },
  });
}

function accept(
  buffer: EventBuffer,
  actor: Actor,
  acceptedOn: IsoDate,
  today: IsoDate,
  deemed: boolean,
  deficiencies?: { deficiencies: string[]; due: IsoDate },
): void {
  const state = buffer.current;
  const limits = reviewLimits(state.matters);
  const promisedDue = addWorkingDays(acceptedOn, limits.promised);
  buffer.push(actor, {
    type: deemed ? 'deemed_accepted' : 'accepted',
    data: {
      acceptedOn,
      deemed,
      statutoryDue: addWorkingDays(acceptedOn, limits.statutory),
      promisedDue,
      limits,
      ...(deficiencies ? { deficiencies: deficiencies.deficiencies, deficienciesDue: deficiencies.due } : {}),
    },
  });
  buffer.push(actor, {
    type: 'notice_sent',
    data: acceptedNotice(buffer.current, buffer.noticeId(), buffer.at, acceptedOn, promisedDue, deemed),
  });
  for (const matter of state.matters) {
    if (matter.kind === 'immediate' && !deemed) {
      // 即办件: the window decides on the spot; no department task. (Deemed acceptance decides nothing: the
      // department then reviews it like any other matter.)
      buffer.push(actor, { type: 'matter_decided', data: { matter: matter.code, outcome: 'approved' } });
      continue;
    }
    const staged = (matter.kind === 'joint' || matter.kind === 'escalated') && matter.departments.length > 1;
    for (const department of matter.departments) {
      const stage = staged && department.lead ? 2 : 1;
      const limit = taskLimitDays(matter, stage);
      const task: Omit<ReviewTask, 'status' | 'history'> & { status: 'open' | 'waiting' } = {
        id: `${state.caseNo}-${matter.code}-${department.code}`,
        matter: matter.code,
        department: department.code,
        departmentName: department.name,
        lead: department.lead,
        stage,
        status: stage === 2 ? 'waiting' : 'open',
        openedOn: acceptedOn,
        due: addWorkingDays(acceptedOn, limit),
      };
      buffer.push(SYSTEM, { type: 'task_opened', data: task });
    }
  }
  concludeIfDecided(buffer, actor, today);
}

function supplyMaterials(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'supply_materials' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const awaiting = state.status === 'awaiting_supplement';
  const deficient =
    state.deficiencies.length > 0 && !['not_accepted', 'refused', 'withdrawn', 'terminated'].includes(state.status);
  if (!awaiting && !deficient) {
    return violation(409, 'no_supplement_requested', '当前没有待补正的材料', 'materials');
  }
  const known = new Set(state.matters.flatMap((m) => m.materials.map((x) => x.code)));
  const unknown = command.materials.filter((code) => !known.has(code));
  if (unknown.length > 0) {
    return violation(422, 'unknown_material', `本办件不需要以下材料：${unknown.join('、')}`, 'materials');
  }
  const notAllowed = (command.commitments ?? []).find((code) => !commitmentAllowed(state, code));
  if (notAllowed) return violation(422, 'commitment_not_allowed', `材料 ${notAllowed} 不适用告知承诺`, 'commitments');
  const round = state.supplementRounds.at(-1);
  const reviewStage = awaiting && round?.stage === 'review';
  const after = [...command.materials, ...(command.commitments ?? [])];
  const completeForAcceptance = awaiting && !reviewStage && outstandingMaterials(state, after).length === 0;
  const applicant: Actor = command.by
    ? staffActor('clerk', command.actorId ?? 'clerk', command.by)
    : { kind: 'applicant', id: command.actorId ?? state.applicant.idNumber };
  buffer.push(applicant, {
    type: 'materials_supplied',
    data: {
      materials: [...new Set(command.materials)],
      ...(command.commitments?.length ? { commitments: [...new Set(command.commitments)] } : {}),
      channel: command.channel ?? 'window',
      receivedOn: today,
      // complete: the clerk has a fresh 5 working days to decide (第32条)
      ...(completeForAcceptance ? { acceptanceDue: addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS) } : {}),
    },
  });
  const answered = buffer.current.supplementRounds.at(-1);
  if (reviewStage && answered && answered.materials.every((m) => answered.supplied.includes(m))) {
    // Everything the consolidated notice asked for has arrived: the clocks run again, the departments resume.
    resumeClock(buffer, applicant, 'supplement', buffer.current.clock.pausedSince ?? today, today);
    for (const task of buffer.current.tasks.filter((t) => t.status === 'supplement_requested')) {
      buffer.push(SYSTEM, { type: 'task_opened', data: { ...withoutRuntime(task), status: 'open' } });
    }
  }
  return buffer.ok();
}

function withoutRuntime(task: ReviewTask): Omit<ReviewTask, 'status' | 'history'> {
  const { status: _s, history: _h, supplementRequest: _r, ...rest } = task;
  return rest;
}

function resumeClock(buffer: EventBuffer, actor: Actor, reason: string, since: IsoDate, today: IsoDate): void {
  const others = buffer.current.clock.pauseReasons.filter((r, i, all) => !(r === reason && all.indexOf(r) === i));
  // Paused working days are counted once, when the last reason to pause ends.
  const days = others.length === 0 ? workingDaysBetween(since, today) : 0;
  buffer.push(actor, { type: 'clock_resumed', data: { reason, on: today, pausedWorkingDays: days } });
}

function findTask(state: CaseState, taskId: string, department?: string): ReviewTask | Decision {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) return violation(404, 'task_not_found', `审查任务 ${taskId} 不存在`, 'taskId');
  if (department && department !== task.department) {
    return violation(
      403,
      'department_not_on_task',
      `部门 ${department} 不是该审查任务的承办部门（${task.departmentName}）`,
      'department',
    );
  }
  if (task.status !== 'open') {
    const why: Record<string, [string, string]> = {
      cancelled: ['task_cancelled', '已取消'],
      waiting: ['task_not_open', '尚未开始（等待前一阶段意见）'],
      supplement_requested: ['task_awaiting_supplement', '正在等待申请人补正'],
    };
    const [code, what] = why[task.status] ?? ['task_already_decided', '已作出审查意见'];
    return violation(409, code, `审查任务${what}，不能再提交意见`, 'taskId');
  }
  return task;
}

function giveOpinion(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'give_opinion' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const found = findTask(state, command.taskId, command.department);
  if ('ok' in found) return found;
  const task = found;
  if (state.clock.paused && state.clock.pauseReasons.some((r) => r.startsWith('special_procedure'))) {
    const open = state.specialProcedures.find((p) => !p.endedOn && p.taskId === task.id);
    if (open) return violation(409, 'special_procedure_running', '特别程序尚未结束，不能作出审查意见', 'taskId');
  }
  const reviewer: Actor = staffActor('reviewer', command.reviewerId, command.by);
  if (command.decision === 'supplement') {
    const materials = [...new Set(command.materials ?? [])];
    if (materials.length === 0) return violation(422, 'materials_required', '要求补正必须列明材料', 'materials');
    if (!command.reason?.trim()) return violation(422, 'reason_required', '要求补正必须说明理由', 'reason');
    const known = new Set(state.matters.flatMap((m) => m.materials.map((x) => x.code)));
    const unknown = materials.find((m) => !known.has(m));
    if (unknown) return violation(422, 'unknown_material', `本办件不涉及材料 ${unknown}`, 'materials');
    const held = state.fromLibrary.find((l) => materials.includes(l.material));
    if (held) {
      return violation(
        409,
        'material_in_library',
        `${materialName(state, held.material)} 已由电子证照库提供（证照编号 ${held.certificateNo}），不得要求申请人重复提交`,
        'materials',
      );
    }
    // 一次性告知: after the first notice of the review, a department may ask again only about material that was
    // supplied in answer to an earlier notice (a problem with the supplied material itself).
    const reviewRounds = state.supplementRounds.filter((r) => r.stage === 'review');
    if (reviewRounds.length > 0) {
      const askedBefore = new Set(reviewRounds.flatMap((r) => r.materials));
      const fresh = materials.find((m) => !askedBefore.has(m));
      if (fresh) {
        return violation(
          409,
          'one_time_notice_violated',
          `${materialName(state, fresh)} 本可在首次一次性告知中提出，不能再次要求补正`,
          'materials',
        );
      }
    }
    buffer.push(reviewer, {
      type: 'department_supplement_requested',
      data: { taskId: task.id, materials, reason: command.reason, reviewerId: command.reviewerId },
    });
    consolidateSupplements(buffer, today);
    return buffer.ok();
  }
  if (command.decision === 'refuse' && !command.reason?.trim()) {
    return violation(422, 'reason_required', '不予许可必须说明理由', 'reason');
  }
  buffer.push(reviewer, {
    type: 'opinion_given',
    data: {
      taskId: task.id,
      decision: command.decision,
      ...(command.reason ? { reason: command.reason } : {}),
      reviewerId: command.reviewerId,
    },
  });
  if (perMatterOutcomes(state)) {
    // Rules 2: a refusal decides its matter first, so the consolidated notice leaves that matter's requests out.
    concludeIfDecided(buffer, reviewer, today);
    consolidateSupplements(buffer, today);
  } else {
    consolidateSupplements(buffer, today);
    concludeIfDecided(buffer, reviewer, today);
  }
  return buffer.ok();
}

/** Rules 2 (issue 9): each matter of a case gets its own outcome; a refusal refuses only its matter. */
export function perMatterOutcomes(state: Pick<CaseState, 'rulesVersion'>): boolean {
  return (state.rulesVersion ?? 1) >= 2;
}

/**
 * One consolidated notice (一次性告知) once no department is still reviewing without an answer: every department's
 * requests together; the clocks stop from the day it is sent.
 */
function consolidateSupplements(buffer: EventBuffer, today: IsoDate): void {
  const state = buffer.current;
  if (state.status !== 'in_review') return;
  const requesting = state.tasks.filter((t) => t.status === 'supplement_requested');
  if (requesting.length === 0 || state.tasks.some((t) => t.status === 'open')) return;
  // A refusal still to decide its matter comes first (rules 1: it ends the case; rules 2: its matter is decided and
  // that matter's requests cancelled before the notice goes out).
  const undecided = (t: ReviewTask) => state.outcomes[t.matter] === 'pending';
  if (state.tasks.some((t) => t.status === 'refused' && t.stage === 1 && !hasStages(state, t.matter) && undecided(t))) {
    return;
  }
  const items = new Map<string, MissingMaterial>();
  for (const task of requesting) {
    for (const code of task.supplementRequest?.materials ?? []) {
      const matterName = state.matters.find((m) => m.code === task.matter)?.name ?? task.matter;
      const item = items.get(code) ?? { code, name: materialName(state, code), matters: [] };
      if (!item.matters.includes(matterName)) item.matters.push(matterName);
      items.set(code, item);
    }
  }
  buffer.push(SYSTEM, { type: 'clock_paused', data: { reason: 'supplement', since: today } });
  sendSupplementNotice(buffer, SYSTEM, [...items.values()], today, 'review');
}

function hasStages(state: CaseState, matter: string): boolean {
  return state.tasks.some((t) => t.matter === matter && t.stage === 2);
}

/** Open second stages, decide matters whose tasks are all answered, then the case once every matter is decided. */
function concludeIfDecided(buffer: EventBuffer, actor: Actor, today: IsoDate): void {
  let state = buffer.current;
  if (state.status !== 'in_review') return;
  for (const matter of state.matters) {
    const tasks = state.tasks.filter((t) => t.matter === matter.code);
    const lead = tasks.find((t) => t.stage === 2);
    if (
      lead?.status === 'waiting' &&
      tasks.filter((t) => t.stage === 1).every((t) => ['approved', 'refused'].includes(t.status))
    ) {
      // The lead (or the higher level) decides with the first stage's opinions in front of it.
      const due = secondStageDue(matter, lead, today);
      state = buffer.push(SYSTEM, {
        type: 'task_opened',
        data: { ...withoutRuntime(lead), openedOn: today, due, status: 'open' },
      });
    }
  }
  // A refusal decides its matter: by the lead where the matter has stages, by any department where all are equal.
  const deciding = state.tasks.filter((t) => t.status === 'refused' && (t.stage === 2 || !hasStages(state, t.matter)));
  if (perMatterOutcomes(state)) {
    concludePerMatter(buffer, actor, today, deciding);
    return;
  }
  if (deciding.length > 0) {
    const reasons = deciding.map((t) => `${t.departmentName}：${t.reason ?? ''}`);
    for (const matter of new Set(deciding.map((t) => t.matter))) {
      if (state.outcomes[matter] === 'pending') {
        state = buffer.push(actor, { type: 'matter_decided', data: { matter, outcome: 'refused' } });
      }
    }
    cancelOpenTasks(buffer, '办件已不予许可');
    state = buffer.push(actor, { type: 'case_refused', data: { reasons } });
    buffer.push(SYSTEM, { type: 'notice_sent', data: refusedNotice(state, buffer.noticeId(), buffer.at, reasons) });
    return;
  }
  for (const matter of state.matters) {
    const tasks = state.tasks.filter((t) => t.matter === matter.code);
    const decidingTasks = hasStages(state, matter.code) ? tasks.filter((t) => t.stage === 2) : tasks;
    if (
      state.outcomes[matter.code] === 'pending' &&
      decidingTasks.length > 0 &&
      decidingTasks.every((t) => t.status === 'approved')
    ) {
      state = buffer.push(actor, { type: 'matter_decided', data: { matter: matter.code, outcome: 'approved' } });
    }
  }
  if (Object.values(state.outcomes).every((o) => o === 'approved')) {
    state = buffer.push(actor, {
      type: 'case_approved',
      data: { deliveryDue: addWorkingDays(today, DELIVERY_LIMIT_DAYS) },
    });
    buffer.push(SYSTEM, { type: 'notice_sent', data: approvedNotice(state, buffer.noticeId(), buffer.at) });
  }
}

/**
 * Rules 2: a refused matter is decided (its other tasks cancelled) and the others go on; the case ends once every
 * matter is decided: approved when all were approved, refused when all were refused, partially approved otherwise.
 */
function concludePerMatter(buffer: EventBuffer, actor: Actor, today: IsoDate, deciding: ReviewTask[]): void {
  let state = buffer.current;
  for (const matter of state.matters) {
    if (state.outcomes[matter.code] !== 'pending') continue;
    if (deciding.some((t) => t.matter === matter.code)) {
      buffer.push(actor, { type: 'matter_decided', data: { matter: matter.code, outcome: 'refused' } });
      cancelOpenTasks(buffer, '该事项已不予许可', matter.code);
      state = buffer.current;
      continue;
    }
    const tasks = state.tasks.filter((t) => t.matter === matter.code);
    const decidingTasks = hasStages(state, matter.code) ? tasks.filter((t) => t.stage === 2) : tasks;
    if (decidingTasks.length > 0 && decidingTasks.every((t) => t.status === 'approved')) {
      state = buffer.push(actor, { type: 'matter_decided', data: { matter: matter.code, outcome: 'approved' } });
    }
  }
  const outcomes = state.matters.map((m) => state.outcomes[m.code]);
  if (outcomes.some((o) => o === 'pending')) return;
  const results = matterResults(state);
  const reasons = results.filter((r) => r.outcome === 'refused').flatMap((r) => r.reasons);
  if (outcomes.every((o) => o === 'approved')) {
    state = buffer.push(actor, {
      type: 'case_approved',
      data: { deliveryDue: addWorkingDays(today, DELIVERY_LIMIT_DAYS) },
    });
    buffer.push(SYSTEM, { type: 'notice_sent', data: approvedNotice(state, buffer.noticeId(), buffer.at) });
  } else if (outcomes.every((o) => o === 'refused')) {
    state = buffer.push(actor, { type: 'case_refused', data: { reasons } });
    buffer.push(SYSTEM, { type: 'notice_sent', data: refusedNotice(state, buffer.noticeId(), buffer.at, reasons) });
  } else {
    state = buffer.push(actor, {
      type: 'case_partially_approved',
      data: { deliveryDue: addWorkingDays(today, DELIVERY_LIMIT_DAYS), reasons },
    });
    buffer.push(SYSTEM, {
      type: 'notice_sent',
      data: partiallyApprovedNotice(state, buffer.noticeId(), buffer.at, results),
    });
  }
}

/** Each decided matter's result, with the deciding departments' reasons for a refusal. */
export function matterResults(state: CaseState): MatterResult[] {
  return state.matters.flatMap((m): MatterResult[] => {
    const outcome = state.outcomes[m.code];
    if (outcome !== 'approved' && outcome !== 'refused') return [];
    const reasons =
      outcome === 'refused'
        ? state.tasks
            .filter(
              (t) => t.matter === m.code && t.status === 'refused' && (t.stage === 2 || !hasStages(state, m.code)),
            )
            .map((t) => `${t.departmentName}：${t.reason ?? ''}`)
        : [];
    return [{ matter: m.code, name: m.name, outcome, reasons }];
  });
}

function cancelOpenTasks(buffer: EventBuffer, reason: string, matter?: string): void {
  for (const task of buffer.current.tasks.filter(
    (t) => ['open', 'waiting', 'supplement_requested'].includes(t.status) && (!matter || t.matter === matter),
  )) {
    buffer.push(SYSTEM, { type: 'task_cancelled', data: { taskId: task.id, reason } });
  }
}

function withdraw(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'withdraw' }>): Decision {
  const state = buffer.current;
  if (finalStatuses.includes(state.status)) {
    return violation(409, 'already_decided', `办件已办结（${state.status}），不能撤回`, 'caseNo');
  }
  const applicant: Actor = command.by
    ? staffActor('clerk', command.actorId ?? 'clerk', command.by)
    : { kind: 'applicant', id: command.actorId ?? state.applicant.idNumber };
  const reason = command.reason?.trim() || '申请人主动撤回申请';
  cancelOpenTasks(buffer, '申请人已撤回申请');
  const s = buffer.push(applicant, { type: 'withdrawn', data: { reason } });
  buffer.push(SYSTEM, { type: 'notice_sent', data: withdrawnNotice(s, buffer.noticeId(), buffer.at, reason) });
  return buffer.ok();
}

function requestExtension(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'request_extension' }>): Decision {
  const state = buffer.current;
  if (state.status !== 'in_review' && state.status !== 'awaiting_supplement') {
    return violation(409, 'not_in_review', '只有审查中的办件可以申请延期', 'caseNo');
  }
  if (!state.tasks.some((t) => t.department === command.department)) {
    return violation(403, 'department_not_on_case', `部门 ${command.department} 不承办本办件`, 'department');
  }
  if (state.extensions.some((x) => x.status === 'approved')) {
    return violation(409, 'extension_already_granted', '本办件已延期一次，法定期限只能延长一次', 'caseNo');
  }
  if (state.extensions.some((x) => x.status === 'requested')) {
    return violation(409, 'extension_pending', '已有延期申请等待部门负责人审批', 'caseNo');
  }
  const days = extensionDaysFor(state.limits);
  buffer.push(staffActor('reviewer', command.reviewerId, command.by), {
    type: 'extension_requested',
    data: {
      id: `${state.caseNo}-X${state.extensions.length + 1}`,
      department: command.department,
      reason: command.reason,
      requestedBy: command.reviewerId,
      days,
    },
  });
  return buffer.ok();
}

function decideExtension(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'decide_extension' }>): Decision {
  const state = buffer.current;
  const extension = state.extensions.find((x) => x.id === command.extensionId);
  if (!extension) return violation(404, 'extension_not_found', `延期申请 ${command.extensionId} 不存在`, 'id');
  if (command.department !== undefined && command.department !== extension.department) {
    return violation(
      403,
      'not_your_department',
      `该延期申请由 ${extension.department} 提出，只能由该部门负责人审批`,
      'id',
    );
  }
  if (extension.status !== 'requested') {
    return violation(409, 'extension_already_decided', '该延期申请已审批', 'id');
  }
  if (finalStatuses.includes(state.status)) return violation(409, 'already_decided', '办件已办结', 'caseNo');
  const head: Actor = staffActor('reviewer', command.headId, command.by);
  const s = buffer.push(head, {
    type: 'extension_decided',
    data: { id: extension.id, decision: command.decision, headId: command.headId, days: extension.days },
  });
  if (command.decision === 'approve') {
    buffer.push(SYSTEM, {
      type: 'notice_sent',
      data: extensionNotice(
        s,
        buffer.noticeId(),
        buffer.at,
        extension.days,
        extension.reason,
        s.deadlines.statutoryDue,
      ),
    });
  }
  return buffer.ok();
}

function startSpecialProcedure(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'start_special_procedure' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const found = findTask(state, command.taskId);
  if ('ok' in found) return found;
  if (!Number.isInteger(command.expectedWorkingDays) || command.expectedWorkingDays < 1) {
    return violation(422, 'invalid_field', '预计工作日数必须是正整数', 'expectedWorkingDays');
  }
  if (state.specialProcedures.some((p) => p.taskId === found.id && !p.endedOn)) {
    return violation(409, 'special_procedure_running', '该任务已有进行中的特别程序', 'taskId');
  }
  const id = `${state.caseNo}-P${state.specialProcedures.length + 1}`;
  const reviewer: Actor = staffActor('reviewer', command.reviewerId, command.by);
  buffer.push(reviewer, { type: 'clock_paused', data: { reason: `special_procedure:${id}`, since: today } });
  const s = buffer.push(reviewer, {
    type: 'special_procedure_started',
    data: {
      id,
      taskId: found.id,
      type: command.procedure,
      expectedWorkingDays: command.expectedWorkingDays,
      reason: command.reason,
      startedOn: today,
    },
  });
  buffer.push(SYSTEM, {
    type: 'notice_sent',
    data: specialProcedureNotice(
      s,
      buffer.noticeId(),
      buffer.at,
      command.procedure,
      command.expectedWorkingDays,
      command.reason,
    ),
  });
  return buffer.ok();
}

function endSpecialProcedure(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'end_special_procedure' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const procedure = state.specialProcedures.find((p) => p.id === command.procedureId && p.taskId === command.taskId);
  if (!procedure) return violation(404, 'special_procedure_not_found', `特别程序 ${command.procedureId} 不存在`, 'id');
  if (procedure.endedOn) return violation(409, 'special_procedure_ended', '该特别程序已结束', 'id');
  if (finalStatuses.includes(state.status)) return violation(409, 'already_decided', '办件已办结', 'caseNo');
  const reviewer: Actor = staffActor('reviewer', command.reviewerId, command.by);
  const since = state.clock.pausedSince ?? procedure.startedOn;
  buffer.push(reviewer, { type: 'special_procedure_ended', data: { id: procedure.id, endedOn: today } });
  resumeClock(buffer, reviewer, `special_procedure:${procedure.id}`, since, today);
  return buffer.ok();
}

/**
 * 注销: only the department that issued the certificate (the matter's lead department, whose name it carries) may
 * revoke it, once, with a reason. Allowed on a finished case: a certificate outlives its case.
 */
function revokeCertificate(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'revoke_certificate' }>,
): Decision {
  const state = buffer.current;
  const certificate = state.certificates.find((c) => c.certificateNo === command.certificateNo);
  if (!certificate) {
    return violation(404, 'certificate_not_found', `证照 ${command.certificateNo} 不属于本办件`, 'certificateNo');
  }
  const issuer = state.matters.find((m) => m.code === certificate.matter)?.departments.find((d) => d.lead);
  if (!issuer || issuer.code !== command.department) {
    return violation(
      403,
      'not_issuing_department',
      `部门 ${command.department} 不是该证照的发证部门（${issuer?.name ?? '未知'}），不能注销`,
      'department',
    );
  }
  if (certificate.revoked) {
    return violation(
      409,
      'certificate_already_revoked',
      `证照 ${certificate.certificateNo} 已于 ${certificate.revoked.at} 注销`,
      'certificateNo',
    );
  }
  const reason = command.reason.trim();
  if (!reason) return violation(422, 'reason_required', '注销证照必须说明理由', 'reason');
  buffer.push(staffActor('reviewer', command.reviewerId, command.by), {
    type: 'certificate_revoked',
    data: { certificateNo: certificate.certificateNo, department: issuer.code, reason, by: command.reviewerId },
  });
  return buffer.ok();
}

function deliver(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'deliver' }>, today: IsoDate): Decision {
  const state = buffer.current;
  if (!deliverableStatuses.includes(state.status)) {
    return violation(409, 'not_decided', '办件尚未准予许可，没有可送达的证照', 'caseNo');
  }
  if (state.delivery) return violation(409, 'already_delivered', '证照已送达', 'caseNo');
  if (certificatesToIssue(state).length > 0 || state.certificates.length === 0) {
    return violation(409, 'certificates_withheld', '证照尚未颁发（容缺材料未补齐）', 'caseNo');
  }
  if (command.method === 'post' && !command.trackingNumber?.trim()) {
    return violation(422, 'tracking_number_required', '邮寄送达必须填写运单号', 'trackingNumber');
  }
  buffer.push(staffActor('clerk', command.clerkId, command.by), {
    type: 'delivered',
    data: {
      method: command.method,
      ...(command.trackingNumber ? { trackingNumber: command.trackingNumber } : {}),
      on: today,
      by: command.clerkId,
    },
  });
  return buffer.ok();
}

/** 急办件: a supervisor marks a running case urgent, with a reason; every inbox then lists its tasks first. */
function markUrgent(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'mark_urgent' }>): Decision {
  const state = buffer.current;
  if (finalStatuses.includes(state.status)) {
    return violation(409, 'already_decided', `办件已办结（${state.status}），不能标记为急办件`, 'caseNo');
  }
  if (state.urgent) {
    return violation(409, 'already_urgent', `办件已于 ${state.urgent.at} 标记为急办件`, 'caseNo');
  }
  const reason = command.reason?.trim();
  if (!reason) return violation(422, 'reason_required', '标记急办件必须说明理由', 'reason');
  buffer.push(staffActor('supervisor', command.supervisorId, command.by), {
    type: 'marked_urgent',
    data: { reason, by: command.supervisorId },
  });
  return buffer.ok();
}

function timerFired(buffer: EventBuffer, timerId: string, nowMs: number, today: IsoDate): Decision {
  const state = buffer.current;
  const timer = pendingTimers(state).find((t) => t.id === timerId);
  // A stale timer (its deadline moved or the case moved on) changes nothing.
  if (!timer || nowMs < timer.dueAt) return buffer.ok();
  const [name, level, due] = timerId.split(':') as [DeadlineName, 'yellow' | 'red', IsoDate];
  buffer.push(SYSTEM, { type: 'deadline_warning', data: { deadline: name, level, due } });
  if (level === 'yellow') return buffer.ok();
  switch (name) {
    case 'acceptance':
      // 第32条: silence for 5 working days means accepted as of the day the (complete) materials were received.
      accept(buffer, SYSTEM, state.acceptanceClockFrom, today, true);
      break;
    case 'supplement': {
      const atAcceptance = state.supplementRounds.at(-1)?.stage !== 'review';
      const reason = '申请人未在规定期限内补正材料';
      if (atAcceptance) {
        const s = buffer.push(SYSTEM, { type: 'not_accepted', data: { reason } });
        buffer.push(SYSTEM, { type: 'notice_sent', data: notAcceptedNotice(s, buffer.noticeId(), buffer.at, reason) });
      } else {
        terminate(buffer, reason);
      }
      break;
    }
    case 'deficiencies':
      terminate(
        buffer,
        `容缺受理的材料（${state.deficiencies.map((m) => materialName(state, m)).join('、')}）未在期限内补齐`,
      );
      break;
    default:
      break; // review, statutory, delivery: the red warning itself is the record supervision acts on
  }
  return buffer.ok();
}

function terminate(buffer: EventBuffer, reason: string): void {
  cancelOpenTasks(buffer, '办件已终止');
  const s = buffer.push(SYSTEM, { type: 'terminated', data: { reason } });
  buffer.push(SYSTEM, { type: 'notice_sent', data: terminatedNotice(s, buffer.noticeId(), buffer.at, reason) });
}

/**
 * The certificate (电子证照) of one approved matter. Its number derives from the case number and the matter's place
 * in the case, so issuing it again (a retry) can only ever produce the same certificate.
 */
export function certificateFor(state: CaseState, matter: MatterSnapshot, nowMs: number, prefix = 'ZZ'): Certificate {
  const index = state.matters.findIndex((m) => m.code === matter.code);
  return {
    certificateNo: `${prefix}${state.caseNo.replace(/^SQ/, '')}-${String(index + 1).padStart(2, '0')}`,
    matter: matter.code,
    name: matter.result.name,
    holderName: state.applicant.name,
    holderIdNumber: state.applicant.idNumber,
    issuedOn: chinaDate(nowMs),
  };
}

/** Matters approved whose certificate has not been issued yet (withheld while 容缺 materials are outstanding). */
export function certificatesToIssue(state: CaseState): MatterSnapshot[] {
  // results delivered together (同步发证)
  if (!deliverableStatuses.includes(state.status) || state.deficiencies.length > 0) return [];
  const issued = new Set(state.certificates.map((c) => c.matter));
  return state.matters.filter((m) => state.outcomes[m.code] === 'approved' && !issued.has(m.code));
}
