/**
 * What happens next on a case: given its state, one input and the time, the events to record (or the rule that
 * forbids the input). Pure and deterministic; the workflow only calls it, records and schedules.
 */
import type { Actor, Applicant, CaseEvent, CaseState, Certificate, ReviewTask } from './caseModel.ts';
import { evolve } from './caseModel.ts';
import type { MatterSnapshot } from './catalogue.ts';
import { acceptedNotice, approvedNotice, notAcceptedNotice, refusedNotice, supplementNotice } from './notices.ts';
import { missingMaterials } from './materials.ts';
import { addWorkingDays, chinaDate, endOfChinaDay, type IsoDate } from './workingDays.ts';

/** 行政许可法 第32条: decide on acceptance (or send the one-time notice) within 5 working days. */
export const ACCEPTANCE_LIMIT_DAYS = 5;

export type CaseCommand =
  | {
      type: 'submit';
      caseNo: string;
      queryCode: string;
      applicant: Applicant;
      theme?: { code: string; name: string };
      matters: MatterSnapshot[];
      materials: string[];
      form: Record<string, unknown>;
      receivedBy: { clerkId: string; window: string };
    }
  | { type: 'decide_acceptance'; decision: 'accept' | 'reject' | 'supplement'; reason?: string; clerkId: string }
  | { type: 'supply_materials'; materials: string[]; actorId?: string }
  | {
      type: 'give_opinion';
      taskId: string;
      decision: 'approve' | 'refuse';
      reason?: string;
      reviewerId: string;
      department?: string;
    }
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

/** A deadline the case is waiting on; when it passes the case is sent `timer_fired` with this id. */
export interface PendingTimer {
  id: string;
  dueAt: number;
}

export function pendingTimers(state: CaseState | undefined): PendingTimer[] {
  if (!state) return [];
  const timers: PendingTimer[] = [];
  if (state.status === 'received' && state.deadlines.acceptanceDue) {
    const due = state.deadlines.acceptanceDue;
    timers.push({ id: `acceptance:${due}`, dueAt: endOfChinaDay(due) });
  }
  if (state.status === 'awaiting_supplement' && state.deadlines.supplementDue) {
    const due = state.deadlines.supplementDue;
    timers.push({ id: `supplement:${due}`, dueAt: endOfChinaDay(due) });
  }
  return timers;
}

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
}

const SYSTEM: Actor = { kind: 'system', id: 'system' };

export function decide(state: CaseState | undefined, command: CaseCommand, nowMs: number): Decision {
  const buffer = new EventBuffer(state, new Date(nowMs).toISOString());
  const today = chinaDate(nowMs);
  if (command.type === 'submit') {
    if (state) return { ok: true, events: [] }; // a retried submission: the case already exists
    buffer.push(
      { kind: 'clerk', id: command.receivedBy.clerkId },
      {
        type: 'received',
        data: {
          caseNo: command.caseNo,
          queryCode: command.queryCode,
          applicant: command.applicant,
          ...(command.theme ? { theme: command.theme } : {}),
          matters: command.matters,
          form: command.form,
          materials: [...new Set(command.materials)],
          receivedBy: command.receivedBy,
          receivedOn: today,
          acceptanceDue: addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS),
        },
      },
    );
    return { ok: true, events: buffer.events };
  }
  if (!state) return violation(404, 'case_not_found', '办件不存在', 'caseNo');

  switch (command.type) {
    case 'decide_acceptance':
      return decideAcceptance(buffer, command, today);
    case 'supply_materials':
      return supplyMaterials(buffer, command, today);
    case 'give_opinion':
      return giveOpinion(buffer, command);
    case 'timer_fired':
      return timerFired(buffer, command.timerId, nowMs);
  }
}

function decideAcceptance(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'decide_acceptance' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const clerk: Actor = { kind: 'clerk', id: command.clerkId };
  if (state.status !== 'received') {
    return violation(409, 'acceptance_already_decided', `办件当前状态为 ${state.status}，不能再作受理决定`, 'decision');
  }
  const missing = missingMaterials(state.matters, state.materialsProvided);
  if (command.decision === 'reject') {
    if (!command.reason?.trim()) return violation(422, 'reason_required', '不予受理必须书面说明理由', 'reason');
    buffer.push(clerk, { type: 'not_accepted', data: { reason: command.reason } });
    buffer.push(clerk, {
      type: 'notice_sent',
      data: notAcceptedNotice(state, buffer.noticeId(), buffer.at, command.reason),
    });
    return { ok: true, events: buffer.events };
  }
  if (command.decision === 'supplement') {
    if (missing.length === 0) {
      return violation(409, 'nothing_missing', '申请材料已齐全，无需补正，请作出受理决定', 'decision');
    }
    sendSupplementNotice(buffer, clerk, missing, today);
    return { ok: true, events: buffer.events };
  }
  if (missing.length > 0) {
    return violation(
      409,
      'materials_missing',
      `申请材料不齐全，不能受理，缺少：${missing.map((m) => m.name).join('、')}`,
      'decision',
    );
  }
  accept(buffer, clerk, today, false);
  return { ok: true, events: buffer.events };
}

