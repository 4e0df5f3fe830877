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
import { registerWebApp } from './webApp.ts';
import { loggedUrl, registerAuth, registerMasking, type AuthOptions } from './auth/guard.ts';
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
}

const DEFAULT_AUTH: AuthOptions = {
  limits: DEFAULT_SESSION_LIMITS,
  secureCookie: false,
  loginFailures: 5,
  queryCodeFailures: 10,
};

export async function buildApp(deps: ApiDeps, options: { logger?: boolean } = {}) {
  const app = Fastify({
    logger: options.logger
      ? {
          serializers: {
            req: (request) => ({ method: request.method, url: loggedUrl(request.url), remoteAddress: request.ip }),
          },
        }
      : false,
    ...serverOptions(deps.hardening),
    // Unknown fields are an error, not silently dropped; body types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Query strings are text: coerce their values (e.g. ?limit=10) but keep bodies strict.
  app.setValidatorCompiler(createValidatorCompiler());
  installErrorHandler(app);
  declareCommonErrors(app);
  await registerHardening(app, deps.hardening);
  const auth = { ...DEFAULT_AUTH, ...deps.auth };
  // Before any route: every route registered after this must name its action in the role table.
  await registerAuth(app, deps.db, auth);
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
  await app.register(fileRoutes(deps));
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
