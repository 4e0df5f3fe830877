/**
 * `npm run replay-case -- <caseNo> [--run <runId>]… [--json] [--save DIR]`: does this case's Temporal history still
 * replay on the current workflow code?
 *
 * Lists every run of the case's workflow (its id is the case number; continue-as-new and a later reopening each add a
 * run), fetches each run's history from the engine and replays it against the workflow code with the SDK's replayer
 * (`Worker.runReplayHistories`), offline: nothing is written to Temporal or PostgreSQL. Prints per run its id, start
 * and close time, status, number of events and `replays cleanly` or the failure (the nondeterminism and the event it
 * diverged at). Exit code 0: every run replays; 1: some run does not; 2: usage error or no such case; 3: the check
 * could not be made (engine unreachable, workflow code that does not build).
 *
 * Settings as for the worker (infra/config.ts): TEMPORAL_ADDRESS (default 127.0.0.1:7233, `npm start`'s dev server;
 * TEMPORAL_PORT moves it as it moves that server), TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT / _KEY / _CA,
 * TEMPORAL_API_KEY. `--workflows <module>` replays against another workflows module (default workflows/caseWorkflow.ts);
 * `--debug` prints the stack of an error that stopped the check.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, WorkflowNotFoundError, type Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Worker,
  type History,
  type Logger,
  type WorkflowBundle,
} from '@temporalio/worker';
import { readSettings } from '../infra/config.ts';
import { connectClient, temporalSettings, type TemporalSettings } from '../infra/temporalConfig.ts';
import { historyFileName, historyToJson, installQuietRuntime } from '../test/replay/histories.ts';
import { defaultWorkflowsPath } from '../worker.ts';

export interface RunReport {
  runId: string;
  /** Its place in the report, oldest first: 1 is the case's first run (unless `--run` chose the runs). */
  index: number;
  workflowType: string;
  startTime: string;
  closeTime?: string;
  /** The engine's status of the run, e.g. RUNNING, COMPLETED, CONTINUED_AS_NEW, TERMINATED. */
  status: string;
  /** Events in the history that was replayed. */
  events: number;
  replayed: boolean;
  /**
   * A run whose first workflow task has not completed yet (a run just started by continue-as-new): its history holds
   * no decision of the code, so there is nothing to replay. Counted as replayed.
   */
  nothingToReplay?: true;
  failure?: {
    /** `DeterminismViolationError` (the code issues other commands than the history holds) or `ReplayError`. */
    name: string;
    /** The replayer's finding, e.g. `[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: …`. */
    detail: string;
    /** The SDK's whole message. */
    message: string;
    /** The history event the replay diverged at, when the replayer names it. */
    eventId?: number;
  };
  /** The file the history was saved to (`--save`). */
  savedTo?: string;
}

export interface CaseReplayReport {
  caseNo: string;
  namespace: string;
  workflowsPath: string;
  runs: RunReport[];
  /** Every run replays cleanly. */
  ok: boolean;
}

export class CaseNotFoundError extends Error {
  override name = 'CaseNotFoundError';
}

/** A case number as the API issues them (`SQ` + date + serial); only the characters one can hold are accepted. */
const CASE_NO = /^[A-Za-z0-9_-]{1,64}$/;

interface RunInfo {
  runId: string;
  workflowType: string;
  startTime: Date;
  closeTime?: Date;
  status: string;
}