function sendSupplementNotice(
  buffer: EventBuffer,
  actor: Actor,
  missing: ReturnType<typeof missingMaterials>,
  today: IsoDate,
): void {
  const state = buffer.current;
  const limit = Math.max(...state.matters.map((m) => m.supplementLimitDays));
  const due = addWorkingDays(today, limit);
  const notice = supplementNotice(state, buffer.noticeId(), buffer.at, missing, due);
  buffer.push(actor, { type: 'notice_sent', data: notice });
  buffer.push(actor, {
    type: 'supplement_requested',
    data: { noticeId: notice.id, materials: missing.map((m) => m.code), due },
  });
}

function accept(buffer: EventBuffer, actor: Actor, acceptedOn: IsoDate, deemed: boolean): void {
  const state = buffer.current;
  const latest = (limit: (m: MatterSnapshot) => number) =>
    state.matters
      .map((m) => addWorkingDays(acceptedOn, limit(m)))
      .sort()
      .at(-1) ?? acceptedOn;
  const statutoryDue = latest((m) => m.statutoryLimitDays);
  const promisedDue = latest((m) => m.promisedLimitDays);
  buffer.push(actor, { type: 'accepted', data: { acceptedOn, deemed, statutoryDue, promisedDue } });
  buffer.push(actor, {
    type: 'notice_sent',
    data: acceptedNotice(state, buffer.noticeId(), buffer.at, acceptedOn, promisedDue, deemed),
  });
  for (const matter of state.matters) {
    if (matter.kind === 'immediate') {
      // 即办件: the window decides on the spot; no department task.
      buffer.push(actor, { type: 'matter_decided', data: { matter: matter.code, outcome: 'approved' } });
      continue;
    }
    for (const department of matter.departments) {
      const task: Omit<ReviewTask, 'status'> = {
        id: `${state.caseNo}-${matter.code}-${department.code}`,
        matter: matter.code,
        department: department.code,
        departmentName: department.name,
        lead: department.lead,
        openedOn: acceptedOn,
        due: addWorkingDays(acceptedOn, matter.promisedLimitDays),
      };
      buffer.push(SYSTEM, { type: 'task_opened', data: task });
    }
  }
  concludeIfDecided(buffer, actor);
}

function supplyMaterials(
  buffer: EventBuffer,
  command: Extract<CaseCommand, { type: 'supply_materials' }>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  if (state.status !== 'awaiting_supplement') {
    return violation(409, 'no_supplement_requested', '当前没有待补正的材料', 'materials');
  }
  const known = new Set(state.matters.flatMap((m) => m.materials.map((x) => x.code)));
  const unknown = command.materials.filter((code) => !known.has(code));
  if (unknown.length > 0) {
    return violation(422, 'unknown_material', `本办件不需要以下材料：${unknown.join('、')}`, 'materials');
  }
  const provided = [...new Set([...state.materialsProvided, ...command.materials])];
  const complete = missingMaterials(state.matters, provided).length === 0;
  buffer.push(
    { kind: 'applicant', id: command.actorId ?? state.applicant.idNumber },
    {
      type: 'materials_supplied',
      data: {
        materials: [...new Set(command.materials)],
        receivedOn: today,
        // complete: the clerk has a fresh 5 working days to decide (第32条)
        ...(complete ? { acceptanceDue: addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS) } : {}),
      },
    },
  );
  return { ok: true, events: buffer.events };
}

