/**
 * `npm run bench`: the system's throughput against the engine's ceiling, in one run on one Temporal dev server.
 *
 * 1. A fresh stack in a temp dir (embedded PostgreSQL, Temporal dev server, case worker, API: infra/stack.ts).
 * 2. Applications: BENCH_APPLICATIONS applications of the two-department matter OUTDOOR_AD_PERMIT, BENCH_CONCURRENCY
 *    in flight, each through submit → accept → two opinions (at once) → certificate over the HTTP API.
 * 3. Ceiling: the same number of applications' worth of Updates (submit by update-with-start, accept, two opinions at
 *    once), each answered, through a minimal workflow that does nothing else (bench/ceilingWorkflow.ts) on its own task
 *    queue (`bench-ceiling`) of the same dev server, served by a Worker inside this process and called straight
 *    through @temporalio/client.
 * Both paths are warmed first (BENCH_WARMUP applications each, not measured). The measured applications are split
 * into BENCH_ROUNDS rounds and the two paths alternate (applications, ceiling, applications, ...), so that a burst of
 * other work on the machine hits both; figures are totals over the rounds. Prints applications per second for both
 * paths and their ratio (goal ≥ 0.5), p50/p99 per call type, the dev server's and the workers' settings, the load
 * average, and the CPU each process of the stack used per application (far steadier than throughput on a shared
 * machine).
 *
 * Env (all optional):
 *   BENCH_APPLICATIONS (600)    measured applications per path (in total over the rounds)
 *   BENCH_CONCURRENCY (32)      applications in flight
 *   BENCH_WARMUP (100)          applications per path before measuring
 *   BENCH_ROUNDS (3)            measured rounds, each: applications, then ceiling
 *   BENCH_SQLITE_PRAGMAS        comma-separated SQLite pragmas instead of DEV_SERVER_PRAGMAS (infra/temporalServer.ts);
 *                               `none`: SQLite's own defaults
 *   BENCH_DEV_SERVER_ARGS       extra `temporal server start-dev` arguments, whitespace-separated, e.g.
 *                               `--dynamic-config-value matching.numTaskqueueReadPartitions=1`
 *   BENCH_KEEP_DATA             set: keep the temp dir (logs of every process, the SQLite and PostgreSQL files)
 * The stack reads its usual environment (worker.ts, server.ts). The ceiling's Worker takes the case worker's settings
 * (worker.ts workerTuning: WORKER_CACHE_SIZE, WORKER_WORKFLOW_SLOTS, WORKER_ACTIVITY_SLOTS, whose local activities
 * only the case worker has, and the sticky queue timeout); WORKER_DB_POOL and API_DB_POOL size the PostgreSQL pools of
 * the case worker and the API.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry } from '@temporalio/worker';
import { freePort } from '../infra/ports.ts';
import { startStack } from '../infra/stack.ts';
import { TEMPORAL_CLI_VERSION, cliVersion, findTemporalCli } from '../infra/temporalCli.ts';
import { DEV_SERVER_PRAGMAS } from '../infra/temporalServer.ts';
import { workerTuning } from '../worker.ts';
import { loadSettings } from '../infra/config.ts';
import { randomUscc } from '../test/support/identity.ts';
import { ceilingId, startCeiling, type Ceiling } from './ceiling.ts';
import { difference, formatCpu, snapshot, sumReports, type CpuReport } from './cpu.ts';

const N = Number(process.env.BENCH_APPLICATIONS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
const ROUNDS = Math.max(1, Math.min(N, Number(process.env.BENCH_ROUNDS ?? 3)));
const PRAGMAS =
  process.env.BENCH_SQLITE_PRAGMAS === 'none'
    ? []
    : process.env.BENCH_SQLITE_PRAGMAS
      ? process.env.BENCH_SQLITE_PRAGMAS.split(',').map((p) => p.trim())
      : DEV_SERVER_PRAGMAS;
const EXTRA_ARGS = (process.env.BENCH_DEV_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);

// The ceiling's Worker runs with the case worker's settings (worker.ts reads the same configuration).
const settings = loadSettings();
const tuning = workerTuning(settings.worker);

/**
 * The SDK core's warning when the server no longer has the workflow task a worker completes: the worker then evicts
 * the workflow and replays its history on its next task. Counted for both workers rather than printed each time.
 */
