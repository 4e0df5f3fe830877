/**
 * Applicants have no account: they act on their own case with its number and query code (X-Query-Code header, or a
 * `queryCode` field). A wrong code answers exactly like an unknown case, and failures from one address are limited.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CaseState } from '../../rules/caseModel.ts';
import { ApiError } from '../errors.ts';
import { failureLimit, type FailureLimit } from './failureLimit.ts';

declare module 'fastify' {
  interface FastifyInstance {
    queryCodeFailures: FailureLimit;
  }
}

export function registerApplicantAccess(app: FastifyInstance, maxFailures: number): void {
  app.decorate(
    'queryCodeFailures',
    failureLimit(app, maxFailures, (request) => `query-code|${request.ip}`, '查询码错误次数过多'),
  );
}

export function presentedQueryCode(request: FastifyRequest, field?: string): string | undefined {
  const header = request.headers['x-query-code'];
  const value = (typeof header === 'string' ? header : undefined) ?? field;
  return value ? value.trim() : undefined;
}

export const caseNotFound = (caseNo: string) => new ApiError(404, 'case_not_found', `办件 ${caseNo} 不存在`, 'caseNo');

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toUpperCase());
  const b = Buffer.from(given.toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The applicant's own case, or the same 404 as an unknown case. Without any code: 401 (sign in, or give the code).
 */
export async function applicantCase(
  app: FastifyInstance,
  request: FastifyRequest,
  caseNo: string,
  code: string | undefined,
  load: (caseNo: string) => Promise<CaseState | undefined>,
): Promise<CaseState> {
  if (!code) {
    throw new ApiError(401, 'query_code_required', '请登录，或提供办件查询码（X-Query-Code）', 'queryCode');
  }
  await app.queryCodeFailures.check(request);
  const state = await load(caseNo);
  if (!state || !sameCode(state.queryCode, code)) {
    await app.queryCodeFailures.fail(request);
    throw caseNotFound(caseNo);
  }
  return state;
}
