/** Acceptance (受理): submission, the acceptance decision, the one-time notice (一次性告知) and supplied materials. */
import type { Actor, CaseState, ReviewTask } from '../caseModel.ts';
import type { Step } from '../caseDecisions.ts';
import { missingMaterials } from '../materials.ts';
import { acceptedNotice, notAcceptedNotice, supplementNotice, type MissingMaterial } from '../notices.ts';
import { addWorkingDays, isCalendarDate, workingDaysBetween, type IsoDate } from '../workingDays.ts';
import { SYSTEM, violation, type Decision, type EventBuffer } from './buffer.ts';
import { ACCEPTANCE_LIMIT_DAYS, reviewLimits, supplementLimitDays, taskLimitDays } from './limits.ts';
import { concludeIfDecided, withoutRuntime } from './review.ts';
import { materialFilesOf } from './materialFiles.ts';

/** Required materials not yet satisfied by a document, a commitment (告知承诺) or the certificate library. */
export function outstandingMaterials(state: CaseState, extra: string[] = []): MissingMaterial[] {
  return missingMaterials(state.matters, [
    ...state.materialsProvided,
    ...state.commitments,
    ...state.fromLibrary.map((l) => l.material),
    ...extra,
  ]);
}

export function materialName(state: CaseState, code: string): string {
  for (const m of state.matters) {
    const found = m.materials.find((x) => x.code === code);
    if (found) return found.name;
  }
  return code;
}

function commitmentAllowed(state: Pick<CaseState, 'matters'>, code: string): boolean {
  return state.matters.some((m) => m.materials.some((x) => x.code === code && x.commitmentAllowed));
}

export function submit(buffer: EventBuffer, command: Step<'submit'>, today: IsoDate): Decision {
  if (buffer.state) return buffer.ok(); // a retried submission: the case already exists
  const notAllowed = (command.commitments ?? []).find((code) => !commitmentAllowed(command, code));
  if (notAllowed) {
    return violation('commitment_not_allowed', `材料 ${notAllowed} 不适用告知承诺`, 'commitments');
  }
  const handedIn = materialFilesOf(command);
  if (!handedIn.ok) return handedIn;
  buffer.push(command.actor, {
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
      ...handedIn.fields,
      receivedBy: { clerkId: command.actor.id, window: command.window },
      receivedOn: today,
      acceptanceDue: addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS),
      ...(command.rules ? { rules: command.rules } : {}),
    },
  });
  return buffer.ok();
}

