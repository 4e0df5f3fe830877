/** Chinese names of the API's codes (the API answers codes; rules/ holds the same names for the server). */

export const statusLabels: Record<string, string> = {
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

export const statusColors: Record<string, string> = {
  received: 'blue',
  awaiting_supplement: 'orange',
  in_review: 'processing',
  approved: 'success',
  partially_approved: 'success',
  refused: 'error',
  not_accepted: 'error',
  withdrawn: 'default',
  terminated: 'default',
};

/** Finished: the applicant may rate the service (好差评). */
export const FINISHED = ['approved', 'partially_approved', 'refused', 'not_accepted', 'withdrawn', 'terminated'];

export const taskStatusLabels: Record<string, string> = {
  waiting: '待前序审查',
  open: '审查中',
  supplement_requested: '待补正',
  approved: '同意',
  refused: '不同意',
  cancelled: '已取消',
};

export const deadlineLabels: Record<string, string> = {
  acceptanceDue: '受理期限',
  supplementDue: '补正期限',
  promisedDue: '承诺办结日期',
  statutoryDue: '法定办结日期',
  deliveryDue: '送达期限',
  deficienciesDue: '容缺材料补齐期限',
};

export const ratingLevels = [
  { value: 'very_satisfied', label: '非常满意' },
  { value: 'satisfied', label: '满意' },
  { value: 'basically_satisfied', label: '基本满意' },
  { value: 'dissatisfied', label: '不满意' },
  { value: 'very_dissatisfied', label: '非常不满意' },
];

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';
