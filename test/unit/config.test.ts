/** The configuration: defaults, types and ranges, and errors that name the variable. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, readSettings, required, SETTING_NAMES } from '../../infra/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function problemsOf(env: Record<string, string>): string[] {
  try {
    readSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('an empty environment is a whole configuration: the development machine', () => {
    const settings = readSettings({});
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.database).toEqual({ connectTimeoutSeconds: 5, statementTimeoutMs: 15_000 });
    expect(settings.temporal).toMatchObject({
      address: undefined,
      namespace: 'default',
      taskQueue: 'cases',
      port: 7233,
      uiPort: 8233,
      retentionDays: 3650,
      timeoutMs: 10_000,
    });
    expect(settings.api).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dbPool: 10,
      migrateOnStart: true,
      catalogueCacheSeconds: 30,
      bodyLimitBytes: 1_048_576,
      corsOrigins: [],
      applicantRatePerMinute: 10,
      trustProxy: undefined,
      logRequests: false,
      logLevel: 'info',
      metricsToken: undefined,
    });
    expect(settings.auth).toEqual({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      cookieSecure: false,
      loginFailures: 5,
      queryCodeFailures: 10,
    });
    expect(settings.demoUsers).toBeUndefined();
    expect(settings.demoPassword).toBe('demo');
    expect(settings.cases).toEqual({ certificatePrefix: 'ZZ', closeGraceMs: undefined, ratingFollowUpDays: 15 });
    expect(settings.worker).toMatchObject({
      dbPool: 10,
      cacheSize: undefined,
      logLevel: 'WARN',
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
    });
    expect(settings.clock).toEqual({ startMs: undefined, anchorMs: undefined, speed: 1 });
    expect(settings.dataDir).toBe(path.join(root, '.data'));
  });

  it('an empty value counts as unset', () => {
    expect(readSettings({ PORT: '', DEMO_USERS: ' ', TEMPORAL_ADDRESS: '' })).toMatchObject({
      api: { port: 3000 },
      demoUsers: undefined,
      temporal: { address: undefined },
    });
  });
});

describe('values', () => {
  it('are parsed into their types', () => {
    const settings = readSettings({
      PORT: '8080',
      DEMO_USERS: 'false',
      COOKIE_SECURE: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example,',
      TRUST_PROXY: '10.0.0.0/8',
      CLOCK_START: '2026-03-02T09:00:00+08:00',
      CLOCK_ANCHOR: '1700000000000',
      CLOCK_SPEED: '86400',
      WORKER_LOG_LEVEL: 'info',
      DATA_DIR: '/srv/approvals',
      API_LOG_LEVEL: 'debug',
      WORKER_METRICS_PORT: '9464',
      METRICS_TOKEN: 's3cret',
    });
    expect(settings.api.logLevel).toBe('debug');
    expect(settings.api.metricsToken).toBe('s3cret');
    expect(settings.worker.metricsPort).toBe(9464);
    expect(settings.api.port).toBe(8080);
    expect(settings.demoUsers).toBe(false);
    expect(settings.auth.cookieSecure).toBe(true);
    expect(settings.api.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(settings.api.trustProxy).toBe('10.0.0.0/8');
    expect(settings.clock).toEqual({
      startMs: Date.parse('2026-03-02T01:00:00Z'),
      anchorMs: 1_700_000_000_000,
      speed: 86400,
    });
    expect(settings.worker.logLevel).toBe('INFO');
    expect(settings.dataDir).toBe('/srv/approvals');
    expect(readSettings({ TRUST_PROXY: 'true' }).api.trustProxy).toBe(true);
  });

  it('a bad value is an error naming the variable and what it must be', () => {
    expect(() => readSettings({ PORT: 'abc' })).toThrow('PORT must be an integer between 1 and 65535, got "abc"');
    expect(problemsOf({ DEMO_USERS: 'yes' })).toEqual(['DEMO_USERS must be "true" or "false", got "yes"']);
    expect(problemsOf({ CLOCK_START: 'monday' })[0]).toMatch(/^CLOCK_START must be an ISO instant/);
    expect(problemsOf({ CLOCK_SPEED: '0' })).toEqual(['CLOCK_SPEED must be a number greater than 0, got "0"']);
    expect(problemsOf({ WORKER_LOG_LEVEL: 'LOUD' })).toEqual([
      'WORKER_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, got "LOUD"',
    ]);
    expect(problemsOf({ PUBLIC_BASE_URL: 'approvals.example' })).toEqual([
      'PUBLIC_BASE_URL must be an absolute URL, got "approvals.example"',
    ]);
  });

  it('the PostgreSQL timeouts are read, and a statement timeout of 0 means none', () => {
    expect(readSettings({ DB_CONNECT_TIMEOUT_SECONDS: '2', DB_STATEMENT_TIMEOUT_MS: '0' }).database).toEqual({
      connectTimeoutSeconds: 2,
      statementTimeoutMs: 0,
    });
    expect(() => readSettings({ DB_CONNECT_TIMEOUT_SECONDS: '0' })).toThrow(/DB_CONNECT_TIMEOUT_SECONDS/);
  });

  it('integers are checked against their range, and fractions are refused', () => {
    expect(problemsOf({ PORT: '0' })).toEqual(['PORT must be an integer between 1 and 65535, got "0"']);
    expect(problemsOf({ PORT: '65536' })).toEqual(['PORT must be an integer between 1 and 65535, got "65536"']);
    expect(readSettings({ PORT: '65535' }).api.port).toBe(65535);
    expect(problemsOf({ SESSION_IDLE_MINUTES: '1.5' })[0]).toMatch(/^SESSION_IDLE_MINUTES must be an integer/);
    expect(problemsOf({ ENGINE_TIMEOUT_MS: '-1' })[0]).toMatch(/^ENGINE_TIMEOUT_MS must be an integer between 1 and/);
    expect(problemsOf({ BODY_LIMIT_BYTES: '10' })[0]).toMatch(/^BODY_LIMIT_BYTES must be an integer between 1024 and/);
  });

  it('every bad variable is named at once, not one per start-up', () => {
    expect(problemsOf({ PORT: 'x', API_DB_POOL: '0', TEMPORAL_TLS_CERT: '/cert.pem' })).toEqual([
      'PORT must be an integer between 1 and 65535, got "x"',
      'API_DB_POOL must be an integer between 1 and 1000, got "0"',
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together',
    ]);
  });

  it('a setting a process cannot run without is named when missing', () => {
    expect(() => required(readSettings({}).databaseUrl, 'DATABASE_URL', 'the case record')).toThrow(
      'DATABASE_URL must be set (the case record)',
    );
  });
});

describe('the hall', () => {
  it('defaults: every window every line, letters in code order, the appointment rules of docs/hall.md', () => {
    const { hall } = readSettings({});
    expect(hall).toMatchObject({ lineLetters: {}, windowLines: {}, callsBeforeNoShow: 2, kioskPerMinute: 30 });
    expect(hall.appointments).toMatchObject({ slotMinutes: 30, capacity: 4, noShowLimit: 3, noShowDays: 30 });
  });

  it('letters, window lines and opening hours are parsed', () => {
    const { hall } = readSettings({
      QUEUE_LINE_LETTERS: 'SAMR=A, THEME=T',
      QUEUE_WINDOW_LINES: 'W05=SAMR+TAX;W06=PSB',
      APPOINTMENT_HOURS: '08:30-12:00,14:00-17:30',
    });
    expect(hall.lineLetters).toEqual({ SAMR: 'A', THEME: 'T' });
    expect(hall.windowLines).toEqual({ W05: ['SAMR', 'TAX'], W06: ['PSB'] });
    expect(hall.appointments.hours).toEqual([
      ['08:30', '12:00'],
      ['14:00', '17:30'],
    ]);
  });

  it('malformed hall settings are errors naming the variable', () => {
    expect(problemsOf({ QUEUE_LINE_LETTERS: 'SAMR=A,PSB=A' })[0]).toMatch(/^QUEUE_LINE_LETTERS must be/);
    expect(problemsOf({ QUEUE_LINE_LETTERS: 'SAMR=ab' })[0]).toMatch(/^QUEUE_LINE_LETTERS/);
    expect(problemsOf({ QUEUE_WINDOW_LINES: 'W05=' })[0]).toMatch(/^QUEUE_WINDOW_LINES/);
    expect(problemsOf({ APPOINTMENT_HOURS: '13:00-12:00' })[0]).toMatch(/^APPOINTMENT_HOURS/);
    expect(problemsOf({ APPOINTMENT_HOURS: '09:00-12:00,11:00-17:00' })[0]).toMatch(/^APPOINTMENT_HOURS/);
    expect(problemsOf({ QUEUE_CALLS_BEFORE_NO_SHOW: '0' })[0]).toMatch(/^QUEUE_CALLS_BEFORE_NO_SHOW/);
  });
});

describe('the test harness knobs are no configuration', () => {
  it('nothing reads CASE_HISTORY_LIMIT or WORKFLOWS_PATH', () => {
    expect(SETTING_NAMES).not.toContain('CASE_HISTORY_LIMIT');
    expect(SETTING_NAMES).not.toContain('WORKFLOWS_PATH');
    expect(SETTING_NAMES).toContain('PORT');
    expect(new Set(SETTING_NAMES).size).toBe(SETTING_NAMES.length);
  });
});

/** Every .ts / .tsx file of the repository outside dependencies, builds and data. */
function sourceFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', '.data', '.tools', '.git'].includes(entry.name) ? [] : sourceFiles(full);
    }
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** `process.env.NAME` and `process.env['NAME']` reads, per file (relative path). */
function environmentReads(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    if (file === fileURLToPath(import.meta.url)) continue; // its own patterns and comments
    const text = readFileSync(file, 'utf8');
    const names = [...text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)].map(
      (m) => (m[1] ?? m[2]) as string,
    );
    if (names.length > 0) reads.set(path.relative(root, file), names);
  }
  return reads;
}

