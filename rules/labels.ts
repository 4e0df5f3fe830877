/**
 * The Chinese names of the codes the API answers with: one table each, read by the server (ledger, supervision,
 * ratings, timeline) and by the web app alike. Data only: the web app imports this file.
 */
import type { CaseStatus, DeadlineName, Deadlines, TaskStatus } from './caseModel.ts';
import type { RatingLevel } from './ratings.ts';
import type { ComplaintChannel, ComplaintKind, ComplaintStatus, ComplaintSubject } from './complaints.ts';

export const statusLabels: Record<CaseStatus, string> = {
  received: '已收件待受理',
  awaiting_supplement: '待补正',
  in_review: '审查中',
  approved: '准予许可',
  partially_approved: '部分准予许可',
  refused: '不予许可',
  not_accepted: '不予受理',
  withdrawn: '已撤回',
  terminated: '已终止',
};

export const taskStatusLabels: Record<TaskStatus, string> = {
  waiting: '待前序审查',
  open: '审查中',
  supplement_requested: '待补正',
  approved: '同意',
  refused: '不同意',
  cancelled: '已取消',
};

/** The due dates of a case view (`deadlines`). */
export const deadlineLabels: Record<keyof Deadlines, string> = {
  acceptanceDue: '受理期限',
  supplementDue: '补正期限',
  promisedDue: '承诺办结日期',
  statutoryDue: '法定办结日期',
  deliveryDue: '送达期限',
  deficienciesDue: '容缺材料补齐期限',
};

/** The deadline a yellow or red card (红黄牌) is about. */
export const warningDeadlineLabels: Record<DeadlineName, string> = {
  acceptance: '受理期限',
  supplement: '补正期限',
  review: '承诺办结期限',
  statutory: '法定办结期限',
  delivery: '送达期限',
  deficiencies: '容缺材料补齐期限',
  follow_up: '差评整改期限',
};

/** 好差评 levels, best first. */
export const ratingLevelNames: Record<RatingLevel, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

/** 投诉 · 咨询 (rules/complaints.ts). */
export const complaintKindLabels: Record<ComplaintKind, string> = { complaint: '投诉', consultation: '咨询' };
export const complaintChannelLabels: Record<ComplaintChannel, string> = { web: '网上', hotline: '热线电话' };
export const complaintSubjectLabels: Record<ComplaintSubject, string> = {
  case: '办件',
  department: '部门',
  window: '窗口',
  centre: '服务中心',
};
export const complaintStatusLabels: Record<ComplaintStatus, string> = { open: '待答复', answered: '已答复' };
