/** Deadline timers (期限预警): the timers a case waits on, and what a fired one decides. */
import type { CaseState, DeadlineName } from '../caseModel.ts';
import { deliverableStatuses, finalStatuses } from '../caseModel.ts';
import { notAcceptedNotice, terminatedNotice } from '../notices.ts';
import { endOfChinaDay, subtractWorkingDays, type IsoDate } from '../workingDays.ts';
import { accept, materialName } from './acceptance.ts';
import { SYSTEM, type Decision, type EventBuffer } from './buffer.ts';
import { warningDays } from './limits.ts';
import { cancelOpenTasks } from './review.ts';

// Timers: every deadline the case waits on, with an id that includes its due date (a moved deadline is a new id).

export interface PendingTimer {
  id: string;
  dueAt: number;
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

export function timerFired(buffer: EventBuffer, timerId: string, nowMs: number, today: IsoDate): Decision {
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
