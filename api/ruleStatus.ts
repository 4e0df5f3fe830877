/**
 * The HTTP status a rule's violation is answered with: the rules name what is wrong (a code), the API alone says how
 * that is answered. A code not listed here is invalid input for the case as it stands: 422.
 */
import type { RuleViolation } from '../rules/caseDecisions.ts';
import { ApiError } from './errors.ts';

const notFound = [
  'appeal_not_found',
  'case_not_found',
  'certificate_not_found',
  'extension_not_found',
  'follow_up_not_found',
  'rating_not_found',
  'special_procedure_not_found',
  'task_not_found',
] as const;

const forbidden = [
  'department_not_on_case',
  'department_not_on_task',
  'not_follow_up_department',
  'not_issuing_department',
  'not_your_department',
] as const;

/** The command conflicts with what has already happened to the case. */
const conflict = [
  'acceptance_already_decided',
  'already_appealed',
  'already_decided',
  'already_delivered',
  'already_rated',
  'already_urgent',
  'appeal_already_decided',
  'case_not_finished',
  'certificate_already_revoked',
  'certificates_withheld',
  'extension_already_decided',
  'extension_already_granted',
  'extension_pending',
  'follow_up_closed',
  'material_in_library',
  'material_not_provided',
  'materials_missing',
  'no_supplement_requested',
  'not_decided',
  'not_in_review',
  'nothing_missing',
  'one_time_notice_violated',
  'original_already_seen',
  'special_procedure_ended',
  'special_procedure_running',
  'task_already_decided',
  'task_awaiting_supplement',
  'task_cancelled',
  'task_not_open',
] as const;

const statusOf = new Map<string, 403 | 404 | 409>([
  ...notFound.map((code) => [code, 404] as const),
  ...forbidden.map((code) => [code, 403] as const),
  ...conflict.map((code) => [code, 409] as const),
]);

export function ruleStatus(code: string): 403 | 404 | 409 | 422 {
  return statusOf.get(code) ?? 422;
}

/**
 * A violation as the API answers it. Only code, message and field are read: failures recorded by older workflow code
 * also carry a status, which is ignored (the table above decides).
 */
export function ruleError(violation: RuleViolation): ApiError {
  return new ApiError(ruleStatus(violation.code), violation.code, violation.message, violation.field);
}
