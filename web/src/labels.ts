/** Chinese names of the API's codes: the tables are the server's own (rules/labels.ts). */
import * as labels from '../../rules/labels.ts';

export const statusLabels: Record<string, string> = labels.statusLabels;

/** Finished: the applicant may rate the service (好差评). */
export const FINISHED = ['approved', 'partially_approved', 'refused', 'not_accepted', 'withdrawn', 'terminated'];

export const taskStatusLabels: Record<string, string> = labels.taskStatusLabels;

export const deadlineLabels: Record<string, string> = labels.deadlineLabels;

export const ratingLevels = Object.entries(labels.ratingLevelNames).map(([value, label]) => ({ value, label }));

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';

export const complaintKindLabels: Record<string, string> = labels.complaintKindLabels;
export const complaintSubjectLabels: Record<string, string> = labels.complaintSubjectLabels;
