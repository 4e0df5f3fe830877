/** Review (审查): the departments' opinions, the consolidated supplement notice, the outcomes, and withdrawal (撤回). */
import type { Actor, CaseState, MatterResult, ReviewTask } from '../caseModel.ts';
import { finalStatuses } from '../caseModel.ts';
import type { Step } from '../caseDecisions.ts';
import {
  approvedNotice,
  partiallyApprovedNotice,
  refusedNotice,
  withdrawnNotice,
  type MissingMaterial,
} from '../notices.ts';
import { addWorkingDays, type IsoDate } from '../workingDays.ts';
import { materialName, sendSupplementNotice } from './acceptance.ts';
import { SYSTEM, violation, type Decision, type EventBuffer } from './buffer.ts';
import { DELIVERY_LIMIT_DAYS, secondStageDue } from './limits.ts';

export function withoutRuntime(task: ReviewTask): Omit<ReviewTask, 'status' | 'history'> {
  const { status: _s, history: _h, supplementRequest: _r, ...rest } = task;
  return rest;
}

export function findTask(state: CaseState, taskId: string, department?: string): ReviewTask | Decision {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) return violation('task_not_found', `审查任务 ${taskId} 不存在`, 'taskId');
  if (department && department !== task.department) {
    return violation(
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
    return violation(code, `审查任务${what}，不能再提交意见`, 'taskId');
  }
  return task;
}

export function giveOpinion(buffer: EventBuffer, command: Step<'give_opinion'>, today: IsoDate): Decision {
  const state = buffer.current;
  const found = findTask(state, command.taskId, command.department);
  if ('ok' in found) return found;
  const task = found;
  if (state.clock.paused && state.clock.pauseReasons.some((r) => r.startsWith('special_procedure'))) {
    const open = state.specialProcedures.find((p) => !p.endedOn && p.taskId === task.id);
    if (open) return violation('special_procedure_running', '特别程序尚未结束，不能作出审查意见', 'taskId');
  }
  const reviewer: Actor = command.actor;
  if (command.decision === 'supplement') {
    const materials = [...new Set(command.materials ?? [])];
    if (materials.length === 0) return violation('materials_required', '要求补正必须列明材料', 'materials');
    if (!command.reason?.trim()) return violation('reason_required', '要求补正必须说明理由', 'reason');
    const known = new Set(state.matters.flatMap((m) => m.materials.map((x) => x.code)));
    const unknown = materials.find((m) => !known.has(m));
    if (unknown) return violation('unknown_material', `本办件不涉及材料 ${unknown}`, 'materials');
    const held = state.fromLibrary.find((l) => materials.includes(l.material));
    if (held) {
      return violation(
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
          'one_time_notice_violated',
          `${materialName(state, fresh)} 本可在首次一次性告知中提出，不能再次要求补正`,
          'materials',
        );
      }
    }
    buffer.push(reviewer, {
      type: 'department_supplement_requested',
      data: { taskId: task.id, materials, reason: command.reason, reviewerId: command.actor.id },
    });
    consolidateSupplements(buffer, today);
    return buffer.ok();
  }
  if (command.decision === 'refuse' && !command.reason?.trim()) {
    return violation('reason_required', '不予许可必须说明理由', 'reason');
  }
  buffer.push(reviewer, {
    type: 'opinion_given',
    data: {
      taskId: task.id,
      decision: command.decision,
      ...(command.reason ? { reason: command.reason } : {}),
      reviewerId: command.actor.id,
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

/** Rules 2: each matter of a case gets its own outcome; a refusal refuses only its matter. */
function perMatterOutcomes(state: Pick<CaseState, 'rulesVersion'>): boolean {
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
export function concludeIfDecided(buffer: EventBuffer, actor: Actor, today: IsoDate): void {
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

export function cancelOpenTasks(buffer: EventBuffer, reason: string, matter?: string): void {
  for (const task of buffer.current.tasks.filter(
    (t) => ['open', 'waiting', 'supplement_requested'].includes(t.status) && (!matter || t.matter === matter),
  )) {
    buffer.push(SYSTEM, { type: 'task_cancelled', data: { taskId: task.id, reason } });
  }
}

export function withdraw(buffer: EventBuffer, command: Step<'withdraw'>): Decision {
  const state = buffer.current;
  if (finalStatuses.includes(state.status)) {
    return violation('already_decided', `办件已办结（${state.status}），不能撤回`, 'caseNo');
  }
  const applicant: Actor = command.actor;
  const reason = command.reason?.trim() || '申请人主动撤回申请';
  cancelOpenTasks(buffer, '申请人已撤回申请');
  const s = buffer.push(applicant, { type: 'withdrawn', data: { reason } });
  buffer.push(SYSTEM, { type: 'notice_sent', data: withdrawnNotice(s, buffer.noticeId(), buffer.at, reason) });
  return buffer.ok();
}
