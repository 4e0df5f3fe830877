/** The Fastify application: a thin layer that starts, signals and queries the case workflows. */
import Fastify, { type FastifySchemaCompiler } from 'fastify';
import { Ajv } from 'ajv';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '../db/client.ts';
import type { KeyRing } from '../infra/keyRing.ts';
import type { SigningKey } from '../infra/signingKey.ts';
import type { EngineDeps } from './caseClient.ts';
import { installErrorHandler } from './errors.ts';
import { declareCommonErrors } from './schemas.ts';
import { registerHardening, rejectHostileInput, serverOptions, type HardeningOptions } from './hardening.ts';
import type { CatalogueCache } from './catalogueCache.ts';
import { healthRoutes } from './routes/health.ts';
import { catalogueRoutes } from './routes/catalogue.ts';
import { applicationRoutes } from './routes/applications.ts';
import { taskRoutes } from './routes/tasks.ts';
import { supervisionRoutes } from './routes/supervision.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { auditRoutes } from './routes/audit.ts';
import { certificateRoutes } from './routes/certificates.ts';
import { exportRoutes } from './routes/export.ts';
import { trustRoutes } from './routes/trust.ts';
import { ratingRoutes } from './routes/ratings.ts';
import { complaintRoutes } from './routes/complaints.ts';
import { disclosureRoutes } from './routes/disclosure.ts';
import { extensionRoutes } from './routes/extensions.ts';
import { queueRoutes } from './routes/queue.ts';
import { appointmentRoutes } from './routes/appointments.ts';
import { queueFigureRoutes } from './routes/queueFigures.ts';
import type { HallSettings } from '../infra/config.ts';
import { registerWebApp } from './webApp.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { createApiMetrics, registerHttpMetrics, type ApiMetrics } from './metrics.ts';
import { registerRequestContext, requestIdOptions } from './requestContext.ts';
import {
  databaseSessions,
  loggedUrl,
  registerAuth,
  registerMasking,
  type AuthOptions,
  type StaffSessions,
} from './auth/guard.ts';
import { registerApplicantAccess } from './auth/applicantAccess.ts';
import { DEFAULT_SESSION_LIMITS } from '../rules/access.ts';
import { authRoutes } from './routes/auth.ts';
import { userRoutes } from './routes/users.ts';
import { staffReadRoutes } from './routes/staffReads.ts';
import { fileRoutes, type FileDeps } from './routes/files.ts';

export interface ApiDeps extends EngineDeps {
  db: Database;
  catalogue: CatalogueCache;
  /** The centre's Ed25519 key: the public half is published and verifies certificates; exports are signed with it. */
  signingKey: SigningKey;
  /** Every key by id with its period, and the current one (infra/keyRing.ts); absent: `signingKey` alone. */
  keys?: KeyRing;
  /** Where rotation writes new keys (SIGNING_KEYS_DIR); absent: no rotation through the API. */
  keysDir?: string;
  /** Working days a follow-up (整改) of a bad rating gets: RATING_FOLLOW_UP_DAYS, default 15. */
  followUpDays?: number;
  /** 投诉 · 咨询: COMPLAINT_ANSWER_DAYS and COMPLAINT_WARNING_DAYS (defaults in rules/complaints.ts). */
  complaints?: { answerDays: number; warningDays: number };
  /** Base of the verification URL on certificates (PUBLIC_BASE_URL); absent: the request's protocol and host. */
  publicBaseUrl?: string;
  /** Body limit, CORS origins, rate limits (api/hardening.ts; settings from infra/config.ts). */
  hardening?: HardeningOptions;
  /** The built web app (web/dist) served under `/`; absent: API only. */
  webDir?: string;
  /** Session limits, cookie and failure limits (api/auth/guard.ts; settings from infra/config.ts). */
  auth?: Partial<AuthOptions>;
  /** Electronic materials: where contents are stored, size limit, orphan age (files/settings.ts). */
  files: FileDeps;
  /** The Prometheus registry (shared with the engine client's interceptor); absent: one of the app's own. */
  metrics?: ApiMetrics;
  /** Bearer token for GET /metrics (METRICS_TOKEN); absent: loopback clients only. */
  metricsToken?: string;
  /** The hall's queue and appointments (infra/config.ts; defaults when absent). */
  hall?: HallSettings;
  /** Who a session token belongs to; absent: the sessions table. The route tests give their own. */
  staffSession?: StaffSessions;
}

