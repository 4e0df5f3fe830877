/**
 * The auditor's re-derivation (审计复核): fold a case's recorded events through the rules and compute again, from
 * the calendar, every date, pause and extension the events recorded; compare the folded end state with the read
 * model. Each disagreement is reported with what was recorded and what the rules give.
 *
 * It uses the decider's own definitions (rules/caseDecisions.ts: limits, 第42条 days, pending timers) and the same
 * fold (rules/caseModel.ts `evolve`), so an untouched case reports nothing. Dates an event records are checked
 * against the China calendar date of the event's own instant (`at`), which is the `today` the decider used.
 * Not re-derivable, so not checked: a 容缺 due date the clerk chose (only that it lies after acceptance).
 */
import canonicalize from 'canonicalize';
import type { CaseEvent, CaseState, DeadlineName } from '../rules/caseModel.ts';
import { currentDue, evolve } from '../rules/caseModel.ts';
import {
  ACCEPTANCE_LIMIT_DAYS,
  DELIVERY_LIMIT_DAYS,
  extensionDaysFor,
  pendingTimers,
  reviewLimits,
  secondStageDue,
  supplementLimitDays,
  taskLimitDays,
} from '../rules/caseDecisions.ts';
import { addWorkingDays, chinaDate, endOfChinaDay, workingDaysBetween, type IsoDate } from '../rules/workingDays.ts';
import { eventTypeName } from '../presentation/timeline.ts';

/** An event as the record holds it (the hash columns are the chain check's business, not this one's). */
export interface RecordedEvent {
  seq: number;
  type: string;
  at: string;
  actor: unknown;
  data: unknown;
}

type DerivationProblemKind =
  /** The event cannot be folded into the case (e.g. it refers to something the record does not have). */
  | 'unfoldable'
  /** An event is dated before the event recorded before it. */
  | 'time_order'
  /** A date the event records is not the China calendar date of its own instant. */
  | 'date_mismatch'
  /** A due date differs from the one the rules compute from the calendar. */
  | 'due_date_mismatch'
  /** The review limits differ from the matters' snapshots. */
  | 'limits_mismatch'
  /** The paused working days differ from the working days between pause and resumption. */
  | 'paused_days_mismatch'
  /** An extension's days differ from 第42条 (10, or 15 for 45-day handling). */
  | 'extension_days_mismatch'
  /** A warning names a due date that was not the deadline then current. */
  | 'warning_mismatch'
  /** Something the rules do only once a deadline has passed is recorded before it passed. */
  | 'timing_mismatch'
  /** The read model (`cases.snapshot`) disagrees with the folded events. */
  | 'snapshot_mismatch'
  /** A column lists and inboxes read (`cases`, `review_tasks`) disagrees with the folded events. */
  | 'read_model_mismatch';

export interface DerivationProblem {
  seq?: number;
  kind: DerivationProblemKind;
  /** Where the recorded value is: `data.statutoryDue` of the event, or `snapshot.deadlines` of the read model. */
  field: string;
  recorded: unknown;
  derived: unknown;
  message: string;
}

/** The columns lists, inboxes and supervision read instead of the record (db/schema.ts `cases`, `review_tasks`). */
export interface ReadModelRows {
  caseRow?: {
    status: string;
    acceptedOn: IsoDate | null;
    statutoryDue: IsoDate | null;
    promisedDue: IsoDate | null;
    lastSeq: number;
  } | null;
  tasks?: Array<{ id: string; status: string; openedOn: IsoDate; due: IsoDate }>;
}

export interface Derivation {
  /** The case as the events fold (undefined when nothing folds). */
  state: CaseState | undefined;
  problems: DerivationProblem[];
}

