/**
 * `npm run bench`: N applications (a matter with two departments) pushed concurrently through
 * submit → accept → 2 opinions → certificate over the HTTP API, then the same number of signals through a minimal
 * Restate workflow on the same server (the engine's ceiling). Prints throughput, p50/p99 per call, and the ratio.
 * Env: BENCH_APPLICATIONS (300), BENCH_CONCURRENCY (32), BENCH_WARMUP (100, not measured).
 */
import '../infra/polyfills.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as clients from '@restatedev/restate-sdk-clients';
import { freePort } from '../infra/ports.ts';
import { registerDeployment } from '../infra/restate.ts';
import { startStack } from '../infra/stack.ts';
import { ceilingWorkflow, serveCeiling } from './ceiling.ts';

const N = Number(process.env.BENCH_APPLICATIONS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);

const latencies = new Map<string, number[]>();
async function timed<T>(name: string, fn: () => PromiseLike<T>): Promise<T> {
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

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as any;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function runApplications(apiUrl: string, n = N) {
  let certificates = 0;
  const start = performance.now();
  await pool(n, CONCURRENCY, async (i) => {
    const submitted = await timed('POST /applications', () =>
      post(
        `${apiUrl}/applications`,
        {
          matters: ['OUTDOOR_AD_PERMIT'],
          applicant: { type: 'organisation', name: `压测企业${i}`, idNumber: `BENCH${i}` },
          materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'],
          receivedBy: { clerkId: 'bench', window: 'W01' },
        },
        { 'idempotency-key': randomUUID() },
      ),
    );
    const accepted = await timed('POST /applications/:caseNo/acceptance', () =>
      post(`${apiUrl}/applications/${submitted.caseNo}/acceptance`, { decision: 'accept', clerkId: 'bench' }),
    );
    let last: any;
    await Promise.all(
      accepted.tasks.map(async (task: any) => {
        const reply = await timed('POST /tasks/:id/opinion', () =>
          post(`${apiUrl}/tasks/${task.id}/opinion`, { decision: 'approve', reviewerId: 'bench' }),
        );
        if (reply.status === 'approved') last = reply;
      }),
    );
    if (!last) throw new Error(`case ${submitted.caseNo} not approved`);
    certificates += last.certificates.length;
  });
  const seconds = (performance.now() - start) / 1000;
  return { seconds, perSecond: n / seconds, certificates };
}

async function runCeiling(ingressUrl: string, n = N) {
  const ingress = clients.connect({ url: ingressUrl });
  const start = performance.now();
  await pool(n, CONCURRENCY, async (i) => {
    const id = `ceiling-${i}-${randomUUID()}`;
    const wf = ingress.workflowClient(ceilingWorkflow, id);
    await timed('ceiling submit', () => wf.workflowSubmit());
    await timed('ceiling signal', () => wf.signal('accept'));
    await Promise.all([
      timed('ceiling signal', () => wf.signal('opinion1')),
      timed('ceiling signal', () => wf.signal('opinion2')),
    ]);
    const result = await timed('ceiling attach', () => wf.workflowAttach());
    if (result !== 'approved') throw new Error(`ceiling workflow ${id} returned ${result}`);
  });
  const seconds = (performance.now() - start) / 1000;
  return { seconds, perSecond: n / seconds };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-bench-'));
const stack = await startStack({ dataDir, apiPort: await freePort() });
const ceilingPort = await freePort();
const stopCeiling = await serveCeiling(ceilingPort);
try {
  await registerDeployment(stack.adminUrl, `http://127.0.0.1:${ceilingPort}`);
  console.log(`benchmark: ${N} applications, concurrency ${CONCURRENCY}, warm-up ${WARMUP}, ${os.cpus().length} cores`);
  // Warm both paths (JIT, connection pools) so that neither pays for it in the measured run.
  await runApplications(stack.apiUrl, WARMUP);
  await runCeiling(stack.ingressUrl, WARMUP);
  latencies.clear();
  const apps = await runApplications(stack.apiUrl);
  const ceiling = await runCeiling(stack.ingressUrl);
  console.log('\nper call latency (ms)');
  for (const [name, values] of latencies) {
    console.log(
      `  ${name.padEnd(40)} n=${String(values.length).padStart(5)}  p50=${percentile(values, 50).toFixed(1).padStart(7)}  p99=${percentile(values, 99).toFixed(1).padStart(7)}`,
    );
  }
  console.log(
    `\napplications end to end: ${apps.perSecond.toFixed(1)}/s (${N} in ${apps.seconds.toFixed(1)} s, ${apps.certificates} certificates)`,
  );
  console.log(
    `engine ceiling (minimal workflow, same signals): ${ceiling.perSecond.toFixed(1)}/s (${N} in ${ceiling.seconds.toFixed(1)} s)`,
  );
  console.log(`ratio: ${(apps.perSecond / ceiling.perSecond).toFixed(2)} of the ceiling (goal >= 0.5)`);
} finally {
  await stopCeiling();
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
