/**
 * 好差评: once a case is finished the applicant rates it once. 不满意 or worse opens a follow-up (整改) owned by the
 * department concerned, due in 15 working days (国务院办公厅关于建立政务服务“好差评”制度的意见: 差评 are verified and
 * rectified within 15 working days; configurable). Staff may appeal a rating (申诉); a supervisor upholds or voids it,
 * and a voided rating leaves the figures. Pure: the deciding half of these commands, called from `decide`.
 */
import type { Actor, CaseEvent, CaseState } from './caseModel.ts';
import { evolve, finalStatuses } from './caseModel.ts';
import { addWorkingDays, type IsoDate } from './workingDays.ts';

export const RATING_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export { ratingLevelNames } from './labels.ts';

/** 差评: the levels that open a follow-up. */
const NEGATIVE_LEVELS: readonly RatingLevel[] = ['dissatisfied', 'very_dissatisfied'];
export const FOLLOW_UP_DAYS = 15;

type RatingChannel = 'window' | 'online' | 'app' | 'sms' | 'phone';

export interface Rating {
  level: RatingLevel;
  comment?: string;
  channel: RatingChannel;
  at: string;
  /** `voided` ratings count nowhere (a supervisor found the appeal justified). */
  status: 'valid' | 'appealed' | 'voided';
  appeal?: {
    department: string;
    reason: string;
    by: string;
    at: string;
    decision?: 'uphold' | 'void';
    decisionReason?: string;
    decidedBy?: string;
    decidedAt?: string;
  };
}

export interface FollowUp {
  id: string;
  department: string;
  departmentName: string;
  openedOn: IsoDate;
  due: IsoDate;
  status: 'open' | 'replied' | 'cancelled';
  reply?: { text: string; by: string; on: IsoDate };
}

export type RatingEvent =
  | { type: 'rated'; data: { level: RatingLevel; comment?: string; channel: RatingChannel } }
  | { type: 'follow_up_opened'; data: Omit<FollowUp, 'status' | 'reply'> }
  | { type: 'follow_up_replied'; data: { id: string; text: string; by: string; on: IsoDate } }
  | { type: 'rating_appealed'; data: { department: string; reason: string; by: string } }
  | {
      type: 'rating_appeal_decided';
      data: { decision: 'uphold' | 'void'; reason: string; by: string };
    };

/** What the rating commands say (who gave them is the command's actor). */
export interface RatingCommandData {
  rate: {
    queryCode: string;
    level: RatingLevel;
    comment?: string;
    channel?: RatingChannel;
    /** Working days a follow-up gets (configuration, stamped by the API so the history keeps it). */
    followUpDays?: number;
  };
  reply_follow_up: { department: string; text: string };
  appeal_rating: { department: string; reason: string };
  decide_rating_appeal: { decision: 'uphold' | 'void'; reason: string };
}

/** A rating command as its decider reads it: its type, data and actor. */
export type RatingStep = {
  [T in keyof RatingCommandData]: { type: T } & RatingCommandData[T] & { actor: Actor };
}[keyof RatingCommandData];

interface Violation {
  code: string;
  message: string;
  field?: string;
}
type Result = { ok: true; events: CaseEvent[] } | { ok: false; violation: Violation };

const refuse = (code: string, message: string, field?: string): Result => ({
  ok: false,
  violation: { code, message, ...(field ? { field } : {}) },
});

/** Fold the rating events into the case (called by `evolve`). */
export function evolveRating(s: CaseState, event: CaseEvent): void {
  switch (event.type) {
    case 'rated':
      s.rating = { ...event.data, at: event.at, status: 'valid' };
      break;
    case 'follow_up_opened':
      s.followUp = { ...event.data, status: 'open' };
      break;
    case 'follow_up_replied':
      if (s.followUp) {
        const { text, by, on } = event.data;
        s.followUp = { ...s.followUp, status: 'replied', reply: { text, by, on } };
      }
      break;
    case 'rating_appealed':
      if (s.rating) s.rating = { ...s.rating, status: 'appealed', appeal: { ...event.data, at: event.at } };
      break;
    case 'rating_appeal_decided':
      if (s.rating?.appeal) {
        const { decision, reason, by } = event.data;
        s.rating = {
          ...s.rating,
          status: decision === 'void' ? 'voided' : 'valid',
          appeal: { ...s.rating.appeal, decision, decisionReason: reason, decidedBy: by, decidedAt: event.at },
        };
        if (decision === 'void' && s.followUp?.status === 'open') s.followUp = { ...s.followUp, status: 'cancelled' };
      }
      break;
    default:
      break;
  }
}

