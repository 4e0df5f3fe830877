/**
 * The whole configuration, read from the environment once when a process starts and checked: types, ranges and
 * defaults, and an error that names the variable. Every other module receives these typed settings; none reads
 * process.env. docs/configuration.md documents each variable (a unit test keeps the two in step).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FILE_MAX_BYTES, DEFAULT_FILE_ORPHAN_HOURS, type FileSettings } from '../files/settings.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type WorkerLogLevel = (typeof LOG_LEVELS)[number];

export interface Settings {
  /** External PostgreSQL; unset: the launcher starts an embedded one (worker and API require it). */
  databaseUrl: string | undefined;
  /** The embedded PostgreSQL's port (unset: a free one). */
  postgresPort: number | undefined;
  dataDir: string;
  temporal: {
    /** `host:port` of a cluster; unset: the launcher starts the dev server (worker and API require it). */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    tlsCert: string | undefined;
    tlsKey: string | undefined;
    tlsCa: string | undefined;
    apiKey: string | undefined;
    /** A `temporal` binary to use instead of finding or installing one. */
    cli: string | undefined;
    port: number;
    uiPort: number;
    retentionDays: number;
    /** Deadline of every call from the API to the engine. */
    timeoutMs: number;
  };
  api: {
    port: number;
    host: string;
    dbPool: number;
    migrateOnStart: boolean;
    catalogueCacheSeconds: number;
    bodyLimitBytes: number;
    corsOrigins: string[];
    applicantRatePerMinute: number;
    /** `true`, `false`, or the proxies' addresses / CIDRs; unset: the socket's address is the client. */
    trustProxy: boolean | string | undefined;
    logRequests: boolean;
    /** The built web app; unset: web/dist, built by `npm start` when stale. */
    webDistDir: string | undefined;
    publicBaseUrl: string | undefined;
  };
  auth: {
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    cookieSecure: boolean;
    loginFailures: number;
    queryCodeFailures: number;
  };
  /** Unset: the demo accounts under `npm start`, none otherwise. */
  demoUsers: boolean | undefined;
  demoPassword: string;
  catalogueFile: string | undefined;
  cases: {
    certificatePrefix: string;
    /** Unset: the workflow's own 10 minutes. */
    closeGraceMs: number | undefined;
    ratingFollowUpDays: number;
  };
  signing: {
    key: string | undefined;
    keyFile: string | undefined;
    /** Where keys made by rotation are kept (`<keyId>.pem`). */
    keysDir: string;
    /** Minutes between signed checkpoints over every case head; 0: none published. */
    checkpointIntervalMinutes: number;
  };
  worker: {
    dbPool: number;
    cacheSize: number | undefined;
    workflowSlots: number | undefined;
    activitySlots: number | undefined;
    logLevel: WorkerLogLevel;
  };
  clock: { startMs: number | undefined; anchorMs: number | undefined; speed: number };
  /** Electronic materials: size limit, orphan age, folder or S3 storage. */
  files: FileSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** One variable at a time: an empty value counts as unset; a bad value is noted and reading goes on. */
