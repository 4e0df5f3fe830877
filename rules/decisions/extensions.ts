/** The running clock (期限的延长与中止): extensions (延期), special procedures (特别程序) and urgent cases (急办件). */
import type { Actor } from '../caseModel.ts';
import { finalStatuses } from '../caseModel.ts';
import type { Step } from '../caseDecisions.ts';
import { extensionNotice, specialProcedureNotice } from '../notices.ts';
import type { IsoDate } from '../workingDays.ts';
import { resumeClock } from './acceptance.ts';
import { SYSTEM, violation, type Decision, type EventBuffer } from './buffer.ts';
import { extensionDaysFor } from './limits.ts';
import { findTask } from './review.ts';

export function requestExtension(buffer: EventBuffer, command: Step<'request_extension'>): Decision {
  const state = buffer.current;
  if (state.status !== 'in_review' && state.status !== 'awaiting_supplement') {
    return violation('not_in_review', '只有审查中的办件可以申请延期', 'caseNo');
  }
  if (!state.tasks.some((t) => t.department === command.department)) {
    return violation('department_not_on_case', `部门 ${command.department} 不承办本办件`, 'department');
  }
  if (state.extensions.some((x) => x.status === 'approved')) {
    return violation('extension_already_granted', '本办件已延期一次，法定期限只能延长一次', 'caseNo');
  }
  if (state.extensions.some((x) => x.status === 'requested')) {
    return violation('extension_pending', '已有延期申请等待部门负责人审批', 'caseNo');
  }
  const days = extensionDaysFor(state.limits);
  buffer.push(command.actor, {
    type: 'extension_requested',
    data: {
      id: `${state.caseNo}-X${state.extensions.length + 1}`,
      department: command.department,
      reason: command.reason,
      requestedBy: command.actor.id,
      days,
    },
  });
  return buffer.ok();
}

export function decideExtension(buffer: EventBuffer, command: Step<'decide_extension'>): Decision {
  const state = buffer.current;
  const extension = state.extensions.find((x) => x.id === command.extensionId);
  if (!extension) return violation('extension_not_found', `延期申请 ${command.extensionId} 不存在`, 'id');
  if (command.department !== undefined && command.department !== extension.department) {
    return violation('not_your_department', `该延期申请由 ${extension.department} 提出，只能由该部门负责人审批`, 'id');
  }
  if (extension.status !== 'requested') {
    return violation('extension_already_decided', '该延期申请已审批', 'id');
  }
  if (finalStatuses.includes(state.status)) return violation('already_decided', '办件已办结', 'caseNo');
  const head: Actor = command.actor;
  const s = buffer.push(head, {
    type: 'extension_decided',
    data: { id: extension.id, decision: command.decision, headId: command.actor.id, days: extension.days },
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

export function startSpecialProcedure(
  buffer: EventBuffer,
  command: Step<'start_special_procedure'>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const found = findTask(state, command.taskId);
  if ('ok' in found) return found;
  if (!Number.isInteger(command.expectedWorkingDays) || command.expectedWorkingDays < 1) {
    return violation('invalid_field', '预计工作日数必须是正整数', 'expectedWorkingDays');
  }
  if (state.specialProcedures.some((p) => p.taskId === found.id && !p.endedOn)) {
    return violation('special_procedure_running', '该任务已有进行中的特别程序', 'taskId');
  }
  const id = `${state.caseNo}-P${state.specialProcedures.length + 1}`;
  const reviewer: Actor = command.actor;
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

export function endSpecialProcedure(
  buffer: EventBuffer,
  command: Step<'end_special_procedure'>,
  today: IsoDate,
): Decision {
  const state = buffer.current;
  const procedure = state.specialProcedures.find((p) => p.id === command.procedureId && p.taskId === command.taskId);
  if (!procedure) return violation('special_procedure_not_found', `特别程序 ${command.procedureId} 不存在`, 'id');
  if (procedure.endedOn) return violation('special_procedure_ended', '该特别程序已结束', 'id');
  if (finalStatuses.includes(state.status)) return violation('already_decided', '办件已办结', 'caseNo');
  const reviewer: Actor = command.actor;
  const since = state.clock.pausedSince ?? procedure.startedOn;
  buffer.push(reviewer, { type: 'special_procedure_ended', data: { id: procedure.id, endedOn: today } });
  resumeClock(buffer, reviewer, `special_procedure:${procedure.id}`, since, today);
  return buffer.ok();
}

/** 急办件: a supervisor marks a running case urgent, with a reason; every inbox then lists its tasks first. */
export function markUrgent(buffer: EventBuffer, command: Step<'mark_urgent'>): Decision {
  const state = buffer.current;
  if (finalStatuses.includes(state.status)) {
    return violation('already_decided', `办件已办结（${state.status}），不能标记为急办件`, 'caseNo');
  }
  if (state.urgent) {
    return violation('already_urgent', `办件已于 ${state.urgent.at} 标记为急办件`, 'caseNo');
  }
  const reason = command.reason?.trim();
  if (!reason) return violation('reason_required', '标记急办件必须说明理由', 'reason');
  buffer.push(command.actor, {
    type: 'marked_urgent',
    data: { reason, by: command.actor.id },
  });
  return buffer.ok();
}
