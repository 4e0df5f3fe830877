/**
 * Operations over the real stack: /metrics after real requests (route patterns, statuses, engine calls, cases by
 * status against PostgreSQL), the request id from the HTTP answer to the API's and the worker's JSON log lines, the
 * worker's Prometheus endpoint (the SDK's metrics and the record step's), and /health/ready while PostgreSQL hangs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { applicationBody, newKey } from './http.ts';
import { useOwnStack } from './ownStack.ts';
import { waitUntil } from '../../infra/processes.ts';

const workerMetricsPort = await freePort();
const own = useOwnStack('observability', {
  LOG_REQUESTS: 'true',
  WORKER_LOG_LEVEL: 'INFO',
  WORKER_METRICS_PORT: String(workerMetricsPort),
  ENGINE_TIMEOUT_MS: '2000',
});

/** One sample of a metric from Prometheus text: the value of the series with exactly these labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (
      Object.keys(labels).every((key) => found[key] === labels[key]) &&
      Object.keys(found).length === Object.keys(labels).length
    ) {
      return Number(match[3]);
    }
  }
  return undefined;
}

async function jsonLines(file: string): Promise<Array<Record<string, any>>> {
  const text = await readFile(path.join(own.stack.logDir, file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
}

describe('request ids', () => {
  it('a sane X-Request-Id is echoed; a bad one or none gets a new UUID', async () => {
    const given = `probe-${randomUUID()}`;
    expect((await own.api.get('/health', { 'x-request-id': given })).headers.get('x-request-id')).toBe(given);
    const replaced = (await own.api.get('/health', { 'x-request-id': 'two words' })).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await own.api.get('/matters');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.headers.get('x-request-id')).not.toBe(replaced);
  });

  it("the same id is in the API's log lines of the request and in the worker's log line of the step it caused", async () => {
    const requestId = `submit-${randomUUID()}`;
    const submitted = await own.api
      .as('clerk1')
      .post('/applications', applicationBody(), { 'idempotency-key': newKey(), 'x-request-id': requestId });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.headers.get('x-request-id')).toBe(requestId);
    const caseNo = submitted.body.caseNo as string;
    await waitUntil(async () => (await jsonLines('api.log')).some((l) => l.requestId === requestId && l.res), {
      what: 'the API log line of the answer',
      timeoutMs: 10_000,
    });
    const apiLines = (await jsonLines('api.log')).filter((l) => l.requestId === requestId);
    expect(apiLines.some((l) => l.req?.method === 'POST' && l.req?.url === '/applications')).toBe(true);
    expect(apiLines.some((l) => l.res?.statusCode === 201)).toBe(true);
    await waitUntil(async () => (await jsonLines('worker.log')).some((l) => l.requestId === requestId), {
      what: 'the worker log line of the record step',
      timeoutMs: 10_000,
    });
    const step = (await jsonLines('worker.log')).find((l) => l.requestId === requestId && l.msg === 'record step');
    expect(step, 'a "record step" line with the request id').toBeDefined();
    expect(step).toMatchObject({ workflowId: caseNo, activityType: 'recordCase', outcome: 'ok' });
    expect(typeof step!.durationMs).toBe('number');
  });
});

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, times them, and counts cases by status as PostgreSQL does', async () => {
    const before = await fetch(`${own.stack.apiUrl}/metrics`);
    expect(before.status).toBe(200);
    const beforeText = await before.text();
    const count = (text: string, route: string, status: string) =>
      sample(text, 'http_requests_total', { method: 'GET', route, status }) ?? 0;
    const matters0 = count(beforeText, '/matters/:code', '200');
    const missing0 = count(beforeText, '/matters/:code', '404');
    for (let i = 0; i < 3; i++) expect((await own.api.get('/matters/OUTDOOR_AD_PERMIT')).status).toBe(200);
    expect((await own.api.get('/matters/NO_SUCH_MATTER')).status).toBe(404);
    expect((await own.api.get('/no/such/route/12345')).status).toBe(404);

    const response = await fetch(`${own.stack.apiUrl}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(count(text, '/matters/:code', '200')).toBe(matters0 + 3);
    expect(count(text, '/matters/:code', '404')).toBe(missing0 + 1);
    // no raw URL becomes a label
    expect(text).not.toContain('OUTDOOR_AD_PERMIT');
    expect(text).not.toContain('/no/such/route');
    expect(count(text, 'unmatched', '404')).toBeGreaterThanOrEqual(1);
    const histogram = { method: 'GET', route: '/matters/:code', status: '200' };
    expect(sample(text, 'http_request_duration_seconds_count', histogram)).toBe(matters0 + 3);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...histogram, le: '+Inf' })).toBe(matters0 + 3);
    expect(sample(text, 'http_request_duration_seconds_sum', histogram)).toBeGreaterThan(0);
    // the application submitted above went to the engine
    expect(
      sample(text, 'engine_call_duration_seconds_count', { operation: 'update_with_start', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'engine_unavailable_total', {})).toBe(0);
    expect(sample(text, 'read_models_up', {})).toBe(1);

    const rows = await own.sql<Array<{ status: string; n: number }>>`
      SELECT status, count(*)::int AS n FROM cases GROUP BY status`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(sample(text, 'cases', { status: row.status }), row.status).toBe(row.n);
    const warnings = await own.sql<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM supervision_cases WHERE warning_rank > 0`;
    const shown = ['yellow', 'red'].reduce((sum, level) => sum + (sample(text, 'open_warnings', { level }) ?? 0), 0);
    expect(shown).toBe(warnings[0]!.n);
  });

  it("the worker's endpoint serves the SDK runtime's metrics and the record step's latency", async () => {
    const text = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
    expect(text).toMatch(/^temporal_workflow_task_schedule_to_start_latency_count\{/m);
    expect(text).toMatch(/^temporal_sticky_cache_size[{ ]/m);
    const steps = text.split('\n').filter((l) => l.startsWith('record_step_duration_seconds_count{'));
    expect(
      steps.some((l) => l.includes('outcome="ok"') && Number(l.split(' ').at(-1)) >= 1),
      text,
    ).toBe(true);
  });
});

describe("the worker's failing workflow tasks", () => {
  it('show up as temporal_workflow_task_execution_failed_total', async () => {
    // A workflow type this worker does not host: each of its workflow tasks fails on the worker.
    const handle = await own.temporal.workflow.start('noSuchWorkflow', {
      taskQueue: own.stack.taskQueue,
      workflowId: `failing-task-${randomUUID()}`,
    });
    let failed = 0;
    try {
      await waitUntil(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
          failed = text
            .split('\n')
            .filter((l) => l.startsWith('temporal_workflow_task_execution_failed_total{'))
            .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
          return failed >= 1;
        },
        { what: 'a failed workflow task in the worker metrics', timeoutMs: 30_000 },
      );
    } finally {
      await handle.terminate('test over');
    }
    expect(failed).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /health/ready', () => {
  it('answers 503 naming PostgreSQL while it hangs, within its short timeout; /health stays 200', async () => {
    expect((await own.api.get('/health/ready')).body).toEqual({ status: 'ok', postgres: true, temporal: true });
    // Every PostgreSQL process (the postmaster and each backend, the API's pooled connections too) is stopped:
    // a hung server, the case a timeout is for.
    const backends = await own.sql<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL`;
    const stat = await readFile(`/proc/${backends[0]!.pid}/stat`, 'utf8');
    const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const pids = [postmaster, ...backends.map((b) => b.pid)];
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const ready = await own.api.get('/health/ready');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable', postgres: false, temporal: true });
      expect((await own.api.get('/health')).status).toBe(200);
      const metrics = await fetch(`${own.stack.apiUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(sample(await metrics.text(), 'read_models_up', {})).toBe(0);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
    await waitUntil(async () => (await own.api.get('/health/ready')).status === 200, {
      what: 'ready again',
      timeoutMs: 20_000,
    });
  });
});

describe('the engine not answering', () => {
  it('counts the 503s, the failed engine call and the 503 answers by route', async () => {
    const metricsText = async () => (await fetch(`${own.stack.apiUrl}/metrics`)).text();
    const submitted = await own.api
      .as('clerk1')
      .post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    expect(submitted.status).toBe(201);
    const before = await metricsText();
    const failed0 =
      sample(before, 'engine_call_duration_seconds_count', { operation: 'update', outcome: 'error' }) ?? 0;
    await own.stack.killWorker('SIGKILL');
    try {
      // With no worker polling, the Update cannot be applied: 503 once the engine deadline (2 s here) passes.
      const reply = await own.api
        .as('clerk1')
        .post(
          `/applications/${submitted.body.caseNo}/withdrawal`,
          { reason: '申请人撤回' },
          { 'idempotency-key': newKey() },
        );
      expect(reply.status, JSON.stringify(reply.body)).toBe(503);
      const text = await metricsText();
      expect(sample(text, 'engine_unavailable_total', {})).toBe(
        (sample(before, 'engine_unavailable_total', {}) ?? 0) + 1,
      );
      expect(sample(text, 'engine_call_duration_seconds_count', { operation: 'update', outcome: 'error' })).toBe(
        failed0 + 1,
      );
      expect(
        sample(text, 'http_requests_total', {
          method: 'POST',
          route: '/applications/:caseNo/withdrawal',
          status: '503',
        }),
      ).toBe(1);
    } finally {
      await own.stack.startWorker();
    }
  });
});
