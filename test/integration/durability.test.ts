/**
 * Crashes mid-case: the worker SIGKILLed while cases wait for opinions, the Temporal dev server SIGKILLed and restarted
 * on the same SQLite file, and the whole `npm start` process group SIGKILLed and started again on the same data folder.
 * Each case still finishes with exactly one certificate per matter and a gap-free, duplicate-free record.
 * This file runs its own stacks so that killing processes cannot disturb the other tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { waitUntil } from '../../infra/processes.ts';
import type { Stack } from '../../infra/stack.ts';
import { applicationBody, caseInReview, client, newKey, type Client } from './http.ts';
import { useOwnStack } from './ownStack.ts';

/** Short, so that a command sent while no worker polls is answered 503 promptly. */
const ENGINE_TIMEOUT_MS = 3000;

/** The engine's default schedule-to-start timeout for a worker's sticky queue (the worker does not set its own). */
const STICKY_TIMEOUT_MS = 10_000;

const own = useOwnStack('crash', { ENGINE_TIMEOUT_MS: String(ENGINE_TIMEOUT_MS) });
let stack: Stack;
let api: Client;
let sql: postgres.Sql;

beforeAll(() => {
  ({ stack, api } = own);
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end();
});

async function expectCleanRecord(caseNo: string, matters: string[], on: { api: Client; sql: postgres.Sql }) {
  const events = await on.sql<{ seq: number; type: string }[]>`
    SELECT seq, type FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === 'certificate_issued')).toHaveLength(matters.length);
  expect(events.filter((e) => e.type === 'case_approved')).toHaveLength(1);
  const certificates = await on.sql<{ matter: string }[]>`SELECT matter FROM certificates WHERE case_no = ${caseNo}`;
  expect(certificates.map((c) => c.matter).sort()).toEqual([...matters].sort());
  const view = await on.api.as('clerk1').get(`/applications/${caseNo}`);
  expect(view.body.status).toBe('approved');
  expect(view.body.certificates).toHaveLength(matters.length);
}

/** The task ids of a case's recorded opinions, in order. */
async function opinionTasks(caseNo: string): Promise<string[]> {
  const rows = await sql<{ taskId: string }[]>`
    SELECT data->>'taskId' AS "taskId" FROM case_events
    WHERE case_no = ${caseNo} AND type = 'opinion_given' ORDER BY seq`;
  return rows.map((r) => r.taskId);
}

async function eventCount(caseNo: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM case_events WHERE case_no = ${caseNo}`;
  return row!.n;
}