function reader(env: Env) {
  const problems: string[] = [];
  const names: string[] = [];
  const raw = (name: string) => {
    names.push(name);
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const bad = (name: string, expected: string, value: string) => {
    problems.push(`${name} must be ${expected}, got "${value}"`);
    return undefined;
  };
  function int(name: string, min: number, max: number): number | undefined;
  function int(name: string, min: number, max: number, fallback: number): number;
  function int(name: string, min: number, max: number, fallback?: number) {
    const value = raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      return bad(name, `an integer between ${min} and ${max}`, value) ?? fallback;
    }
    return n;
  }
  return {
    problems,
    names,
    text: (name: string) => raw(name),
    textOr: (name: string, fallback: string) => raw(name) ?? fallback,
    int,
    positive(name: string, fallback: number) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      return Number.isFinite(n) && n > 0 ? n : (bad(name, 'a number greater than 0', value) ?? fallback);
    },
    nonNegative(name: string, fallback: number) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      return Number.isFinite(n) && n >= 0 ? n : (bad(name, 'a number of at least 0', value) ?? fallback);
    },
    flag(name: string): boolean | undefined {
      const value = raw(name);
      if (value === undefined || value === 'true' || value === 'false')
        return value === undefined ? value : value === 'true';
      return bad(name, '"true" or "false"', value);
    },
    oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      const found = choices.find((choice) => choice === value.toUpperCase());
      return found ?? bad(name, `one of ${choices.join(', ')}`, value) ?? fallback;
    },
    /** An ISO instant, or epoch milliseconds. */
    instant(name: string) {
      const value = raw(name);
      if (value === undefined) return undefined;
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      return Number.isNaN(ms) ? bad(name, 'an ISO instant (e.g. 2026-03-02T09:00:00+08:00)', value) : ms;
    },
    url(name: string) {
      const value = raw(name);
      if (value === undefined) return undefined;
      return URL.canParse(value) ? value : bad(name, 'an absolute URL', value);
    },
  };
}

const DAY_MS = 86_400_000;

function read(env: Env) {
  const r = reader(env);
  const trustProxy = r.text('TRUST_PROXY');
  const dataDir = path.resolve(root, r.textOr('DATA_DIR', '.data'));
  const settings: Settings = {
    databaseUrl: r.text('DATABASE_URL'),
    postgresPort: r.int('POSTGRES_PORT', 1, 65535),
    dataDir,
    temporal: {
      address: r.text('TEMPORAL_ADDRESS'),
      namespace: r.textOr('TEMPORAL_NAMESPACE', 'default'),
      taskQueue: r.textOr('TEMPORAL_TASK_QUEUE', 'cases'),
      tlsCert: r.text('TEMPORAL_TLS_CERT'),
      tlsKey: r.text('TEMPORAL_TLS_KEY'),
      tlsCa: r.text('TEMPORAL_TLS_CA'),
      apiKey: r.text('TEMPORAL_API_KEY'),
      cli: r.text('TEMPORAL_CLI'),
      port: r.int('TEMPORAL_PORT', 1, 65535, 7233),
      uiPort: r.int('TEMPORAL_UI_PORT', 1, 65535, 8233),
      retentionDays: r.int('TEMPORAL_RETENTION_DAYS', 1, 36500, 3650),
      timeoutMs: r.int('ENGINE_TIMEOUT_MS', 1, DAY_MS, 10_000),
    },
    api: {
      port: r.int('PORT', 1, 65535, 3000),
      host: r.textOr('HOST', '127.0.0.1'),
      dbPool: r.int('API_DB_POOL', 1, 1000, 10),
      migrateOnStart: r.flag('MIGRATE_ON_START') ?? true,
      catalogueCacheSeconds: r.int('CATALOGUE_CACHE_SECONDS', 0, 86_400, 30),
      bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1024, 1024 ** 3, 1_048_576),
      corsOrigins: (r.text('CORS_ORIGINS') ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      applicantRatePerMinute: r.int('RATE_LIMIT_APPLICANT_PER_MINUTE', 1, 1_000_000, 10),
      trustProxy: trustProxy === 'true' ? true : trustProxy === 'false' ? false : trustProxy,
      logRequests: r.flag('LOG_REQUESTS') ?? false,
      webDistDir: r.text('WEB_DIST_DIR'),
      publicBaseUrl: r.url('PUBLIC_BASE_URL'),
    },
    auth: {
      sessionIdleMinutes: r.int('SESSION_IDLE_MINUTES', 1, 7 * 24 * 60, 30),
      sessionMaxHours: r.int('SESSION_MAX_HOURS', 1, 24 * 365, 12),
      cookieSecure: r.flag('COOKIE_SECURE') ?? false,
      loginFailures: r.int('RATE_LIMIT_LOGIN_FAILURES', 1, 1_000_000, 5),
      queryCodeFailures: r.int('RATE_LIMIT_QUERY_CODE_FAILURES', 1, 1_000_000, 10),
    },
    demoUsers: r.flag('DEMO_USERS'),
    demoPassword: r.textOr('DEMO_PASSWORD', 'demo'),
    catalogueFile: r.text('CATALOGUE_FILE'),
    cases: {
      certificatePrefix: r.textOr('CERTIFICATE_PREFIX', 'ZZ'),
      closeGraceMs: r.int('CASE_CLOSE_GRACE_MS', 1, DAY_MS),
      ratingFollowUpDays: r.int('RATING_FOLLOW_UP_DAYS', 1, 365, 15),
    },
    signing: {
      key: r.text('CERTIFICATE_SIGNING_KEY'),
      keyFile: r.text('CERTIFICATE_SIGNING_KEY_FILE'),
      keysDir: path.resolve(root, r.textOr('SIGNING_KEYS_DIR', path.join(dataDir, 'keys'))),
      checkpointIntervalMinutes: r.nonNegative('CHECKPOINT_INTERVAL_MINUTES', 60),
    },
    worker: {
      dbPool: r.int('WORKER_DB_POOL', 1, 1000, 10),
      cacheSize: r.int('WORKER_CACHE_SIZE', 0, 1_000_000),
      workflowSlots: r.int('WORKER_WORKFLOW_SLOTS', 2, 10_000),
      activitySlots: r.int('WORKER_ACTIVITY_SLOTS', 1, 10_000),
      logLevel: r.oneOf('WORKER_LOG_LEVEL', LOG_LEVELS, 'WARN'),
    },
    clock: {
      startMs: r.instant('CLOCK_START'),
      anchorMs: r.instant('CLOCK_ANCHOR'),
      speed: r.positive('CLOCK_SPEED', 1),
    },
    files: readFileSettings(r, dataDir),
  };
  const { tlsCert, tlsKey } = settings.temporal;
  if (Boolean(tlsCert) !== Boolean(tlsKey))
    r.problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  return { settings, problems: r.problems, names: r.names };
}

