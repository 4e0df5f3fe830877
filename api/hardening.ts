/**
 * Hardening of the HTTP surface: errors the framework and Node's HTTP parser answer themselves (414, 431,
 * 400 bad URL, 408) in the `{ code, message, field? }` shape, a body size limit, security headers (helmet), CORS closed
 * unless CORS_ORIGINS names origins, rate limits on applicant access, and a check of every validated string for what
 * PostgreSQL cannot store (NUL, lone surrogates) and of every JSON value for its nesting depth.
 */
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
  FastifyServerOptions,
} from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { ApiError, type ErrorBody } from './errors.ts';

export interface HardeningOptions {
  /** Largest request body accepted, in bytes: BODY_LIMIT_BYTES, default 1 MiB. */
  bodyLimit?: number;
  /** Origins allowed cross-origin access (CORS_ORIGINS, comma-separated); empty or absent: none. */
  corsOrigins?: string[];
  /** Requests per minute per client address and case on applicant access (RATE_LIMIT_APPLICANT_PER_MINUTE, 10). */
  applicantRateLimitPerMinute?: number;
  /** Fastify's trustProxy (TRUST_PROXY): whose X-Forwarded-For names the client that rate limits count. */
  trustProxy?: boolean | string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_APPLICANT_RATE_LIMIT = 10;
/** Nesting depth of any JSON value a request may carry (objects and arrays; the body itself is level 1). */
const MAX_JSON_DEPTH = 32;
/** Longest path parameter the router matches; longer ones answer 414. Schemas limit each parameter below this. */
const MAX_PARAM_LENGTH = 200;

/** The server options that make the framework's own refusals answer in our shape. */
export function serverOptions(options: HardeningOptions = {}): FastifyServerOptions {
  return {
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      // Raised by the router before any route or hook: no security headers yet, add the one that matters for JSON.
      reply.header('x-content-type-options', 'nosniff');
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return reply
          .status(414)
          .send(body('uri_too_long', `请求路径中的参数过长（上限 ${MAX_PARAM_LENGTH} 个字符）`, 'url'));
      }
      if (error.code === 'FST_ERR_BAD_URL') {
        return reply.status(400).send(body('bad_url', '请求路径不是合法的 URL 编码', 'url'));
      }
      return reply.status(500).send(body('internal_error', '服务器内部错误，请稍后重试'));
    },
    clientErrorHandler,
  };
}

function body(code: string, message: string, field?: string): ErrorBody {
  return { code, message, ...(field ? { field } : {}) };
}

/**
 * Node's HTTP parser refuses a request before Fastify sees it: a request line or headers beyond maxHeaderSize
 * (16 KiB), a malformed request, a timeout. Answer in our shape: 414 when the request line itself did not fit, 431
 * when the headers did not, 408 on a timeout, 400 otherwise.
 */
function clientErrorHandler(connectionError: Error, socket: Socket): void {
  const error = connectionError as NodeJS.ErrnoException & { rawPacket?: unknown };
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let status: number;
  let reply: ErrorBody;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // The request line is the URL's: it took most of the limit, or had not even ended when the limit was reached.
    const raw = error.rawPacket;
    const lineEnd = Buffer.isBuffer(raw) ? raw.indexOf('\r\n') : 0;
    if (lineEnd >= 0 && lineEnd < maxHeaderSize / 2) {
      status = 431;
      reply = body('headers_too_large', '请求头过大', 'headers');
    } else {
      status = 414;
      reply = body('uri_too_long', '请求地址过长', 'url');
    }
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    reply = body('request_timeout', '请求超时');
  } else {
    status = 400;
    reply = body('bad_request', '请求格式无效（HTTP 协议错误）');
  }
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(reply);
  // end() rather than destroy(): the answer reaches a client still sending; the socket goes when it has been read.
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${text}`,
  );
  setTimeout(() => socket.destroy(), 5_000).unref();
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/** Security headers, CORS and the rate limiter: registered before any route. */
export async function registerHardening(app: FastifyInstance, options: HardeningOptions = {}): Promise<void> {
  // Every body is JSON: Fastify's default text/plain parser would hand a string to a route (400 instead of 415).
  app.removeContentTypeParser('text/plain');
  await app.register(helmet, {
    // The API answers JSON, and a few HTML pages (certificate print and verification) with inline <style> and an
    // inline SVG QR code: nothing else is loaded, no script runs.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    // Same-origin-only resource policy would stop a page of an allowed CORS origin from embedding our answers.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  const origins = (options.corsOrigins ?? []).filter(Boolean);
  await app.register(cors, {
    // Empty: no cross-origin access at all (no CORS headers, preflights answer 404).
    origin: origins.length ? origins : false,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'idempotency-key', 'x-query-code', 'authorization'],
    exposedHeaders: ['idempotent-replayed', 'retry-after', 'content-disposition'],
    credentials: true,
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `请求过于频繁，请在 ${Math.max(1, Math.ceil(context.ttl / 1000))} 秒后重试`),
  });
}

/**
 * Route config for applicant access (case number + query code): at most RATE_LIMIT_APPLICANT_PER_MINUTE requests a
 * minute from one client address for one case. `key` picks what else the count is per (default: the caseNo param).
 */
export function applicantRateLimit(
  options: HardeningOptions = {},
  key: (request: FastifyRequest) => string = (request) => (request.params as { caseNo?: string }).caseNo ?? '',
) {
  return {
    rateLimit: {
      max: options.applicantRateLimitPerMinute ?? DEFAULT_APPLICANT_RATE_LIMIT,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `${request.ip}|${key(request)}`,
    },
  };
}

interface ValidationProblem {
  instancePath: string;
  keyword: 'invalidCharacter' | 'maxDepth';
  params: Record<string, unknown>;
  message: string;
}

/** A string PostgreSQL cannot store as text or jsonb (NUL), or that is not Unicode (a lone surrogate). */
function characterProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return '空字符 U+0000';
  if (/\p{Cs}/u.test(value)) return '不成对的代理项（不是合法的 Unicode 字符）';
  return undefined;
}

const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function findProblem(value: unknown, path: string, depth: number): ValidationProblem | undefined {
  if (typeof value === 'string') {
    const problem = characterProblem(value);
    return problem
      ? { instancePath: path, keyword: 'invalidCharacter', params: { problem }, message: problem }
      : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_JSON_DEPTH) {
    return { instancePath: path, keyword: 'maxDepth', params: { limit: MAX_JSON_DEPTH }, message: 'too deep' };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findProblem(value[i], `${path}/${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const problem = characterProblem(key);
    if (problem) {
      return { instancePath: path, keyword: 'invalidCharacter', params: { problem, key: true }, message: problem };
    }
    const found = findProblem(item, `${path}/${pointer(key)}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

type Validator = ((data: unknown) => boolean) & {
  errors?: FastifySchemaValidationError[] | null;
};

/**
 * Wraps a schema validator: what the schema accepts is then checked for characters PostgreSQL refuses (a NUL would
 * fail the activity that records the case, and retry for ever) and for nesting deeper than MAX_JSON_DEPTH (which
 * JSON.stringify, Temporal's payload converter and PostgreSQL's jsonb parser all recurse on).
 */
export function rejectHostileInput(validate: Validator): Validator {
  const wrapped: Validator = (data: unknown) => {
    const valid = validate(data);
    if (valid !== true) {
      wrapped.errors = validate.errors;
      return valid;
    }
    const problem = findProblem(data, '', 1);
    wrapped.errors = problem ? [problem as unknown as FastifySchemaValidationError] : null;
    return !problem;
  };
  return wrapped;
}
