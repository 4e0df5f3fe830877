/**
 * The answers a route declares: its success schema and, for each error status it can give, the one error shape
 * (api/errors.ts). Statuses every route of a kind can give (the role check, body parsing, validation, query-code
 * limits) are added in one place, `declareCommonErrors`, from what the route itself says: its access action, its
 * input schemas and its method.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { ACCESS, isAction, type Access } from '../../rules/access.ts';

const ErrorBody = Type.Object(
  {
    code: Type.String({ description: '机器可读的英文错误码' }),
    message: Type.String({ description: '中文说明，指明出错的字段' }),
    field: Type.Optional(Type.String({ description: '出错的字段或请求头' })),
  },
  { additionalProperties: false, description: '错误：{ code, message, field? }' },
);

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 414 | 415 | 422 | 429 | 500 | 503;

const ERROR_MEANINGS: Record<ErrorStatus, string> = {
  400: '请求无效（字段、格式或参数错误）',
  401: '未登录、登录已过期，或缺少查询码',
  403: '无权执行此操作',
  404: '所指的对象不存在',
  409: '与当前状态冲突（已办结、Idempotency-Key 已用于另一请求等）',
  413: '请求体过大',
  414: '请求路径或查询参数过长',
  415: '请求体不是 application/json',
  422: '不符合业务规则',
  429: '请求或失败次数过多，请稍后重试',
  500: '服务器保存的内容缺失或已损坏（审计同样报告），请联系管理员',
  503: '审批引擎或数据库暂不可用',
};

const errorReply = (status: ErrorStatus) => ({ ...ErrorBody, description: ERROR_MEANINGS[status] });

/** The error answers of `statuses`, each in the one error shape. */
export function errors(...statuses: ErrorStatus[]): Partial<Record<ErrorStatus, TSchema>> {
  return Object.fromEntries(statuses.map((s) => [s, errorReply(s)]));
}

/** What a command on a case can meet besides bad input: the case's rules and the engine (api/caseClient.ts). */
export const COMMAND_ERRORS: ErrorStatus[] = [403, 404, 409, 422, 503];

/** A success answer that is not JSON: the media type and what it is, for the OpenAPI document. */
export function fileReply(description: string, ...mediaTypes: string[]) {
  return {
    description,
    content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: Type.String() }])),
  };
}

type Schema = NonNullable<RouteOptions['schema']> & { hide?: boolean; response?: Record<string, unknown> };

/** The error statuses any route of this access, input and method can give before or besides its own logic. */
export function commonErrors(route: { method: string | string[]; schema?: Schema; config?: unknown }): ErrorStatus[] {
  const action = (route.config as { access?: unknown } | undefined)?.access;
  const access: Access = isAction(action) ? ACCESS[action] : { public: true };
  const methods = [route.method].flat();
  // A DELETE may carry a body too (an unsupported type is 415, an oversized one 413), though none of ours reads one.
  const hasBody = methods.some((m) => m === 'POST' || m === 'PATCH' || m === 'PUT' || m === 'DELETE');
  const schema = route.schema ?? {};
  const hasInput = hasBody || Boolean(schema.params || schema.querystring || schema.body || schema.headers);
  const limited = Boolean((route.config as { rateLimit?: unknown } | undefined)?.rateLimit);
  const statuses: ErrorStatus[] = [];
  if (hasInput) statuses.push(400);
  // The role check (api/auth/guard.ts): no session, an expired one, or (applicant routes) no query code.
  if (!access.public) statuses.push(401);
  if (!access.public && !access.session) statuses.push(403);
  if (hasBody) statuses.push(413);
  // Any request line has a length limit (16 KiB), and so has each path parameter (api/hardening.ts).
  statuses.push(414);
  if (hasBody) statuses.push(415);
  // Applicant access: wrong query codes are limited per client address (api/auth/applicantAccess.ts).
  if (access.applicant || limited) statuses.push(429);
  return statuses;
}

/**
 * Adds the common error statuses to every published route that declares its answers; a route's own declaration of a
 * status wins. Registered before the routes (an onRoute hook sees only routes registered after it).
 */
export function declareCommonErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Schema | undefined;
    if (!schema || schema.hide || !schema.response) return;
    const own = schema.response;
    schema.response = { ...own, ...errors(...commonErrors(route as never).filter((s) => !(s in own))) };
  });
}
