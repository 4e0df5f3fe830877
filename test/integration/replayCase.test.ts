/**
 * `npm run replay-case -- <caseNo>` (scripts/replay-case.ts), run as operators run it: a child process pointed at the
 * stack's Temporal with TEMPORAL_ADDRESS. A case driven over HTTP (submitted, accepted, every task approved) replays
 * cleanly on the current workflow code (exit 0, one run, its events); an unknown case is a usage error (exit 2); the
 * same case against a changed workflow module (`--workflows`, a sleep before anything else) is a nondeterminism
 * (exit 1, DeterminismViolationError and the event it diverged at). `--save` writes histories that the replay
 * fixtures' loader reads, and `--run` replays one given run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Stack } from '../../infra/stack.ts';
import { replayCase as replayCaseInProcess } from '../../scripts/replay-case.ts';
import { installQuietRuntime, loadHistoryFiles, summarise } from '../replay/histories.ts';
import { applicationBody, caseInReview, client, newKey, type Client } from './http.ts';
import { useOwnStack } from './ownStack.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = path.join(root, 'scripts/replay-case.ts');
const changedWorkflows = fileURLToPath(new URL('./replayCase/sleepFirst.ts', import.meta.url));

const api = client(inject('apiUrl'));
const temporalAddress = inject('temporalAddress');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command as an operator runs it (`npm run replay-case` runs exactly this), against the stack's engine. */
function replayCase(args: string[], env: Record<string, string> = {}, address = temporalAddress): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: address, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    // A command that never ends is a failure to see, with what it printed so far.
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// The in-process replays below: the SDK's runtime without the replayer's own warnings.
installQuietRuntime();

let caseNo: string;
let connection: Connection;
let temporal: TemporalClient;
let saveDir: string;

