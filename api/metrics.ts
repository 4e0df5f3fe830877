/**
 * The API's Prometheus metrics (prom-client, one registry per app): HTTP requests by route pattern and status,
 * calls to the engine and its 503s, and, computed when scraped, cases by status and open deadline warnings from
 * the read models in PostgreSQL (two grouped counts over indexed columns).
 */
import type { FastifyInstance } from 'fastify';
import type postgres from 'postgres';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../infra/timeout.ts';
import { ApiError } from './errors.ts';

/** A route label for requests no route matched: raw URLs would make one series per probe of a scanner. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The label of a request: the route's pattern (`/applications/:caseNo`), never the URL with its values. */
export const routeLabel = (pattern: string | undefined): string => pattern || UNMATCHED_ROUTE;

export interface ApiMetrics {
  registry: Registry;
  /** One engine call: its operation (start, update, query ...) and whether it succeeded. */
  observeEngineCall(operation: string, outcome: 'ok' | 'error', seconds: number): void;
}

export function createApiMetrics(sql: postgres.Sql | undefined): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const engineCalls = new Histogram({
    name: 'engine_call_duration_seconds',
    help: 'Calls from the API to Temporal, by operation and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Counter({
    name: 'engine_unavailable_total',
    help: 'Requests answered 503 engine_unavailable (the engine did not answer in time)',
    registers: [registry],
  });
  new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  if (sql) registerReadModelGauges(registry, sql);
  return {
    registry,
    observeEngineCall: (operation, outcome, seconds) => engineCalls.observe({ operation, outcome }, seconds),
  };
}

/** How long a scrape waits for PostgreSQL: a scrape during an outage still answers the other metrics. */
const READ_MODEL_TIMEOUT_MS = 2000;

interface ReadModelCounts {
  cases: Array<{ status: string; n: number }>;
  warnings: Array<{ level: string; n: number }>;
}

function registerReadModelGauges(registry: Registry, sql: postgres.Sql) {
  // One read per scrape, shared by the three gauges below (prom-client collects them concurrently).
  let pending: Promise<ReadModelCounts | undefined> | undefined;
  const counts = () => {
    pending ??= withTimeout(
      Promise.all([
        sql<ReadModelCounts['cases']>`SELECT status, count(*)::int AS n FROM cases GROUP BY status`,
        sql<ReadModelCounts['warnings']>`
          SELECT warning_level AS level, count(*)::int AS n FROM supervision_cases
          WHERE warning_rank > 0 GROUP BY warning_level`,
      ]).then(([cases, warnings]) => ({ cases, warnings })),
      READ_MODEL_TIMEOUT_MS,
      'PostgreSQL',
    )
      .catch(() => undefined)
      .finally(() => (pending = undefined));
    return pending;
  };
  new Gauge({
    name: 'read_models_up',
    help: '1 when the scrape read the case counts from PostgreSQL, 0 when it could not (they are then absent)',
    registers: [registry],
    async collect() {
      this.set((await counts()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cases',
    help: 'Cases by status (the case read model)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await counts())?.cases ?? []) this.set({ status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'open_warnings',
    help: 'Open cases with a deadline warning in force, by level (yellow, red)',
    labelNames: ['level'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await counts())?.warnings ?? []) this.set({ level: row.level }, row.n);
    },
  });
}

/** Time every request by its route pattern; count the engine's 503s. */
export function registerHttpMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  const requests = metrics.registry.getSingleMetric('http_requests_total') as Counter<'method' | 'route' | 'status'>;
  const latency = metrics.registry.getSingleMetric('http_request_duration_seconds') as Histogram<
    'method' | 'route' | 'status'
  >;
  const unavailable = metrics.registry.getSingleMetric('engine_unavailable_total') as Counter;
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: routeLabel(request.routeOptions.url),
      status: String(reply.statusCode),
    };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });
  app.addHook('onError', async (_request, _reply, error) => {
    if (error instanceof ApiError && error.code === 'engine_unavailable') unavailable.inc();
  });
}