export interface LogOptions {
  /** pino's level (API_LOG_LEVEL). */
  level: string;
  /** A line per request and per answer (LOG_REQUESTS); errors are logged either way. */
  requests: boolean;
}

const DEFAULT_AUTH: AuthOptions = {
  limits: DEFAULT_SESSION_LIMITS,
  secureCookie: false,
  loginFailures: 5,
  queryCodeFailures: 10,
};

export async function buildApp(deps: ApiDeps, options: { log?: LogOptions } = {}) {
  const app = Fastify({
    // One JSON object a line on stdout (pino), each with the request's id.
    logger: options.log
      ? {
          level: options.log.level,
          serializers: {
            req: (request) => ({ method: request.method, url: loggedUrl(request.url), remoteAddress: request.ip }),
          },
        }
      : false,
    disableRequestLogging: !options.log?.requests,
    ...requestIdOptions,
    ...serverOptions(deps.hardening),
    // Unknown fields are an error, not silently dropped; body types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Query strings are text: coerce their values (e.g. ?limit=10) but keep bodies strict.
  app.setValidatorCompiler(createValidatorCompiler());
  registerRequestContext(app);
  const metrics = deps.metrics ?? createApiMetrics(deps.db.$client);
  registerHttpMetrics(app, metrics);
  installErrorHandler(app);
  declareCommonErrors(app);
  await registerHardening(app, deps.hardening);
  const auth = { ...DEFAULT_AUTH, ...deps.auth };
  // Before any route: every route registered after this must name its action in the role table.
  await registerAuth(app, auth, deps.staffSession ?? databaseSessions(deps.db, auth.limits));
  registerApplicantAccess(app, auth.queryCodeFailures);
  registerMasking(app);
  await app.register(swagger, {
    openapi: {
      info: { title: '政务服务中心 一门式审批 API', version: '0.1.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'POST /auth/login 返回的 token' },
          session: { type: 'apiKey', in: 'cookie', name: 'session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(authRoutes(deps, auth));
  await app.register(userRoutes(deps));
  await app.register(staffReadRoutes(deps));
  await app.register(healthRoutes(deps));
  await app.register(metricsRoutes(metrics, deps.metricsToken));
  await app.register(catalogueRoutes(deps));
  await app.register(applicationRoutes(deps));
  await app.register(taskRoutes(deps));
  await app.register(supervisionRoutes(deps));
  await app.register(ledgerRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(certificateRoutes(deps));
  await app.register(exportRoutes(deps));
  await app.register(trustRoutes(deps));
  await app.register(ratingRoutes(deps));
  await app.register(complaintRoutes(deps));
  await app.register(disclosureRoutes(deps));
  await app.register(extensionRoutes(deps));
  await app.register(fileRoutes(deps));
  await app.register(queueRoutes(deps));
  await app.register(appointmentRoutes(deps));
  await app.register(queueFigureRoutes(deps));
  if (deps.webDir !== undefined) await registerWebApp(app, deps.webDir);
  return app;
}

function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strictAjv = new Ajv({
    removeAdditional: false,
    coerceTypes: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  const coercingAjv = new Ajv({
    removeAdditional: false,
    coerceTypes: 'array',
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  return ({ schema, httpPart }) =>
    rejectHostileInput(
      (httpPart === 'querystring' || httpPart === 'params' ? coercingAjv : strictAjv).compile<unknown>(
        schema as object,
      ),
    );
}