beforeAll(async () => {
  connection = await Connection.connect({ address: temporalAddress });
  temporal = new TemporalClient({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' });
  saveDir = await mkdtemp(path.join(os.tmpdir(), 'replay-case-'));
  const inReview = await caseInReview(api);
  caseNo = inReview.caseNo;
  let last: any;
  for (const task of inReview.tasks) {
    last = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(last.status).toBe(200);
  }
  expect(last.body.status).toBe('approved');
});

afterAll(async () => {
  await connection?.close();
  if (saveDir) await rm(saveDir, { recursive: true, force: true });
});

describe('npm run replay-case', () => {
  it('a case driven over HTTP replays cleanly on the current code: exit 0, each run reported', async () => {
    const described = await temporal.workflow.getHandle(caseNo).describe();
    const history = await temporal.workflow.getHandle(caseNo).fetchHistory();

    const human = await replayCase([caseNo]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`case ${caseNo}`);
    expect(human.stdout).toContain(path.join(root, 'workflows/caseWorkflow.ts'));
    expect(human.stdout).toContain(`run 1/1 ${described.runId}`);
    expect(human.stdout).toContain('replays cleanly');
    expect(human.stdout).toMatch(/OK: all 1 run\(s\) replay cleanly/);

    const json = await replayCase([caseNo, '--json', '--save', saveDir]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ caseNo, ok: true, namespace: 'default' });
    expect(report.runs).toHaveLength(1);
    const [run] = report.runs;
    expect(run).toMatchObject({
      runId: described.runId,
      index: 1,
      workflowType: 'caseWorkflow',
      status: 'RUNNING', // approved, waiting for delivery
      startTime: described.startTime.toISOString(),
      replayed: true,
    });
    expect(run.failure).toBeUndefined();
    // At least the events of the history fetched above (the case's wake-up timer may have added some since).
    expect(run.events).toBeGreaterThanOrEqual(history.events?.length ?? Infinity);

    // --save: the history as a replay fixture file, which the fixtures' loader reads: submit, accept, two opinions.
    expect(await readdir(saveDir)).toEqual([`${caseNo}.json`]);
    expect(run.savedTo).toBe(path.join(saveDir, `${caseNo}.json`));
    const [saved] = await loadHistoryFiles(saveDir);
    expect(saved?.history.events).toHaveLength(run.events);
    const summary = summarise(saved!.history);
    expect(summary.runId).toBe(described.runId);
    expect(summary.updates.map((u) => u.name)).toEqual(['submit', 'decideAcceptance', 'giveOpinion', 'giveOpinion']);
  });

  it('an unknown case is exit 2 with a message; so is a missing case number', async () => {
    const unknown = await replayCase(['SQ20990101999999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('case not found');
    expect(unknown.stderr).toContain('SQ20990101999999');
    expect(unknown.stdout).toBe('');

    const unknownRun = await replayCase([caseNo, '--run', '00000000-0000-0000-0000-000000000000']);
    expect(unknownRun.code).toBe(2);
    expect(unknownRun.stderr).toContain('case not found');

    const usage = await replayCase([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run replay-case -- <caseNo>');
  });

  it('against a changed workflow module (--workflows): exit 1, the nondeterminism named with its event', async () => {
    const described = await temporal.workflow.getHandle(caseNo).describe();
    const changed = await replayCase([caseNo, '--json', '--run', described.runId, '--workflows', changedWorkflows]);
    expect(changed.code, changed.stderr).toBe(1);
    const report = JSON.parse(changed.stdout);
    expect(report).toMatchObject({ caseNo, ok: false, workflowsPath: changedWorkflows });
    const [run] = report.runs;
    expect(run).toMatchObject({ runId: described.runId, replayed: false });
    expect(run.failure.name).toBe('DeterminismViolationError');
    expect(run.failure.detail).toMatch(/Nondeterminism error/);
    expect(run.failure.eventId).toBeGreaterThan(0);

    const human = await replayCase([caseNo, '--workflows', changedWorkflows]);
    expect(human.code, human.stderr).toBe(1);
    expect(human.stdout).toContain(changedWorkflows);
    expect(human.stdout).toContain(`FAILS at event ${run.failure.eventId}`);
    expect(human.stdout).toContain('DeterminismViolationError: [TMPRL1100] Nondeterminism error');
    expect(human.stdout).toMatch(/NOT OK: 1 of 1 run\(s\) do not replay/);
  });
});

// A run just started by continue-as-new holds only its "started" event until its first workflow task completes; the
// SDK's replayer waited for ever on such a history (this describe hung until replay-case left those runs out).
describe('a case that continued as new (a stack of its own, history limit 20)', () => {
  const own = useOwnStack('replay-case', {}, { caseHistoryLimit: 20 });
  let stack: Stack;
  let ownApi: Client;
  let ownConnection: Connection;
  let ownTemporal: TemporalClient;
  let longCase: string;
  /** The case's runs, first to current, read from the histories (strongly consistent, unlike visibility). */
  let chain: string[];

  beforeAll(async () => {
    ({ stack, api: ownApi } = own);
    ownConnection = await Connection.connect({ address: stack.temporalAddress });
    ownTemporal = new TemporalClient({ connection: ownConnection, namespace: stack.namespace });
    /** A command by `as` (a demo user, or the applicant's client). */
    const post = async (as: Client, url: string, body: unknown, status = 200) => {
      const reply = await as.post(url, body, { 'idempotency-key': newKey() });
      expect(reply.status, `${url}: ${JSON.stringify(reply.body)}`).toBe(status);
      return reply.body;
    };
    // The recorder's continue-as-new path: a one-time notice, supply, accept, a special procedure, two opinions.
    const materials = ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'];
    const clerk = ownApi.as('clerk1');
    const police = ownApi.as('reviewer.TRAFFIC_POLICE');
    const submitted = await post(clerk, '/applications', applicationBody({ materials }), 201);
    longCase = submitted.caseNo;
    await post(clerk, `/applications/${longCase}/acceptance`, { decision: 'supplement' });
    await post(ownApi.withCode(submitted.queryCode), `/applications/${longCase}/supplements`, {
      materials: ['BUSINESS_LICENCE', 'OWNER_CONSENT'],
    });
    await post(clerk, `/applications/${longCase}/acceptance`, { decision: 'accept' });
    const tasks = (await ownApi.as('supervisor1').get(`/tasks?caseNo=${longCase}`)).body as Array<{
      id: string;
      department: string;
    }>;
    const task = (department: string) => tasks.find((t) => t.department === department)!.id;
    await post(ownApi.as('reviewer.CITY_MANAGEMENT'), `/tasks/${task('CITY_MANAGEMENT')}/opinion`, {
      decision: 'approve',
    });
    const procedure = await post(
      police,
      `/tasks/${task('TRAFFIC_POLICE')}/special-procedures`,
      { type: 'testing', expectedWorkingDays: 3, reason: '需对招牌结构进行检测' },
      201,
    );
    await post(police, `/tasks/${task('TRAFFIC_POLICE')}/special-procedures/${procedure.procedure.id}/end`, {});
    const decided = await post(police, `/tasks/${task('TRAFFIC_POLICE')}/opinion`, { decision: 'approve' });
    expect(decided.status).toBe('approved');

    const first = (await ownTemporal.workflow.getHandle(longCase).describe()).raw.workflowExecutionInfo?.firstRunId;
    chain = [first as string];
    for (;;) {
      const history = await ownTemporal.workflow.getHandle(longCase, chain.at(-1)).fetchHistory();
      const next = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (!next) break;
      chain.push(next);
    }
    expect(chain.length).toBeGreaterThanOrEqual(2);
  });

  afterAll(async () => {
    await ownConnection?.close();
  });

  it(
    'every run, oldest first, replays on the current code as an operator runs it (exit 0)',
    { timeout: 300_000 },
    async () => {
      const run = await replayCase([longCase, '--json'], {}, stack.temporalAddress);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.ok).toBe(true);
      // The listing may have grown since beforeAll (the current run can continue as new again): a prefix of it.
      expect(report.runs.map((r: { runId: string }) => r.runId).slice(0, chain.length)).toEqual(chain);
      expect(report.runs.every((r: { replayed: boolean }) => r.replayed)).toBe(true);
    },
  );

  it(
    'the importable core: against the changed module, every run that took a command fails at the event it diverged at',
    { timeout: 300_000 },
    async () => {
      const report = await replayCaseInProcess(ownTemporal, longCase, { workflowsPath: changedWorkflows });
      expect(report.ok).toBe(false);
      expect(report.runs.map((r) => r.runId)).toEqual(chain);
      // The extra timer collides with the first Update the run accepted. A run that only waited (its first command
      // issues a timer too, and durations are not compared) has nothing to diverge on, and replays.
      let failed = 0;
      for (const run of report.runs) {
        const history = await ownTemporal.workflow.getHandle(longCase, run.runId).fetchHistory();
        const firstUpdate = history.events?.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
        if (!firstUpdate) {
          expect(run.replayed, run.runId).toBe(true);
          continue;
        }
        failed++;
        expect(run.replayed, run.runId).toBe(false);
        expect(run.failure?.name).toBe('DeterminismViolationError');
        expect(run.failure?.detail).toContain('Nondeterminism error');
        expect(run.failure?.eventId).toBe(Number(firstUpdate.eventId));
      }
      expect(failed).toBeGreaterThanOrEqual(2);
      // One given run only (`--run`), against the current code.
      const one = await replayCaseInProcess(ownTemporal, longCase, { runIds: [chain[1] as string] });
      expect(one).toMatchObject({ ok: true, runs: [{ runId: chain[1], index: 1, replayed: true }] });
    },
  );
});
