/**
 * Every client error is `{ code, message, field? }`: `code` is machine-readable English, `message` is Chinese for
 * the clerk and names the field. Nothing unexpected escapes as a stack trace.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/applicant/type` in the body → `applicant.type`; array items → `materials[2]`. */
function fieldName(path: string, child?: unknown): string {
  const parts = path.split('/').filter(Boolean);
  if (typeof child === 'string') parts.push(child);
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function validationError(error: AjvError, context: string): ErrorBody {
  const p = error.params;
  switch (error.keyword) {
    case 'required': {
      const field = fieldName(error.instancePath, p.missingProperty);
      return { code: 'missing_field', field, message: `缺少必填字段 ${field}` };
    }
    case 'additionalProperties': {
      const field = fieldName(error.instancePath, p.additionalProperty);
      return { code: 'unknown_field', field, message: `不允许的字段 ${field}` };
    }
    case 'type': {
      const field = fieldName(error.instancePath) || context;
      return { code: 'invalid_field', field, message: `字段 ${field} 的类型应为 ${String(p.type)}` };
    }
    case 'enum':
    case 'const':
    case 'anyOf': {
      const field = fieldName(error.instancePath) || context;
      const allowed = Array.isArray(p.allowedValues) ? `：${p.allowedValues.join(' / ')}` : '';
      return { code: 'invalid_field', field, message: `字段 ${field} 的取值无效${allowed}` };
    }
    case 'invalidCharacter': {
      const field = fieldName(error.instancePath) || context;
      const where = p.key ? `字段 ${field} 的键名` : `字段 ${field}`;
      return { code: 'invalid_character', field, message: `${where} 含有不允许的字符：${String(p.problem)}` };
    }
    case 'maxDepth': {
      const field = fieldName(error.instancePath) || context;
      return { code: 'too_deeply_nested', field, message: `字段 ${field} 嵌套层级过深（最多 ${String(p.limit)} 层）` };
    }
    default: {
      const field = fieldName(error.instancePath) || context;
      return { code: 'invalid_field', field, message: `字段 ${field} 无效（${error.message ?? error.keyword}）` };
    }
  }
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(
    (error: FastifyError & { validation?: AjvError[]; validationContext?: string }, request, reply) => {
      if (error instanceof ApiError) {
        if (error.statusCode >= 500) request.log.error(error.cause ?? error);
        return reply
          .status(error.statusCode)
          .send({ code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
      }
      if (error.validation?.[0]) {
        return reply.status(400).send(validationError(error.validation[0], error.validationContext ?? 'body'));
      }
      if (
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
        (error.statusCode === 400 && error instanceof SyntaxError)
      ) {
        return reply.status(400).send({ code: 'malformed_json', field: 'body', message: '请求体不是合法的 JSON' });
      }
      if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        return reply.status(400).send({ code: 'missing_body', field: 'body', message: '请求体不能为空' });
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return reply
          .status(415)
          .send({ code: 'unsupported_media_type', field: 'content-type', message: '请求体必须是 application/json' });
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const limit = request.routeOptions.bodyLimit;
        return reply
          .status(413)
          .send({ code: 'payload_too_large', field: 'body', message: `请求体过大（上限 ${limit} 字节）` });
      }
      if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
        return reply.status(400).send({
          code: 'invalid_content_length',
          field: 'content-length',
          message: '请求头 Content-Length 与请求体长度不符',
        });
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return reply.status(error.statusCode).send({ code: 'bad_request', message: `请求无效：${error.message}` });
      }
      request.log.error(error);
      return reply.status(500).send({ code: 'internal_error', message: '服务器内部错误，请稍后重试' });
    },
  );
  // 405 for a path that exists with other methods: the route table as registered (HEAD included, wildcards not).
  const routes: Array<{ method: string; path: RegExp }> = [];
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    const pattern = route.url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    for (const method of [route.method].flat()) routes.push({ method, path: new RegExp(`^${pattern}/?$`) });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routes.filter((r) => r.path.test(path)).map((r) => r.method))];
    if (allowed.length && !allowed.includes(request.method)) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({
          code: 'method_not_allowed',
          field: 'method',
          message: `接口 ${path.slice(0, 200)} 不支持 ${request.method} 方法（可用：${allowed.join(', ')}）`,
        });
    }
    return reply.status(404).send({
      code: 'route_not_found',
      field: 'url',
      message: `没有这个接口：${request.method} ${path.slice(0, 200)}`,
    });
  });
}