export function decideAcceptance(buffer: EventBuffer, command: Step<'decide_acceptance'>, today: IsoDate): Decision {
  const state = buffer.current;
  const clerk: Actor = command.actor;
  if (state.status !== 'received') {
    return violation('acceptance_already_decided', `办件当前状态为 ${state.status}，不能再作受理决定`, 'decision');
  }
  const missing = outstandingMaterials(state);
  switch (command.decision) {
    case 'reject': {
      if (!command.reason?.trim()) return violation('reason_required', '不予受理必须书面说明理由', 'reason');
      const s = buffer.push(clerk, { type: 'not_accepted', data: { reason: command.reason } });
      buffer.push(clerk, {
        type: 'notice_sent',
        data: notAcceptedNotice(s, buffer.noticeId(), buffer.at, command.reason),
      });
      return buffer.ok();
    }
    case 'supplement': {
      if (missing.length === 0) {
        return violation('nothing_missing', '申请材料已齐全，无需补正，请作出受理决定', 'decision');
      }
      // 一次性告知: what a previous notice already asked for cannot be asked for again as if new; and everything
      // missing goes into this one notice.
      sendSupplementNotice(buffer, clerk, missing, today, 'acceptance');
      return buffer.ok();
    }
    case 'accept_with_deficiencies': {
      const deficiencies = [...new Set(command.deficiencies ?? [])];
      if (deficiencies.length === 0) {
        return violation('deficiencies_required', '容缺受理必须列明容缺的材料', 'deficiencies');
      }
      const missingCodes = new Set(missing.map((m) => m.code));
      const notMissing = deficiencies.find((code) => !missingCodes.has(code));
      if (notMissing) {
        return violation('not_deficient', `材料 ${notMissing} 并未缺少，不能列为容缺材料`, 'deficiencies');
      }
      const stillMissing = missing.filter((m) => !deficiencies.includes(m.code));
      if (stillMissing.length > 0) {
        return violation(
          'materials_missing',
          `除容缺材料外仍缺少：${stillMissing.map((m) => m.name).join('、')}`,
          'deficiencies',
        );
      }
      // A date that does not exist would make every later deadline computation throw: the case could never move.
      if (command.deficienciesDue !== undefined && !isCalendarDate(command.deficienciesDue)) {
        return violation('invalid_date', `容缺补齐期限 ${command.deficienciesDue} 不是有效日期`, 'deficienciesDue');
      }
      const due = command.deficienciesDue ?? addWorkingDays(today, supplementLimitDays(state.matters));
      if (due <= today) return violation('due_in_past', '容缺补齐期限必须晚于今天', 'deficienciesDue');
      accept(buffer, clerk, today, today, false, { deficiencies, due });
      return buffer.ok();
    }
    case 'accept':
      if (missing.length > 0) {
        return violation(
          'materials_missing',
          `申请材料不齐全，不能受理，缺少：${missing.map((m) => m.name).join('、')}`,
          'decision',
        );
      }
      accept(buffer, clerk, today, today, false);
      return buffer.ok();
  }
}

export function sendSupplementNotice(
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

export function accept(
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

export function supplyMaterials(buffer: EventBuffer, command: Step<'supply_materials'>, today: IsoDate): Decision {
  const state = buffer.current;
  const awaiting = state.status === 'awaiting_supplement';
  const deficient =
    state.deficiencies.length > 0 && !['not_accepted', 'refused', 'withdrawn', 'terminated'].includes(state.status);
  if (!awaiting && !deficient) {
    return violation('no_supplement_requested', '当前没有待补正的材料', 'materials');
  }
  const known = new Set(state.matters.flatMap((m) => m.materials.map((x) => x.code)));
  const unknown = command.materials.filter((code) => !known.has(code));
  if (unknown.length > 0) {
    return violation('unknown_material', `本办件不需要以下材料：${unknown.join('、')}`, 'materials');
  }
  const notAllowed = (command.commitments ?? []).find((code) => !commitmentAllowed(state, code));
  if (notAllowed) return violation('commitment_not_allowed', `材料 ${notAllowed} 不适用告知承诺`, 'commitments');
  const handedIn = materialFilesOf(command);
  if (!handedIn.ok) return handedIn;
  const round = state.supplementRounds.at(-1);
  const reviewStage = awaiting && round?.stage === 'review';
  const after = [...command.materials, ...(command.commitments ?? [])];
  const completeForAcceptance = awaiting && !reviewStage && outstandingMaterials(state, after).length === 0;
  const applicant: Actor = command.actor;
  buffer.push(applicant, {
    type: 'materials_supplied',
    data: {
      materials: [...new Set(command.materials)],
      ...(command.commitments?.length ? { commitments: [...new Set(command.commitments)] } : {}),
      channel: command.channel ?? 'window',
      ...handedIn.fields,
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

export function resumeClock(buffer: EventBuffer, actor: Actor, reason: string, since: IsoDate, today: IsoDate): void {
  const others = buffer.current.clock.pauseReasons.filter((r, i, all) => !(r === reason && all.indexOf(r) === i));
  // Paused working days are counted once, when the last reason to pause ends.
  const days = others.length === 0 ? workingDaysBetween(since, today) : 0;
  buffer.push(actor, { type: 'clock_resumed', data: { reason, on: today, pausedWorkingDays: days } });
}