/** The variables docs/configuration.md documents: the backticked names in the first column of its tables. */
function documentedNames(): string[] {
  const text = readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string));
}

/** Set by the operating system or npm, not by whoever runs the system. */
const NOT_OURS = ['PATH', 'INIT_CWD'];

describe('docs/configuration.md and the code', () => {
  const reads = environmentReads();

  it('only infra/config.ts reads the system environment; elsewhere only the development tools read theirs', () => {
    const tools = [/^bench\//, /^test\//, /^web\/vite\.config\.ts$/, /^infra\/versitygw\.ts$/];
    const elsewhere = [...reads]
      .filter(([file]) => !tools.some((tool) => tool.test(file)))
      .flatMap(([file, names]) => names.filter((name) => !NOT_OURS.includes(name)).map((name) => `${file}: ${name}`));
    expect(elsewhere).toEqual([]);
  });

  it('every variable the code reads is documented, and every documented one is read', () => {
    const toolReads = [...reads.values()].flat().filter((name) => !NOT_OURS.includes(name));
    const read = new Set([...SETTING_NAMES, ...toolReads]);
    const documented = new Set(documentedNames());
    expect([...read].filter((name) => !documented.has(name)).sort(), 'read but not documented').toEqual([]);
    expect([...documented].filter((name) => !read.has(name)).sort(), 'documented but never read').toEqual([]);
  });

  it('every variable the README names is read', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const named = [...readme.matchAll(/`([A-Z][A-Z0-9_]+)`/g)]
      .map((m) => m[1] as string)
      .filter((n) => n !== 'LICENSE');
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
  });

  it('the tools read none of the system settings behind its back', () => {
    const toolReads = new Set([...reads.values()].flat());
    expect(SETTING_NAMES.filter((name) => toolReads.has(name) && name !== 'TEMPORAL_NAMESPACE')).toEqual([]);
  });
});
