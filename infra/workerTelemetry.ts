/**
 * The worker's logs and metrics. Logs: the SDK's logger writes one JSON object a line (pino), with the activity's
 * attributes and the request id its Update carried. Metrics: the SDK runtime's own Prometheus exporter on
 * WORKER_METRICS_HOST:WORKER_METRICS_PORT; the record step's latency is a custom metric of that same runtime, so one
 * port serves the SDK's metrics (workflow task failures, schedule-to-start latency, sticky cache) and ours.
 */
import { fileURLToPath } from 'node:url';
import { ApplicationFailure, type MetricHistogram } from '@temporalio/common';
import { DefaultLogger, Runtime, type ActivityInterceptorsFactory, type RuntimeOptions } from '@temporalio/worker';
import { pino } from 'pino';
import { CASE_RECORD_CONFLICT } from '../activities/recordCase.ts';
import type { Settings } from './config.ts';
import { requestIdOf } from './requestId.ts';

/** Bundled with the workflow: carries an Update's request id on to the record step (headers only). */
export const workflowInterceptorModules = [fileURLToPath(new URL('./workflowRequestId.ts', import.meta.url))];

export function workerRuntimeOptions(worker: Settings['worker']): RuntimeOptions {
  const out = pino({ level: 'trace', base: { process: 'worker', pid: process.pid } });
  const logger = new DefaultLogger(worker.logLevel, ({ level, message, meta }) => {
    out[level === 'WARN' ? 'warn' : (level.toLowerCase() as 'trace' | 'debug' | 'info' | 'error')](meta ?? {}, message);
  });
  return {
    logger,
    ...(worker.metricsPort !== undefined
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `${worker.metricsHost}:${worker.metricsPort}`,
                // Prometheus conventions: seconds, and counters ending in _total.
                useSecondsForDurations: true,
                countersTotalSuffix: true,
              },
            },
          },
        }
      : {}),
  };
}

/**
 * Every activity (the record step is the only one): its latency as `record_step_duration_seconds` (tagged with the
 * activity type and the outcome), and its log lines carrying the request id of the Update that scheduled it.
 */
let latency: MetricHistogram | undefined;

export const activityTelemetry: ActivityInterceptorsFactory = (ctx) => {
  let requestId: string | undefined;
  // Created once, on the installed runtime (its exporter), after Runtime.install has run.
  latency ??= Runtime.instance().metricMeter.createHistogram(
    'record_step_duration_seconds',
    'float',
    's',
    'Latency of a case step written to PostgreSQL',
  );
  const histogram = latency;
  return {
    inbound: {
      async execute(input, next) {
        requestId = requestIdOf(input.headers);
        const started = performance.now();
        let outcome = 'ok';
        try {
          return await next(input);
        } catch (error) {
          outcome = 'error';
          // A retried step that would rewrite the record: nobody may miss it.
          if (error instanceof ApplicationFailure && error.type === CASE_RECORD_CONFLICT) {
            ctx.log.error('case record conflict', { message: error.message, details: error.details });
          }
          throw error;
        } finally {
          const seconds = (performance.now() - started) / 1000;
          histogram.record(seconds, { activity_type: ctx.info.activityType, outcome });
          ctx.log.info('record step', { durationMs: Math.round(seconds * 1000), outcome });
        }
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next(requestId ? { ...input, requestId } : input);
      },
    },
  };
};