const TASK_NOT_FOUND = 'Task not found when completing';
let ceilingTasksNotFound = 0;
function log(entry: LogEntry) {
  if (entry.message.includes(TASK_NOT_FOUND)) ceilingTasksNotFound++;
  else if (!entry.message.startsWith('No activities registered')) {
    console.error(`[${entry.level}] ${entry.message}`, entry.meta ?? '');
  }
}

const latencies = new Map<string, number[]>();
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    const list = latencies.get(name) ?? [];
    list.push(performance.now() - start);
    latencies.set(name, list);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** The demo accounts' password (the stack below seeds them: DEMO_USERS=true). */
const DEMO_PASSWORD = settings.demoPassword;
const sessions = new Map<string, Promise<string>>();

/** A bearer token of a demo user (clerk1, reviewer.<DEPT>): one login per user for the whole run. */
function session(apiUrl: string, username: string): Promise<string> {
  let token = sessions.get(username);
  if (!token) {
    token = fetch(`${apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    }).then(async (response) => {
      const json = (await response.json()) as { token?: string };
      if (!response.ok || !json.token) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(json)}`);
      return json.token;
    });
    sessions.set(username, token);
  }
  return token;
}

async function post(url: string, as: string, body: unknown, headers: Record<string, string> = {}) {
  const token = await session(new URL(url).origin, as);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as any;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function runApplications(apiUrl: string, n: number, round: string) {
  let certificates = 0;
  const start = performance.now();
  await pool(n, CONCURRENCY, async (i) => {
    const submitted = await timed('POST /applications', () =>
      post(
        `${apiUrl}/applications`,
        'clerk1',
        {
          matters: ['OUTDOOR_AD_PERMIT'],
          applicant: { type: 'organisation', name: `压测企业${round}-${i}`, idNumber: randomUscc() },
          materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'],
        },
        { 'idempotency-key': randomUUID() },
      ),
    );
    const accepted = await timed('POST /applications/:caseNo/acceptance', () =>
      post(`${apiUrl}/applications/${submitted.caseNo}/acceptance`, 'clerk1', { decision: 'accept' }),
    );
    let last: any;
    await Promise.all(
      accepted.tasks.map(async (task: any) => {
        const reply = await timed('POST /tasks/:id/opinion', () =>
          post(`${apiUrl}/tasks/${task.id}/opinion`, `reviewer.${task.department}`, { decision: 'approve' }),
        );
        if (reply.status === 'approved') last = reply;
      }),
    );
    if (!last) throw new Error(`case ${submitted.caseNo} not approved`);
    certificates += last.certificates.length;
  });
  return { seconds: (performance.now() - start) / 1000, certificates };
}

async function runCeiling(ceiling: Ceiling, n: number, round: string) {
  const start = performance.now();
  await pool(n, CONCURRENCY, (i) => ceiling.runOne(ceilingId(round, i), timed));
  return { seconds: (performance.now() - start) / 1000 };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

Runtime.install({
  logger: new DefaultLogger('WARN', log),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
});
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-bench-'));
const cli = await findTemporalCli(settings.temporal.cli);
const stack = await startStack({
  dataDir,
  apiPort: await freePort(),
  devServerPragmas: PRAGMAS,
  devServerExtraArgs: EXTRA_ARGS,
  // the demo accounts the load signs in as (clerk1 submits and accepts, each department's reviewer decides)
  env: { DEMO_USERS: 'true' },
});
let ceiling: Ceiling | undefined;
try {
  ceiling = await startCeiling(stack.temporalAddress, stack.namespace, tuning);
  const devServerPid = stack.temporal?.process.pid;
  const workerPid = stack.worker.pid;
  const label = (p: { pid: number; comm: string }) =>
    p.pid === process.pid
      ? 'bench (load, ceiling worker)'
      : p.pid === devServerPid
        ? 'temporal'
        : p.pid === workerPid
          ? 'case worker'
          : p.comm === 'node'
            ? 'api'
            : p.comm.startsWith('postgres')
              ? 'postgres'
              : p.comm;

  const worker = settings.worker;
  const or = (value: number | undefined, fallback: string) => (value === undefined ? fallback : String(value));
  console.log(
    [
      `benchmark: ${N} applications per path in ${ROUNDS} round(s), concurrency ${CONCURRENCY}, warm-up ${WARMUP}, ` +
        `${os.cpus().length} cores, load average at start ${load()}`,
      `dev server: Temporal CLI ${cliVersion(cli) ?? '?'} (pinned ${TEMPORAL_CLI_VERSION}), ` +
        `SQLite pragmas ${PRAGMAS.join(' ') || 'none (SQLite defaults)'}` +
        (EXTRA_ARGS.length ? `, extra args: ${EXTRA_ARGS.join(' ')}` : ''),
      `workers: cache ${ceiling.settings.maxCachedWorkflows} workflows (WORKER_CACHE_SIZE ${or(worker.cacheSize, 'unset')}), ` +
        `workflow task slots ${ceiling.settings.workflowSlots} (WORKER_WORKFLOW_SLOTS ${or(worker.workflowSlots, 'unset')}), ` +
        `case worker local activity slots ${or(worker.activitySlots, `${ceiling.settings.localActivitySlots} (default)`)}, ` +
        `sticky queue timeout ${tuning.stickyQueueScheduleToStartTimeout}`,
      `PostgreSQL pools: worker ${worker.dbPool}, API ${settings.api.dbPool}`,
    ].join('\n'),
  );

  // Warm both paths (JIT, connection pools, workflow bundles) so that neither pays for it in the measured run.
  await runApplications(stack.apiUrl, WARMUP, 'w');
  await runCeiling(ceiling, WARMUP, 'w');
  latencies.clear();

  const totals = { apps: 0, ceiling: 0, certificates: 0 };
  const cpu: { apps: CpuReport[]; ceiling: CpuReport[] } = { apps: [], ceiling: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const n = Math.round((N * round) / ROUNDS) - Math.round((N * (round - 1)) / ROUNDS);
    let before = snapshot(label);
    const apps = await runApplications(stack.apiUrl, n, String(round));
    cpu.apps.push(difference(before, snapshot(label)));
    before = snapshot(label);
    const top = await runCeiling(ceiling, n, String(round));
    cpu.ceiling.push(difference(before, snapshot(label)));
    totals.apps += apps.seconds;
    totals.ceiling += top.seconds;
    totals.certificates += apps.certificates;
    if (ROUNDS > 1) {
      console.log(
        `round ${round}: applications ${(n / apps.seconds).toFixed(1)}/s, ceiling ${(n / top.seconds).toFixed(1)}/s, ` +
          `ratio ${(top.seconds / apps.seconds).toFixed(2)}, load ${load()}`,
      );
    }
  }

  console.log('\nper call latency (ms)');
  for (const [name, values] of latencies) {
    console.log(
      `  ${name.padEnd(40)} n=${String(values.length).padStart(5)}  p50=${percentile(values, 50).toFixed(1).padStart(7)}  p99=${percentile(values, 99).toFixed(1).padStart(7)}`,
    );
  }
  const appsPerSecond = N / totals.apps;
  const ceilingPerSecond = N / totals.ceiling;
  const appsCpu = sumReports(cpu.apps);
  const ceilingCpu = sumReports(cpu.ceiling);
  console.log(
    `\napplications end to end: ${appsPerSecond.toFixed(1)}/s (${N} in ${totals.apps.toFixed(1)} s, ${totals.certificates} certificates)`,
  );
  console.log(`  ${formatCpu(appsCpu, N)}`);
  console.log(
    `engine ceiling (minimal workflow, same Updates): ${ceilingPerSecond.toFixed(1)}/s (${N} in ${totals.ceiling.toFixed(1)} s)`,
  );
  console.log(`  ${formatCpu(ceilingCpu, N)}`);
  console.log(`ratio: ${(appsPerSecond / ceilingPerSecond).toFixed(2)} of the ceiling (goal >= 0.5)`);
  const perApp = (r: CpuReport) => (r.ours * 1000) / N;
  console.log(
    `cpu per application (all processes of the stack): ${perApp(appsCpu).toFixed(1)} ms end to end, ` +
      `${perApp(ceilingCpu).toFixed(1)} ms ceiling; cpu ratio ${(perApp(ceilingCpu) / perApp(appsCpu)).toFixed(2)}`,
  );
  console.log(`load average at end: ${load()}`);
} finally {
  await ceiling?.stop();
  await stack.stop();
  const workerLog = await readFile(path.join(dataDir, 'logs', 'worker.log'), 'utf8').catch(() => '');
  const caseTasksNotFound = workerLog.split(TASK_NOT_FOUND).length - 1;
  console.log(
    `workflow tasks the server no longer had at completion (evicted, replayed; warm-up included): ` +
      `case worker ${caseTasksNotFound}, ceiling worker ${ceilingTasksNotFound}`,
  );
  if (process.env.BENCH_KEEP_DATA) console.log(`data and logs kept in ${dataDir}`);
  else await rm(dataDir, { recursive: true, force: true });
}