async function describeRun(client: Client, caseNo: string, runId?: string): Promise<RunInfo | undefined> {
  try {
    const d = await client.workflow.getHandle(caseNo, runId).describe();
    return {
      runId: d.runId,
      workflowType: d.type,
      startTime: d.startTime,
      ...(d.closeTime ? { closeTime: d.closeTime } : {}),
      status: d.status.name,
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The run the given run continued as (its history ends with ContinuedAsNew), if any. */
function continuedAs(history: History): string | undefined {
  return history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
}

/**
 * Every run of the case's workflow, oldest first, each with its history. Visibility (`WorkflowId = '<caseNo>'`)
 * lists them all but is eventually consistent, so the current run's chain is also followed from its first run
 * through the ContinuedAsNew events (histories and describe are strongly consistent): a run started a moment ago is
 * not missed. With `runIds`, exactly those runs.
 */
export async function listCaseRuns(
  client: Client,
  caseNo: string,
  runIds?: string[],
): Promise<Array<RunInfo & { history: History }>> {
  if (!CASE_NO.test(caseNo)) throw new CaseNotFoundError(`not a case number: ${JSON.stringify(caseNo)}`);
  const runs = new Map<string, RunInfo>();
  const histories = new Map<string, History>();
  const fetchHistory = async (runId: string) => {
    let history = histories.get(runId);
    if (!history) {
      history = await client.workflow.getHandle(caseNo, runId).fetchHistory();
      histories.set(runId, history);
    }
    return history;
  };

  if (runIds && runIds.length > 0) {
    for (const runId of runIds) {
      const info = await describeRun(client, caseNo, runId);
      if (!info) throw new CaseNotFoundError(`no run ${runId} of case ${caseNo}`);
      runs.set(info.runId, info);
    }
  } else {
    for await (const info of client.workflow.list({ query: `WorkflowId = '${caseNo}'` })) {
      runs.set(info.runId, {
        runId: info.runId,
        workflowType: info.type,
        startTime: info.startTime,
        ...(info.closeTime ? { closeTime: info.closeTime } : {}),
        status: info.status.name,
      });
    }
    const latest = await describeRun(client, caseNo);
    if (latest) {
      runs.set(latest.runId, latest);
      const described = await client.workflow.getHandle(caseNo, latest.runId).describe();
      let runId: string | undefined = described.raw.workflowExecutionInfo?.firstRunId || latest.runId;
      while (runId) {
        if (!runs.has(runId)) {
          const info = await describeRun(client, caseNo, runId);
          if (!info) break;
          runs.set(runId, info);
        }
        runId = continuedAs(await fetchHistory(runId));
      }
    }
  }
  if (runs.size === 0) throw new CaseNotFoundError(`no workflow for case ${caseNo}`);

  const ordered = [...runs.values()].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  return Promise.all(ordered.map(async (run) => ({ ...run, history: await fetchHistory(run.runId) })));
}

/** Whether the history holds at least one completed workflow task (the code's decisions to compare against). */
function hasCompletedTask(history: History): boolean {
  return (history.events ?? []).some((event) => event.workflowTaskCompletedEventAttributes);
}

/** The event id a nondeterminism message names (core writes e.g. `HistoryEvent(id: 9, …)` or `event_id: 9`). */
export function divergedAt(message: string): number | undefined {
  const match = /HistoryEvent\(id: (\d+)/.exec(message) ?? /event[ _]?id[:= ]+(\d+)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The replayer's own words inside the SDK's wrapping, e.g. `[TMPRL1100] Nondeterminism error: Timer machine …`. */
export function replayDetail(message: string): string {
  return /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? message;
}

export interface ReplayCaseOptions {
  /** The workflows module to replay against (default: the worker's). */
  workflowsPath?: string;
  /** Only these runs (visibility may not list a run yet). */
  runIds?: string[];
  /** Save each run's history here as Temporal JSON (`<caseNo>.json`, or `<caseNo>.run-<n>.json` for several runs). */
  saveDir?: string;
  logger?: Logger;
}

/** Fetch every run of the case and replay each against the workflow code; a report per run. */
export async function replayCase(
  client: Client,
  caseNo: string,
  options: ReplayCaseOptions = {},
): Promise<CaseReplayReport> {
  const workflowsPath = path.resolve(options.workflowsPath ?? defaultWorkflowsPath);
  const runs = await listCaseRuns(client, caseNo, options.runIds);
  const bundle: WorkflowBundle = await bundleWorkflowCode({
    workflowsPath,
    logger: options.logger ?? new DefaultLogger('WARN'),
  });

  const reports: RunReport[] = runs.map((run, i) => ({
    runId: run.runId,
    index: i + 1,
    workflowType: run.workflowType,
    startTime: run.startTime.toISOString(),
    ...(run.closeTime ? { closeTime: run.closeTime.toISOString() } : {}),
    status: run.status,
    events: run.history.events?.length ?? 0,
    replayed: false,
  }));

  if (options.saveDir) {
    await mkdir(options.saveDir, { recursive: true });
    for (const [i, run] of runs.entries()) {
      const file = path.join(options.saveDir, historyFileName(caseNo, i + 1, runs.length));
      await writeFile(file, `${JSON.stringify(historyToJson(run.history), null, 2)}\n`);
      (reports[i] as RunReport).savedTo = file;
    }
  }

  // A history without a completed workflow task (only "started", or a task in flight) has nothing to check, and the
  // SDK's replayer waits for ever for the task it never gets: leave such runs out.
  const replayable = runs.flatMap((run, index) => (hasCompletedTask(run.history) ? [index] : []));
  for (const [index, report] of reports.entries()) {
    if (!replayable.includes(index)) Object.assign(report, { replayed: true, nothingToReplay: true });
  }
  // One replay worker, the runs one after another: a result per history, in order.
  const histories = replayable.map((index) => ({
    workflowId: caseNo,
    history: (runs[index] as (typeof runs)[number]).history,
  }));
  let i = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: `replay-case-${caseNo}` },
    histories,
  )) {
    const report = reports[replayable[i++] as number] as RunReport;
    if (result.error) {
      const eventId = divergedAt(result.error.message);
      report.failure = {
        name: result.error.name,
        detail: replayDetail(result.error.message),
        message: result.error.message,
        ...(eventId !== undefined ? { eventId } : {}),
      };
    } else {
      report.replayed = true;
    }
  }
  if (i !== histories.length) throw new Error(`replayed ${i} of ${histories.length} runs of ${caseNo}`);
  return {
    caseNo,
    namespace: client.options.namespace,
    workflowsPath,
    runs: reports,
    ok: reports.every((r) => r.replayed),
  };
}

const USAGE = `usage: npm run replay-case -- <caseNo> [--run <runId>]... [--json] [--save DIR] [--workflows MODULE] [--debug]
  Replays every run of the case's Temporal workflow against the current workflow code.
  用法：npm run replay-case -- <办件编号> [--run <运行ID>]... [--json] [--save 目录]
  exit 0 all runs replay cleanly 全部重放通过 · 1 a run does not 重放失败 · 2 usage / case not found 用法错误或办件不存在
  · 3 could not check 无法检查 (engine unreachable, workflow code does not build)
  --workflows: the workflows module to replay against (default workflows/caseWorkflow.ts)
  env: TEMPORAL_ADDRESS (default 127.0.0.1:TEMPORAL_PORT, 7233), TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/_KEY/_CA,
       TEMPORAL_API_KEY`;

/** The engine settings of the worker, with `npm start`'s dev server as the default address. */
function replaySettings(env: NodeJS.ProcessEnv): TemporalSettings {
  const { temporal } = readSettings(env);
  return temporalSettings({ ...temporal, address: temporal.address ?? `127.0.0.1:${temporal.port}` });
}

export function formatReport(report: CaseReplayReport, address: string): string {
  const lines = [
    `办件 case ${report.caseNo} · namespace ${report.namespace} @ ${address}`,
    `workflow code 工作流代码: ${report.workflowsPath}`,
  ];
  for (const run of report.runs) {
    lines.push(
      `run ${run.index}/${report.runs.length} ${run.runId}  ${run.workflowType}  ${run.status}`,
      `  started ${run.startTime}  ${run.closeTime ? `closed ${run.closeTime}` : 'still open'}  ${run.events} events`,
    );
    if (run.nothingToReplay) lines.push('  nothing to replay yet (no workflow task completed) 尚无可重放的内容');
    else if (run.replayed) lines.push('  replays cleanly 重放通过');
    else {
      const at = run.failure?.eventId !== undefined ? ` at event ${run.failure.eventId}` : '';
      lines.push(`  FAILS${at} 重放失败: ${run.failure?.name}: ${run.failure?.detail}`);
    }
    if (run.savedTo) lines.push(`  saved ${run.savedTo}`);
  }
  const failed = report.runs.filter((r) => !r.replayed).length;
  lines.push(
    failed === 0
      ? `OK: all ${report.runs.length} run(s) replay cleanly on this code 全部重放通过`
      : `NOT OK: ${failed} of ${report.runs.length} run(s) do not replay on this code 重放失败 (nondeterminism: running this code would stall the case)`,
  );
  return lines.join('\n');
}

/** The command: its exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        save: { type: 'string' },
        run: { type: 'string', multiple: true },
        workflows: { type: 'string' },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [caseNo, ...extra] = args.positionals;
  if (!caseNo || extra.length > 0) {
    console.error(
      `${caseNo ? `one case number only, got ${args.positionals.join(' ')}` : 'a case number is required 缺少办件编号'}\n${USAGE}`,
    );
    return 2;
  }
  const workflowsPath = path.resolve(args.values.workflows ?? defaultWorkflowsPath);
  if (!existsSync(workflowsPath)) {
    console.error(`--workflows: no such module 工作流模块不存在: ${workflowsPath}`);
    return 2;
  }
  let settings: TemporalSettings;
  try {
    settings = replaySettings(env);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  let connection: Connection | undefined;
  try {
    connection = await connectClient(settings);
    const client = new Client({ connection, namespace: settings.namespace });
    const report = await replayCase(client, caseNo, {
      workflowsPath,
      ...(args.values.run ? { runIds: args.values.run } : {}),
      ...(args.values.save ? { saveDir: args.values.save } : {}),
    });
    console.log(args.values.json ? JSON.stringify(report, null, 2) : formatReport(report, settings.address));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof CaseNotFoundError) {
      const message = `办件不存在 case not found: ${error.message} (namespace ${settings.namespace} @ ${settings.address})`;
      if (args.values.json) console.log(JSON.stringify({ caseNo, error: 'case_not_found', message }, null, 2));
      console.error(message);
      return 2;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const message = `无法检查 could not check ${caseNo} (namespace ${settings.namespace} @ ${settings.address}): ${reason}`;
    if (args.values.json) console.log(JSON.stringify({ caseNo, error: 'could_not_check', message }, null, 2));
    console.error(message);
    if (args.values.debug) console.error(error);
    return 3;
  } finally {
    await connection?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Warnings from the TypeScript side only: the replayer's own log would repeat each failure the report names.
  installQuietRuntime();
  // Exit at once: the replay worker's runtime need not keep the process alive.
  process.exit(await main(process.argv.slice(2)));
}