describe('durability', () => {
  it('survives the worker being SIGKILLed while cases wait for opinions', async () => {
    const cases = await Promise.all([caseInReview(api), caseInReview(api), caseInReview(api)]);
    for (const { tasks } of cases) {
      const first = await api
        .as(`reviewer.${tasks[0]!.department}`)
        .post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve' }, { 'idempotency-key': newKey() });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
    }
    await stack.killWorker('SIGKILL');

    // With no worker polling, an opinion cannot be applied: the API answers 503 once its engine deadline passes.
    const keys = cases.map(() => newKey());
    const secondOpinion = (i: number) =>
      api
        .as(`reviewer.${cases[i]!.tasks[1]!.department}`)
        .post(`/tasks/${cases[i]!.tasks[1]!.id}/opinion`, { decision: 'approve' }, { 'idempotency-key': keys[i]! });
    const sentAt = Date.now();
    const whileDown = await Promise.all(cases.map((_, i) => secondOpinion(i)));
    const waited = Date.now() - sentAt;
    expect(whileDown.map((r) => r.status)).toEqual([503, 503, 503]);
    for (const reply of whileDown) expect(reply.body.code).toBe('engine_unavailable');
    expect(waited).toBeGreaterThanOrEqual(ENGINE_TIMEOUT_MS - 100);
    expect(waited).toBeLessThan(ENGINE_TIMEOUT_MS + 3000);
    // Nothing was recorded while the worker was down.
    for (const { caseNo, tasks } of cases) expect(await opinionTasks(caseNo)).toEqual([tasks[0]!.id]);

    await stack.startWorker();
    // The retry with the same Idempotency-Key is the same Update: applied once, whether or not the engine had
    // already delivered the first attempt to the new worker. The engine hands these cases' next workflow task to
    // the new worker only once it gives up on the dead worker's sticky queue (schedule-to-start, 10 s by default,
    // counted from the attempts above): until then a retry may still be answered 503, and the client re-sends with
    // the same key, as that answer asks.
    const retried = await Promise.all(
      cases.map(async (_, i) => {
        for (;;) {
          const reply = await secondOpinion(i);
          if (reply.status !== 503 || Date.now() > sentAt + STICKY_TIMEOUT_MS + 2 * ENGINE_TIMEOUT_MS) return reply;
          expect(reply.body.code).toBe('engine_unavailable');
          await new Promise((r) => setTimeout(r, 500));
        }
      }),
    );
    expect(retried.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const reply of retried) expect(reply.body.status).toBe('approved');
    const counts: number[] = [];
    for (const { caseNo, tasks } of cases) {
      expect(await opinionTasks(caseNo)).toEqual([tasks[0]!.id, tasks[1]!.id]);
      counts.push(await eventCount(caseNo));
    }

    // A client that re-sends once more after the command completed gets the same answer and writes nothing.
    const again = await Promise.all(cases.map((_, i) => secondOpinion(i)));
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    again.forEach((reply, i) => expect(reply.body).toEqual(retried[i]!.body));
    for (const [i, { caseNo, tasks }] of cases.entries()) {
      expect(await opinionTasks(caseNo)).toEqual([tasks[0]!.id, tasks[1]!.id]);
      expect(await eventCount(caseNo)).toBe(counts[i]);
    }
    for (const { caseNo } of cases) await expectCleanRecord(caseNo, ['OUTDOOR_AD_PERMIT'], { api, sql });
  });

  it('survives the Temporal dev server being SIGKILLed and restarted mid-case', async () => {
    const cases = await Promise.all([caseInReview(api), caseInReview(api)]);
    for (const { tasks } of cases) {
      const first = await api.as(`reviewer.${tasks[0]!.department}`).post(`/tasks/${tasks[0]!.id}/opinion`, {
        decision: 'approve',
      });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
    }
    const before = stack.temporal!.process.pid;
    await stack.restartTemporal(true);
    expect(stack.temporal!.process.pid).not.toBe(before);
    // The API and the worker reconnect by themselves.
    expect((await api.get('/health/ready')).status).toBe(200);
    for (const { tasks } of cases) {
      const reply = await api.as(`reviewer.${tasks[1]!.department}`).post(`/tasks/${tasks[1]!.id}/opinion`, {
        decision: 'approve',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    for (const { caseNo } of cases) await expectCleanRecord(caseNo, ['OUTDOOR_AD_PERMIT'], { api, sql });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// `npm start` killed as a whole.

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLOCK_START = '2026-03-02T09:00:00+08:00';
/**
 * One virtual day every 5 real seconds. The start-up before the first submission burns a few virtual days (the
 * receipt date depends on how long it took), so the test reads the deemed-acceptance instant from the case itself;
 * 5 working days are at least 6 calendar days, i.e. at least ~30 s real: the timer fires after the restart.
 */
const APP_SPEED = 86_400 / 5;

/**
 * The ids of the processes in a process group, zombies included: a killed PostgreSQL whose pid is still a zombie
 * counts as running for its `postmaster.pid` lock, and a new `npm start` would refuse the data folder.
 */
function processesInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
      const pgrp = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2];
      if (Number(pgrp) === pgid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function killGroup(child: ChildProcess | undefined) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('npm start', () => {
  const started: ChildProcess[] = [];
  let dataDir: string | undefined;

  afterAll(async () => {
    for (const child of started) killGroup(child);
    for (const child of started) {
      await waitUntil(async () => processesInGroup(child.pid!).length === 0, {
        what: `process group ${child.pid} to end`,
        timeoutMs: 30_000,
      }).catch(() => undefined);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('survives its whole process group being SIGKILLed mid-case; the pending deadline fires after the restart', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-npm-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      CLOCK_START,
      CLOCK_ANCHOR: String(Date.now()),
      CLOCK_SPEED: String(APP_SPEED),
    };
    for (const name of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'POSTGRES_PORT']) delete env[name];
    const clockAnchor = Number(env.CLOCK_ANCHOR);
    const realOf = (virtualMs: number) => clockAnchor + (virtualMs - Date.parse(CLOCK_START)) / APP_SPEED;
    const app = client(`http://127.0.0.1:${env.PORT}`);

    const start = async (run: number) => {
      const logFile = path.join(dataDir!, `npm-start-${run}.log`);
      const log = openSync(logFile, 'a');
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        cwd: root,
        env,
        detached: true, // its own process group, killed as a whole below
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      started.push(child);
      try {
        await waitUntil(async () => (await app.get('/health')).status === 200, {
          what: `npm start (run ${run})`,
          child,
          timeoutMs: 150_000,
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}; its output:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
      }
      return child;
    };

    const first = await start(1);
    // the session opened here is kept in PostgreSQL: the same bearer token still works after the restart
    const submitted = await app.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const caseNo: string = submitted.body.caseNo;
    expect(submitted.body.status).toBe('received');
    // Deemed acceptance: at the end (24:00 China time) of the 5th working day after receipt.
    const due: string = submitted.body.case.deadlines.acceptanceDue;
    const firesAt = realOf(Date.parse(`${due}T00:00:00+08:00`) + 86_400_000);

    process.kill(-first.pid!, 'SIGKILL');
    const killedAt = Date.now();
    await waitUntil(async () => processesInGroup(first.pid!).length === 0, {
      what: 'every process of the first npm start to end (and be reaped)',
      timeoutMs: 30_000,
    });
    // The deadline had not passed when everything died: only the timer recorded before the crash can fire it.
    expect(firesAt - killedAt).toBeGreaterThan(5000);

    await start(2);
    const restartedAt = Date.now();
    let view: any;
    await waitUntil(
      async () => {
        view = (await app.as('clerk1').get(`/applications/${caseNo}`)).body;
        return view.status !== 'received';
      },
      { what: `case ${caseNo} to be deemed accepted`, timeoutMs: Math.max(0, firesAt - Date.now()) + 60_000 },
    );
    expect(view.status).toBe('in_review');
    expect(view.deemedAccepted).toBe(true);
    const deemed = (view.events as any[]).filter((e) => e.type === 'deemed_accepted');
    expect(deemed).toHaveLength(1);
    expect(Date.parse(deemed[0].recordedAt)).toBeGreaterThan(killedAt);
    expect(view.events.map((e: any) => e.seq)).toEqual(view.events.map((_: unknown, i: number) => i + 1));
    console.log(
      `npm start: killed ${((firesAt - killedAt) / 1000).toFixed(1)} s before the deadline, back up ` +
        `${((restartedAt - killedAt) / 1000).toFixed(1)} s later; deemed accepted ` +
        `${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );
  });
});