/**
 * The department a rating concerns: the one whose refusal decided the case, otherwise the lead department of the
 * first matter (for a case not accepted or withdrawn at the window, the department that would have decided it).
 */
export function departmentConcerned(state: CaseState): { code: string; name: string } {
  const refusing = state.tasks.find((t) => t.status === 'refused');
  if (refusing) return { code: refusing.department, name: refusing.departmentName };
  const lead = state.matters[0]?.departments.find((d) => d.lead) ?? state.matters[0]?.departments[0];
  return { code: lead?.code ?? '', name: lead?.name ?? '' };
}

export function decideRating(state: CaseState, command: RatingStep, at: string, today: IsoDate): Result {
  const events: CaseEvent[] = [];
  let current = state;
  const push = (actor: Actor, event: RatingEvent) => {
    const full = { ...event, at, actor } as CaseEvent;
    events.push(full);
    current = evolve(current, full);
  };
  switch (command.type) {
    case 'rate': {
      // A wrong query code answers exactly like an unknown case: the number alone reveals nothing.
      if (command.queryCode !== state.queryCode) return refuse('case_not_found', '办件不存在', 'caseNo');
      if (!finalStatuses.includes(state.status)) {
        return refuse('case_not_finished', '办件尚未办结，办结后才能评价', 'caseNo');
      }
      if (state.rating) return refuse('already_rated', '本办件已评价，每件只能评价一次', 'level');
      const comment = command.comment?.trim();
      push(
        { kind: 'applicant', id: state.applicant.idNumber },
        {
          type: 'rated',
          data: { level: command.level, ...(comment ? { comment } : {}), channel: command.channel ?? 'online' },
        },
      );
      if (NEGATIVE_LEVELS.includes(command.level)) {
        const concerned = departmentConcerned(state);
        push(
          { kind: 'system', id: 'system' },
          {
            type: 'follow_up_opened',
            data: {
              id: `${state.caseNo}-F1`,
              department: concerned.code,
              departmentName: concerned.name,
              openedOn: today,
              due: addWorkingDays(today, command.followUpDays ?? FOLLOW_UP_DAYS),
            },
          },
        );
      }
      return { ok: true, events };
    }
    case 'reply_follow_up': {
      const followUp = state.followUp;
      if (!followUp) return refuse('follow_up_not_found', '本办件没有整改事项', 'caseNo');
      if (followUp.department !== command.department) {
        return refuse('not_follow_up_department', `整改由${followUp.departmentName}负责`, 'department');
      }
      if (followUp.status !== 'open') return refuse('follow_up_closed', '该整改已答复或已撤销', 'caseNo');
      push(command.actor, {
        type: 'follow_up_replied',
        data: { id: followUp.id, text: command.text.trim(), by: command.actor.id, on: today },
      });
      return { ok: true, events };
    }
    case 'appeal_rating': {
      if (!state.rating) return refuse('rating_not_found', '本办件尚未评价', 'caseNo');
      const departments = new Set([
        ...state.tasks.map((t) => t.department),
        ...state.matters.flatMap((m) => m.departments.map((d) => d.code)),
      ]);
      if (!departments.has(command.department)) {
        return refuse('department_not_on_case', `部门 ${command.department} 不承办本办件`, 'department');
      }
      if (state.rating.appeal) return refuse('already_appealed', '该评价已申诉过，不能重复申诉', 'caseNo');
      push(command.actor, {
        type: 'rating_appealed',
        data: { department: command.department, reason: command.reason.trim(), by: command.actor.id },
      });
      return { ok: true, events };
    }
    case 'decide_rating_appeal': {
      const appeal = state.rating?.appeal;
      if (!appeal) return refuse('appeal_not_found', '该评价没有申诉', 'caseNo');
      if (appeal.decision) return refuse('appeal_already_decided', '该申诉已处理', 'decision');
      push(command.actor, {
        type: 'rating_appeal_decided',
        data: { decision: command.decision, reason: command.reason.trim(), by: command.actor.id },
      });
      return { ok: true, events };
    }
  }
}