/** Recorded data are untrusted JSON (they may have been edited): read field by field, never trusted by type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const same = (a: unknown, b: unknown) => canonicalize(a ?? null) === canonicalize(b ?? null);
const show = (v: unknown) => (v === undefined || v === null ? '（无）' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Re-derive a case from its events. `snapshot` is the read model's copy of the case (`cases.snapshot`), compared
 * with the folded end state on status, last sequence number, matter outcomes, due dates and timeliness; pass null
 * when there is none.
 */
export function rederive(events: RecordedEvent[], snapshot?: CaseState | null, rows: ReadModelRows = {}): Derivation {
  const problems: DerivationProblem[] = [];
  let state: CaseState | undefined;
  let previousAt: number | undefined;

  for (const e of events) {
    const seq = e.seq;
    const d = (e.data ?? {}) as Data;
    const atMs = Date.parse(e.at);
    const today = chinaDate(atMs);
    const what = `第 ${seq} 条事件（${eventTypeName(e.type)}）`;
    const check = (
      kind: DerivationProblemKind,
      field: string,
      recorded: unknown,
      derived: unknown,
      why: string,
    ): void => {
      if (same(recorded, derived)) return;
      problems.push({
        seq,
        kind,
        field,
        recorded: recorded ?? null,
        derived: derived ?? null,
        message: `${what}记录的 ${field} 为 ${show(recorded)}，${why}应为 ${show(derived)}`,
      });
    };
    const onDay = (field: string, recorded: unknown) =>
      check('date_mismatch', field, recorded, today, `事件发生于 ${e.at}（北京时间 ${today}），`);

    if (previousAt !== undefined && atMs < previousAt) {
      problems.push({
        seq,
        kind: 'time_order',
        field: 'at',
        recorded: e.at,
        derived: new Date(previousAt).toISOString(),
        message: `${what}的时间 ${e.at} 早于前一条事件的时间 ${new Date(previousAt).toISOString()}`,
      });
    }
    previousAt = Math.max(previousAt ?? atMs, atMs);

    const prior = state;
    if (prior || e.type === 'received') {
      try {
        checkEvent(e.type, d, prior, today, atMs, check, onDay);
      } catch (error) {
        // Edited data the calendar cannot count from (a malformed date, no matters): reported, never a crash.
        problems.push({
          seq,
          kind: 'unfoldable',
          field: 'data',
          recorded: e.data ?? null,
          derived: null,
          message: `${what}的内容无法按规则重新推算：${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    try {
      state = evolve(state, { type: e.type, at: e.at, actor: e.actor, data: e.data } as CaseEvent);
    } catch (error) {
      problems.push({
        seq,
        kind: 'unfoldable',
        field: 'type',
        recorded: e.type,
        derived: null,
        message: `${what}无法按规则并入办件：${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  if (state && snapshot !== undefined) problems.push(...compareSnapshot(state, snapshot));
  if (state) problems.push(...compareRows(state, rows));
  return { state, problems };
}

type Check = (kind: DerivationProblemKind, field: string, recorded: unknown, derived: unknown, why: string) => void;

function checkEvent(
  type: string,
  d: Data,
  prior: CaseState | undefined,
  today: IsoDate,
  atMs: number,
  check: Check,
  onDay: (field: string, recorded: unknown) => void,
): void {
  const matters = prior?.matters ?? [];
  switch (type) {
    case 'received': {
      onDay('data.receivedOn', d.receivedOn);
      check(
        'due_date_mismatch',
        'data.acceptanceDue',
        d.acceptanceDue,
        addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS),
        `按第32条自收件日 ${today} 起 ${ACCEPTANCE_LIMIT_DAYS} 个工作日，`,
      );
      return;
    }
    case 'materials_supplied': {
      onDay('data.receivedOn', d.receivedOn);
      if (d.acceptanceDue !== undefined) {
        check(
          'due_date_mismatch',
          'data.acceptanceDue',
          d.acceptanceDue,
          addWorkingDays(today, ACCEPTANCE_LIMIT_DAYS),
          `按第32条自补齐之日 ${today} 起 ${ACCEPTANCE_LIMIT_DAYS} 个工作日，`,
        );
      }
      return;
    }
    case 'supplement_requested': {
      const days = supplementLimitDays(matters);
      check(
        'due_date_mismatch',
        'data.due',
        d.due,
        addWorkingDays(today, days),
        `按事项补正时限自 ${today} 起 ${days} 个工作日，`,
      );
      return;
    }
    case 'notice_sent': {
      if (d.sentAt !== undefined && Date.parse(d.sentAt) !== atMs) {
        check('date_mismatch', 'data.sentAt', d.sentAt, new Date(atMs).toISOString(), '告知书随事件发出，');
      }
      if (d.kind === 'supplement') {
        const days = supplementLimitDays(matters);
        check(
          'due_date_mismatch',
          'data.due',
          d.due,
          addWorkingDays(today, days),
          `按事项补正时限自 ${today} 起 ${days} 个工作日，`,
        );
      } else if (d.kind === 'accepted') {
        check('due_date_mismatch', 'data.due', d.due, prior?.deadlines.promisedDue, '按受理时确定的承诺办结期限，');
      } else if (d.kind === 'extension' && d.due !== undefined) {
        check('due_date_mismatch', 'data.due', d.due, prior?.deadlines.statutoryDue, '按延期后的法定办结期限，');
      }
      return;
    }
    case 'accepted':
    case 'deemed_accepted': {
      if (!prior) return;
      const deemed = type === 'deemed_accepted';
      const limits = reviewLimits(matters);
      const acceptedOn = deemed ? prior.acceptanceClockFrom : today;
      check('limits_mismatch', 'data.limits', d.limits, limits, '按所申请事项快照中的最长法定、承诺时限，');
      check(
        'date_mismatch',
        'data.acceptedOn',
        d.acceptedOn,
        acceptedOn,
        deemed ? '按第32条视为自收到（齐全）申请材料之日受理，' : `受理决定作出于 ${today}，`,
      );
      check('date_mismatch', 'data.deemed', d.deemed, deemed, '按事件类型，');
      check(
        'due_date_mismatch',
        'data.statutoryDue',
        d.statutoryDue,
        addWorkingDays(acceptedOn, limits.statutory),
        `自受理日 ${acceptedOn} 起法定时限 ${limits.statutory} 个工作日，`,
      );
      check(
        'due_date_mismatch',
        'data.promisedDue',
        d.promisedDue,
        addWorkingDays(acceptedOn, limits.promised),
        `自受理日 ${acceptedOn} 起承诺时限 ${limits.promised} 个工作日，`,
      );
      if (d.deficienciesDue !== undefined && !(d.deficienciesDue > acceptedOn)) {
        check(
          'due_date_mismatch',
          'data.deficienciesDue',
          d.deficienciesDue,
          addWorkingDays(acceptedOn, supplementLimitDays(matters)),
          '容缺补齐期限必须晚于受理日，按事项补正时限',
        );
      }
      const acceptanceDue = prior.deadlines.acceptanceDue;
      if (deemed && acceptanceDue && atMs < endOfChinaDay(acceptanceDue)) {
        check(
          'timing_mismatch',
          'at',
          new Date(atMs).toISOString(),
          new Date(endOfChinaDay(acceptanceDue)).toISOString(),
          `受理期限 ${acceptanceDue} 届满之前不能视为受理，最早`,
        );
      }
      return;
    }
    case 'task_opened': {
      if (!prior) return;
      const matter = matters.find((m) => m.code === d.matter);
      const existing = prior.tasks.find((t) => t.id === d.id);
      if (!existing) {
        if (!matter || !prior.acceptedOn) return;
        const limit = taskLimitDays(matter, d.stage === 2 ? 2 : 1);
        check('date_mismatch', 'data.openedOn', d.openedOn, prior.acceptedOn, '审查任务于受理日开始，');
        check(
          'due_date_mismatch',
          'data.due',
          d.due,
          addWorkingDays(prior.acceptedOn, limit),
          `自受理日 ${prior.acceptedOn} 起 ${limit} 个工作日，`,
        );
      } else if (existing.status === 'waiting' && matter) {
        check('date_mismatch', 'data.openedOn', d.openedOn, today, '第二阶段审查于前一阶段意见齐备之日开始，');
        check(
          'due_date_mismatch',
          'data.due',
          d.due,
          secondStageDue(matter, existing, today),
          matter.kind === 'escalated'
            ? `上级审查自 ${today} 起 ${matter.promisedLimitDays} 个工作日，`
            : '牵头部门沿用原定期限，',
        );
      } else {
        // Reopened after a supplement: the task keeps its (already moved) dates.
        check('date_mismatch', 'data.openedOn', d.openedOn, existing.openedOn, '恢复审查的任务保留原开始日，');
        check('due_date_mismatch', 'data.due', d.due, existing.due, '恢复审查的任务保留已顺延的期限，');
      }
      return;
    }
    case 'clock_paused':
      onDay('data.since', d.since);
      return;
    case 'clock_resumed': {
      if (!prior) return;
      onDay('data.on', d.on);
      const reasons = [...prior.clock.pauseReasons];
      const at = reasons.indexOf(d.reason);
      if (at >= 0) reasons.splice(at, 1);
      const procedureId = typeof d.reason === 'string' ? d.reason.replace(/^special_procedure:/, '') : '';
      const procedure = prior.specialProcedures.find((p) => p.id === procedureId);
      const since = prior.clock.pausedSince ?? procedure?.startedOn ?? today;
      const days = reasons.length === 0 ? workingDaysBetween(since, today) : 0;
      check(
        'paused_days_mismatch',
        'data.pausedWorkingDays',
        d.pausedWorkingDays,
        days,
        reasons.length === 0
          ? `按第45条，自 ${since} 暂停至 ${today} 恢复共`
          : '仍有其他暂停事由未结束（暂停天数在最后一个事由结束时计算），',
      );
      return;
    }
    case 'special_procedure_started':
      onDay('data.startedOn', d.startedOn);
      return;
    case 'special_procedure_ended':
      onDay('data.endedOn', d.endedOn);
      return;
    case 'extension_requested': {
      if (!prior) return;
      check(
        'extension_days_mismatch',
        'data.days',
        d.days,
        extensionDaysFor(prior.limits),
        `按第42条（法定时限 ${prior.limits.statutory} 个工作日），`,
      );
      return;
    }
    case 'extension_decided': {
      if (!prior) return;
      const requested = prior.extensions.find((x) => x.id === d.id);
      check(
        'extension_days_mismatch',
        'data.days',
        d.days,
        requested?.days ?? extensionDaysFor(prior.limits),
        requested ? `按延期申请 ${requested.id} 的天数，` : `按第42条（法定时限 ${prior.limits.statutory} 个工作日），`,
      );
      return;
    }
    case 'deadline_warning': {
      if (!prior) return;
      const name = d.deadline as DeadlineName;
      const current = currentDue(prior, name);
      check('warning_mismatch', 'data.due', d.due, current, `预警时该期限（${name}）的到期日`);
      const timer = pendingTimers(prior).find((t) => t.id === `${name}:${d.level}:${d.due}`);
      if (timer && atMs < timer.dueAt) {
        check(
          'timing_mismatch',
          'at',
          new Date(atMs).toISOString(),
          new Date(timer.dueAt).toISOString(),
          `${d.level === 'red' ? '红牌' : '黄牌'}预警时点未到，最早`,
        );
      }
      return;
    }
    case 'case_approved':
    case 'case_partially_approved': {
      if (type === 'case_partially_approved' && d.deliveryDue === undefined) return;
      check(
        'due_date_mismatch',
        'data.deliveryDue',
        d.deliveryDue,
        addWorkingDays(today, DELIVERY_LIMIT_DAYS),
        `按第44条自决定之日 ${today} 起 ${DELIVERY_LIMIT_DAYS} 个工作日，`,
      );
      return;
    }
    case 'certificate_issued':
      onDay('data.issuedOn', d.issuedOn);
      return;
    case 'delivered':
      onDay('data.on', d.on);
      return;
    // 好差评 follow-ups: the limit is configured (RATING_FOLLOW_UP_DAYS), so only the days of the steps are checked.
    case 'follow_up_opened':
      onDay('data.openedOn', d.openedOn);
      return;
    case 'follow_up_replied':
      onDay('data.on', d.on);
      return;
  }
}

/** The read model against the fold: what lists, inboxes and supervision show must be what the record says. */
function compareSnapshot(state: CaseState, snapshot: CaseState | null): DerivationProblem[] {
  if (!snapshot) {
    return [
      {
        kind: 'snapshot_mismatch',
        field: 'snapshot',
        recorded: null,
        derived: state.status,
        message: '读模型（cases 表）中没有该办件，而事件记录中有',
      },
    ];
  }
  const fields: Array<[keyof CaseState, string]> = [
    ['status', '办件状态'],
    ['seq', '最后事件序号'],
    ['outcomes', '各事项结果'],
    ['deadlines', '各项期限'],
    ['timeliness', '办结时效'],
  ];
  return fields.flatMap(([field, label]) =>
    same(snapshot[field], state[field])
      ? []
      : [
          {
            kind: 'snapshot_mismatch' as const,
            field: `snapshot.${field}`,
            recorded: snapshot[field] ?? null,
            derived: state[field] ?? null,
            message: `读模型中的${label}为 ${show(snapshot[field])}，按事件记录重新推算应为 ${show(state[field])}`,
          },
        ],
  );
}

/** The indexed columns: a supervisor's list or a department's inbox must show the dates the record gives. */
function compareRows(state: CaseState, rows: ReadModelRows): DerivationProblem[] {
  const problems: DerivationProblem[] = [];
  const differs = (field: string, recorded: unknown, derived: unknown, label: string) => {
    if (same(recorded, derived)) return;
    problems.push({
      kind: 'read_model_mismatch',
      field,
      recorded: recorded ?? null,
      derived: derived ?? null,
      message: `读模型中的${label}为 ${show(recorded)}，按事件记录重新推算应为 ${show(derived)}`,
    });
  };
  const row = rows.caseRow;
  if (row) {
    differs('cases.status', row.status, state.status, '办件状态');
    differs('cases.accepted_on', row.acceptedOn, state.acceptedOn, '受理日');
    differs('cases.statutory_due', row.statutoryDue, state.deadlines.statutoryDue, '法定办结期限');
    differs('cases.promised_due', row.promisedDue, state.deadlines.promisedDue, '承诺办结期限');
    differs('cases.last_seq', row.lastSeq, state.seq, '最后事件序号');
  }
  if (rows.tasks) {
    const byId = new Map(rows.tasks.map((t) => [t.id, t]));
    for (const task of state.tasks) {
      const t = byId.get(task.id);
      const name = `审查任务 ${task.id} 的`;
      if (!t) {
        differs(`review_tasks.${task.id}`, null, task.status, `审查任务 ${task.id}`);
        continue;
      }
      differs(`review_tasks.${task.id}.status`, t.status, task.status, `${name}状态`);
      differs(`review_tasks.${task.id}.opened_on`, t.openedOn, task.openedOn, `${name}开始日`);
      differs(`review_tasks.${task.id}.due`, t.due, task.due, `${name}期限`);
    }
    const folded = new Set(state.tasks.map((t) => t.id));
    for (const t of rows.tasks.filter((x) => !folded.has(x.id))) {
      differs(`review_tasks.${t.id}`, t.status, null, `审查任务 ${t.id}（事件记录中没有）`);
    }
  }
  return problems;
}