function giveOpinion(buffer: EventBuffer, command: Extract<CaseCommand, { type: 'give_opinion' }>): Decision {
  const state = buffer.current;
  const task = state.tasks.find((t) => t.id === command.taskId);
  if (!task) return violation(404, 'task_not_found', `审查任务 ${command.taskId} 不存在`, 'taskId');
  if (command.department && command.department !== task.department) {
    return violation(
      403,
      'department_not_on_task',
      `部门 ${command.department} 不是该审查任务的承办部门（${task.departmentName}）`,
      'department',
    );
  }
  if (task.status !== 'open') {
    const code = task.status === 'cancelled' ? 'task_cancelled' : 'task_already_decided';
    const what = task.status === 'cancelled' ? '已取消' : '已作出审查意见';
    return violation(409, code, `审查任务${what}，不能再提交意见`, 'taskId');
  }
  if (command.decision === 'refuse' && !command.reason?.trim()) {
    return violation(422, 'reason_required', '不予许可必须说明理由', 'reason');
  }
  const reviewer: Actor = { kind: 'reviewer', id: command.reviewerId };
  buffer.push(reviewer, {
    type: 'opinion_given',
    data: {
      taskId: task.id,
      decision: command.decision,
      ...(command.reason ? { reason: command.reason } : {}),
      reviewerId: command.reviewerId,
    },
  });
  concludeIfDecided(buffer, reviewer);
  return { ok: true, events: buffer.events };
}

/** Decide matters whose tasks are all answered, then the case once every matter is decided. */
function concludeIfDecided(buffer: EventBuffer, actor: Actor): void {
  let state = buffer.current;
  const refusals = state.tasks.filter((t) => t.status === 'refused');
  if (refusals.length > 0) {
    const reasons = refusals.map((t) => `${t.departmentName}：${t.reason ?? ''}`);
    for (const matter of new Set(refusals.map((t) => t.matter))) {
      if (state.outcomes[matter] === 'pending') {
        state = buffer.push(actor, { type: 'matter_decided', data: { matter, outcome: 'refused' } });
      }
    }
    for (const open of state.tasks.filter((t) => t.status === 'open')) {
      buffer.push(SYSTEM, { type: 'task_cancelled', data: { taskId: open.id, reason: '办件已不予许可' } });
    }
    buffer.push(actor, { type: 'case_refused', data: { reasons } });
    buffer.push(SYSTEM, { type: 'notice_sent', data: refusedNotice(state, buffer.noticeId(), buffer.at, reasons) });
    return;
  }
  for (const matter of state.matters) {
    const tasks = state.tasks.filter((t) => t.matter === matter.code);
    if (state.outcomes[matter.code] === 'pending' && tasks.length > 0 && tasks.every((t) => t.status === 'approved')) {
      state = buffer.push(actor, { type: 'matter_decided', data: { matter: matter.code, outcome: 'approved' } });
    }
  }
  if (Object.values(state.outcomes).every((o) => o === 'approved')) {
    buffer.push(actor, { type: 'case_approved', data: {} });
    buffer.push(SYSTEM, { type: 'notice_sent', data: approvedNotice(state, buffer.noticeId(), buffer.at) });
  }
}

function timerFired(buffer: EventBuffer, timerId: string, nowMs: number): Decision {
  const state = buffer.current;
  const timer = pendingTimers(state).find((t) => t.id === timerId);
  // A stale timer (its deadline moved or the case moved on) changes nothing.
  if (!timer || nowMs < timer.dueAt) return { ok: true, events: [] };
  if (timerId.startsWith('acceptance:')) {
    // 第32条: silence for 5 working days means accepted as of the day the (complete) materials were received.
    accept(buffer, SYSTEM, state.acceptanceClockFrom, true);
  } else if (timerId.startsWith('supplement:')) {
    const reason = '申请人未在规定期限内补正材料';
    buffer.push(SYSTEM, { type: 'not_accepted', data: { reason } });
    buffer.push(SYSTEM, { type: 'notice_sent', data: notAcceptedNotice(state, buffer.noticeId(), buffer.at, reason) });
  }
  return { ok: true, events: buffer.events };
}

/**
 * The certificate (电子证照) of one approved matter. Its number derives from the case number and the matter's place
 * in the case, so issuing it again (a retry) can only ever produce the same certificate.
 */
export function certificateFor(state: CaseState, matter: MatterSnapshot, nowMs: number): Certificate {
  const index = state.matters.findIndex((m) => m.code === matter.code);
  return {
    certificateNo: `ZZ${state.caseNo.replace(/^SQ/, '')}-${String(index + 1).padStart(2, '0')}`,
    matter: matter.code,
    name: matter.result.name,
    holderName: state.applicant.name,
    holderIdNumber: state.applicant.idNumber,
    issuedOn: chinaDate(nowMs),
  };
}

/** Matters approved whose certificate has not been issued yet. */
export function certificatesToIssue(state: CaseState): MatterSnapshot[] {
  if (state.status !== 'approved') return []; // results are delivered together (同步发证)
  const issued = new Set(state.certificates.map((c) => c.matter));
  return state.matters.filter((m) => state.outcomes[m.code] === 'approved' && !issued.has(m.code));
}