function readFileSettings(r: ReturnType<typeof reader>, dataDir: string): FileSettings {
  const maxBytes = r.int('FILE_MAX_BYTES', 1, 2 ** 40, DEFAULT_FILE_MAX_BYTES);
  const orphanHours = r.positive('FILE_ORPHAN_HOURS', DEFAULT_FILE_ORPHAN_HOURS);
  const bucket = r.text('S3_BUCKET');
  const endpoint = r.url('S3_ENDPOINT');
  const accessKeyId = r.text('S3_ACCESS_KEY_ID');
  const secretAccessKey = r.text('S3_SECRET_ACCESS_KEY');
  const region = r.textOr('S3_REGION', 'us-east-1');
  const pathStyle = r.flag('S3_FORCE_PATH_STYLE');
  if (!bucket) return { maxBytes, orphanHours, storage: { kind: 'folder', dir: path.join(dataDir, 'files') } };
  if (!accessKeyId || !secretAccessKey) {
    r.problems.push('S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too');
  }
  return {
    maxBytes,
    orphanHours,
    storage: {
      kind: 's3',
      ...(endpoint ? { endpoint } : {}),
      bucket,
      accessKeyId: accessKeyId ?? '',
      secretAccessKey: secretAccessKey ?? '',
      region,
      // Self-hosted servers rarely resolve bucket subdomains: path style unless told otherwise, when an endpoint is set.
      forcePathStyle: pathStyle ?? Boolean(endpoint),
    },
  };
}

/** The settings in `env`; a ConfigError lists every bad variable. */
export function readSettings(env: Env): Settings {
  const { settings, problems } = read(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/** Every variable the configuration reads (each is read whatever the others say). */
export const SETTING_NAMES: readonly string[] = read({}).names;

/** The process's settings; a bad variable ends the process with the message naming it. */
export function loadSettings(env: Env = process.env): Settings {
  try {
    return readSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** A setting this process cannot run without (the worker and the API need a database and an engine). */
export function required<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined) throw new ConfigError([`${name} must be set (${what})`]);
  return value;
}
