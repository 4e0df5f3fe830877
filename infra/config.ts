/**
 * The whole configuration, read from the environment once when a process starts and checked: types, ranges and
 * defaults, and an error that names the variable. Every other module receives these typed settings; none reads
 * process.env. docs/configuration.md documents each variable (a unit test keeps the two in step).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COMPLAINT_ANSWER_DAYS, DEFAULT_COMPLAINT_WARNING_DAYS } from '../rules/complaints.ts';
import { DEFAULT_FILE_MAX_BYTES, DEFAULT_FILE_ORPHAN_HOURS, type FileSettings } from '../files/settings.ts';
import { DEFAULT_APPOINTMENT_RULES, type AppointmentRules } from '../rules/appointments.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type WorkerLogLevel = (typeof LOG_LEVELS)[number];
const API_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'SILENT'] as const;
export type ApiLogLevel = Lowercase<(typeof API_LOG_LEVELS)[number]>;

export interface Settings {
  /** External PostgreSQL; unset: the launcher starts an embedded one (worker and API require it). */
  databaseUrl: string | undefined;
  /** The embedded PostgreSQL's port (unset: a free one). */
  postgresPort: number | undefined;
  /** The worker's and the API's PostgreSQL connections: how long to wait for one, and for one statement. */
  database: { connectTimeoutSeconds: number; statementTimeoutMs: number };
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
    /** pino's level for the API's JSON log (stdout). */
    logLevel: ApiLogLevel;
    /** Bearer token for GET /metrics; unset: only loopback clients may read it. */
    metricsToken: string | undefined;
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
  /** 投诉 · 咨询: working days to answer, and how many before the due day the yellow card shows. */
  complaints: { answerDays: number; warningDays: number };
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
    /** The SDK runtime's Prometheus endpoint (with the record-step latency); unset: no metrics endpoint. */
    metricsPort: number | undefined;
    metricsHost: string;
  };
  clock: { startMs: number | undefined; anchorMs: number | undefined; speed: number };
  /** Electronic materials: size limit, orphan age, folder or S3 storage. */
  files: FileSettings;
  hall: HallSettings;
}

/** The hall's queue and appointments (docs/hall.md). */
export interface HallSettings {
  /** Ticket letters fixed per service line (a lead department's code, or THEME): `SAMR=A,THEME=T`. */
  lineLetters: Record<string, string>;
  /** Lines a window serves, where not every line (无差别受理): `W05=SAMR+TAX;W06=PSB`. */
  windowLines: Record<string, string[]>;
  /** Calls (first call and 重呼) before a ticket may be marked a no-show (过号). */
  callsBeforeNoShow: number;
  /** Minutes a ticket is assumed to take at the window before any has been served today (the wait estimate). */
  serviceMinutes: number;
  /** Tickets a kiosk (one client address) may take per minute. */
  kioskPerMinute: number;
  appointments: AppointmentRules;
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

const LINE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** `SAMR=A,THEME=T`: each line code to one capital letter, no letter twice. */
function parseLineLetters(value: string | undefined, problem: (expected: string) => void): Record<string, string> {
  if (value === undefined) return {};
  const pairs = value.split(',').map((pair) => pair.trim().split('='));
  const letters = Object.fromEntries(pairs.map(([line, letter]) => [line?.trim(), letter?.trim()]));
  const valid = pairs.every(([line, letter]) => LINE.test(line?.trim() ?? '') && /^[A-Z]$/.test(letter?.trim() ?? ''));
  const distinct = new Set(Object.values(letters)).size === pairs.length;
  if (!valid || !distinct)
    problem('LINE=LETTER pairs separated by commas, one capital letter per line, e.g. SAMR=A,THEME=T');
  return valid && distinct ? letters : {};
}

/** `W05=SAMR+TAX;W06=PSB`: the lines of each window named. */
function parseWindowLines(value: string | undefined, problem: (expected: string) => void): Record<string, string[]> {
  if (value === undefined) return {};
  const entries = value.split(';').map((entry) => {
    const [window, lines] = entry.split('=').map((part) => part.trim());
    return [window ?? '', (lines ?? '').split('+').map((l) => l.trim())] as const;
  });
  const valid = entries.every(
    ([window, lines]) => /^[A-Za-z0-9_-]{1,64}$/.test(window) && lines.length > 0 && lines.every((l) => LINE.test(l)),
  );
  if (!valid) problem('WINDOW=LINE+LINE entries separated by semicolons, e.g. W05=SAMR+TAX;W06=PSB');
  return valid ? Object.fromEntries(entries.map(([w, l]) => [w, [...l]])) : {};
}

/** `09:00-12:00,13:30-17:00`: opening periods in order, China time. */
function parseHours(value: string | undefined, problem: (expected: string) => void): Array<[string, string]> {
  if (value === undefined) return DEFAULT_APPOINTMENT_RULES.hours;
  const periods = value.split(',').map((p) => p.trim().split('-') as [string, string]);
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  const valid = periods.every(
    ([open, close], i) =>
      time.test(open ?? '') && time.test(close ?? '') && open < close && (i === 0 || periods[i - 1]![1] <= open),
  );
  if (!valid) problem('periods HH:MM-HH:MM in order, separated by commas, e.g. 09:00-12:00,13:30-17:00');
  return valid ? periods : DEFAULT_APPOINTMENT_RULES.hours;
}

function read(env: Env) {
  const r = reader(env);
  const trustProxy = r.text('TRUST_PROXY');
  const dataDir = path.resolve(root, r.textOr('DATA_DIR', '.data'));
  const settings: Settings = {
    databaseUrl: r.text('DATABASE_URL'),
    postgresPort: r.int('POSTGRES_PORT', 1, 65535),
    database: {
      connectTimeoutSeconds: r.int('DB_CONNECT_TIMEOUT_SECONDS', 1, 3600, 5),
      statementTimeoutMs: r.int('DB_STATEMENT_TIMEOUT_MS', 0, DAY_MS, 15_000),
    },
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
      logLevel: r.oneOf('API_LOG_LEVEL', API_LOG_LEVELS, 'INFO').toLowerCase() as ApiLogLevel,
      metricsToken: r.text('METRICS_TOKEN'),
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
    complaints: {
      answerDays: r.int('COMPLAINT_ANSWER_DAYS', 1, 365, DEFAULT_COMPLAINT_ANSWER_DAYS),
      warningDays: r.int('COMPLAINT_WARNING_DAYS', 0, 365, DEFAULT_COMPLAINT_WARNING_DAYS),
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
      metricsPort: r.int('WORKER_METRICS_PORT', 1, 65535),
      metricsHost: r.textOr('WORKER_METRICS_HOST', '127.0.0.1'),
    },
    clock: {
      startMs: r.instant('CLOCK_START'),
      anchorMs: r.instant('CLOCK_ANCHOR'),
      speed: r.positive('CLOCK_SPEED', 1),
    },
    files: readFileSettings(r, dataDir),
    hall: {
      lineLetters: parseLineLetters(r.text('QUEUE_LINE_LETTERS'), (e) =>
        r.problems.push(`QUEUE_LINE_LETTERS must be ${e}`),
      ),
      windowLines: parseWindowLines(r.text('QUEUE_WINDOW_LINES'), (e) =>
        r.problems.push(`QUEUE_WINDOW_LINES must be ${e}`),
      ),
      callsBeforeNoShow: r.int('QUEUE_CALLS_BEFORE_NO_SHOW', 1, 10, 2),
      serviceMinutes: r.int('QUEUE_SERVICE_MINUTES', 1, 240, 8),
      kioskPerMinute: r.int('RATE_LIMIT_KIOSK_PER_MINUTE', 1, 1_000_000, 30),
      appointments: {
        ...DEFAULT_APPOINTMENT_RULES,
        hours: parseHours(r.text('APPOINTMENT_HOURS'), (e) => r.problems.push(`APPOINTMENT_HOURS must be ${e}`)),
        slotMinutes: r.int('APPOINTMENT_SLOT_MINUTES', 5, 240, DEFAULT_APPOINTMENT_RULES.slotMinutes),
        capacity: r.int('APPOINTMENT_SLOT_CAPACITY', 1, 1000, DEFAULT_APPOINTMENT_RULES.capacity),
        daysAhead: r.int('APPOINTMENT_DAYS_AHEAD', 0, 365, DEFAULT_APPOINTMENT_RULES.daysAhead),
        cancelCutoffMinutes: r.int(
          'APPOINTMENT_CANCEL_CUTOFF_MINUTES',
          0,
          7 * 24 * 60,
          DEFAULT_APPOINTMENT_RULES.cancelCutoffMinutes,
        ),
        noShowLimit: r.int('APPOINTMENT_NO_SHOW_LIMIT', 1, 100, DEFAULT_APPOINTMENT_RULES.noShowLimit),
        noShowDays: r.int('APPOINTMENT_NO_SHOW_DAYS', 1, 365, DEFAULT_APPOINTMENT_RULES.noShowDays),
      },
    },
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
