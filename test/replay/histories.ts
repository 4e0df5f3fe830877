/**
 * The committed workflow histories of real cases (`test/replay/histories/*.json`, recorded by
 * `npm run replay:record`) and what can be read from them. Each file is one run of one case's workflow in the JSON
 * form of Temporal's History proto (as `historyToJSON` and `temporal workflow show --output json` write it). A case
 * that continued as new, or whose closed workflow was reopened (a new run of the same id), has one file per run:
 * `<path>.run-<n>.json`, n from 1; any other case is `<path>.json`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker, type History, type ReplayWorkerOptions } from '@temporalio/worker';

/*
 * Proto JSON, with the protobufjs copy that @temporalio/proto's types belong to. The SDK's own `historyToJSON` and
 * `historyFromJSON` (@temporalio/common/lib/proto-utils, which the replayer calls on JSON input) use @temporalio/common's
 * copy: npm installs protobufjs 8 twice here (nested under common and under proto, because grpc's proto-loader keeps
 * protobufjs 7 at the top), and protojson's `instanceof Type` check then fails with "type must be a Type".
 * Converting here and handing the replayer History objects sidesteps that, whatever the install layout.
 */
const fromWorker = createRequire(createRequire(import.meta.url).resolve('@temporalio/worker'));
const fromProto = createRequire(fromWorker.resolve('@temporalio/proto'));
const proto = fromWorker('@temporalio/proto') as {
  temporal: { api: { history: { v1: { History: { fromObject(history: History): unknown } } } } };
};
const protojson = fromProto('protobufjs/ext/protojson') as {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History;
};
const { patchProtobufRoot } = fromWorker('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot<T>(root: T): T & { lookupType(name: string): unknown };
};
const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

/** A History (as `fetchHistory()` returns it) in proto JSON, the form Temporal's tools write. */
export function historyToJson(history: History): HistoryJson {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as HistoryJson;
}

/** Proto JSON back to a History, for the replayer. */
function historyFromJson(json: HistoryJson): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
}

export const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));
export const caseWorkflowPath = fileURLToPath(new URL('../../workflows/caseWorkflow.ts', import.meta.url));

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

interface HistoryEventJson {
  eventId: string;
  eventType: string;
  [attributes: string]: unknown;
}

export interface HistoryJson {
  events: HistoryEventJson[];
}

export interface HistoryFile {
  /** The file name, e.g. `deemed-acceptance.json` or `continue-as-new.run-2.json`. */
  file: string;
  /** The path of the case it records, e.g. `deemed-acceptance`. */
  pathName: string;
  /** The run's place in the case's chain of runs, from 1. */
  run: number;
  history: HistoryJson;
}

export function historyFileName(pathName: string, run: number, runs: number): string {
  return runs === 1 ? `${pathName}.json` : `${pathName}.run-${run}.json`;
}

function parseFileName(file: string): { pathName: string; run: number } {
  const match = /^(.+?)(?:\.run-(\d+))?\.json$/.exec(file);
  if (!match) throw new Error(`not a history file name: ${file}`);
  return { pathName: match[1] as string, run: match[2] ? Number(match[2]) : 1 };
}

/** Every committed history, ordered by path and run. */
export async function loadHistoryFiles(dir = historiesDir): Promise<HistoryFile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  const loaded = await Promise.all(
    files.map(async (file) => {
      const history = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as HistoryJson;
      if (!Array.isArray(history.events) || history.events.length === 0) throw new Error(`${file}: no events`);
      return { file, ...parseFileName(file), history };
    }),
  );
  return loaded.sort((a, b) => a.pathName.localeCompare(b.pathName) || a.run - b.run);
}

/** A payload written by the default data converter (`json/plain`, or `binary/null` for undefined). */
function decodePayload(payload: JsonPayload | undefined): unknown {
  if (!payload) return undefined;
  const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding, 'base64').toString() : '';
  if (encoding === 'binary/null') return undefined;
  if (encoding !== 'json/plain') throw new Error(`unexpected payload encoding ${encoding}`);
  return JSON.parse(Buffer.from(payload.data ?? '', 'base64').toString('utf8'));
}

const firstPayload = (payloads: { payloads?: JsonPayload[] } | undefined) => decodePayload(payloads?.payloads?.[0]);

/** The attributes object of an event, e.g. `workflowExecutionStartedEventAttributes`. */
function attributes<T = any>(event: HistoryEventJson): T {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  return (key ? event[key] : {}) as T;
}

export const EVENT = {
  started: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  continuedAsNew: 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  taskScheduled: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
  taskStarted: 'EVENT_TYPE_WORKFLOW_TASK_STARTED',
  taskCompleted: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
  taskFailed: 'EVENT_TYPE_WORKFLOW_TASK_FAILED',
  taskTimedOut: 'EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT',
  timerStarted: 'EVENT_TYPE_TIMER_STARTED',
  timerFired: 'EVENT_TYPE_TIMER_FIRED',
  marker: 'EVENT_TYPE_MARKER_RECORDED',
  updateAccepted: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  updateCompleted: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED',
  completed: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
} as const;

const closeEvents = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED',
  EVENT.continuedAsNew,
]);

/**
 * A snapshot worth committing: the run has closed, or its last workflow task completed (nothing half-done at the
 * end; a history that stops while the case waits replays like any other).
 */
export function isSettled(history: HistoryJson): boolean {
  const types = history.events.map((e) => e.eventType);
  if (types.some((t) => closeEvents.has(t))) return true;
  const taskEvents = new Set<string>([
    EVENT.taskScheduled,
    EVENT.taskStarted,
    EVENT.taskCompleted,
    EVENT.taskFailed,
    EVENT.taskTimedOut,
  ]);
  return types.filter((t) => taskEvents.has(t)).at(-1) === EVENT.taskCompleted;
}

/** Updates answered with the case state at first, then with `{ state, created }` (the id of what they created). */
function caseStateOf(answer: any): any {
  return answer && typeof answer === 'object' && 'state' in answer && !('caseNo' in answer) ? answer.state : answer;
}

export interface UpdateRecord {
  id: string;
  name: string;
  input: any;
  /** The case state the handler answered with (absent if the history ends before the Update completed). */
  result?: any;
  failed?: boolean;
}

export interface RunSummary {
  workflowType: string;
  input: any;
  /** This run's id and the run it continued (if any). */
  runId: string;
  continuedFrom?: string;
  /** Set when the run ended by continuing as new: the next run and its input. */
  continuedAs?: { runId: string; input: any };
  /** Set when the run completed: what the workflow returned (a closed case carries its state and chain head out). */
  result?: any;
  eventTypes: string[];
  updates: UpdateRecord[];
  /** Positions of the `recordCase` local activity markers (the case's record being written). */
  recordMarkers: number[];
  /** Positions of fired timers, and every timer started with its duration (proto JSON, e.g. `600s`). */
  timersFired: number[];
  timersStarted: Array<{ index: number; duration: string }>;
  /** Positions of Update acceptances. */
  updatesAccepted: number[];
}

/** What a run did, read from its history: the Updates with their inputs and answers, timers, records, continuation. */
export function summarise(history: HistoryJson): RunSummary {
  const events = history.events;
  const start = attributes(events[0] as HistoryEventJson);
  const updates = new Map<string, UpdateRecord>();
  const summary: RunSummary = {
    workflowType: start.workflowType?.name,
    input: firstPayload(start.input),
    runId: start.originalExecutionRunId,
    ...(start.continuedExecutionRunId ? { continuedFrom: start.continuedExecutionRunId } : {}),
    eventTypes: events.map((e) => e.eventType),
    updates: [],
    recordMarkers: [],
    timersFired: [],
    timersStarted: [],
    updatesAccepted: [],
  };
  events.forEach((event, index) => {
    const attrs = attributes(event);
    switch (event.eventType) {
      case EVENT.updateAccepted: {
        const request = attrs.acceptedRequest;
        const record: UpdateRecord = {
          id: request.meta.updateId,
          name: request.input.name,
          input: firstPayload(request.input.args),
        };
        updates.set(record.id, record);
        summary.updates.push(record);
        summary.updatesAccepted.push(index);
        break;
      }
      case EVENT.updateCompleted: {
        const record = updates.get(`${attrs.meta?.updateId}`);
        if (!record) break;
        if (attrs.outcome?.failure) record.failed = true;
        else record.result = caseStateOf(firstPayload(attrs.outcome?.success));
        break;
      }
      case EVENT.marker: {
        const data = attrs.markerName === 'core_local_activity' ? firstPayload(attrs.details?.data) : undefined;
        if ((data as { activity_type?: string } | undefined)?.activity_type === 'recordCase') {
          summary.recordMarkers.push(index);
        }
        break;
      }
      case EVENT.timerFired:
        summary.timersFired.push(index);
        break;
      case EVENT.timerStarted:
        summary.timersStarted.push({ index, duration: attrs.startToFireTimeout });
        break;
      case EVENT.continuedAsNew:
        summary.continuedAs = { runId: attrs.newExecutionRunId, input: firstPayload(attrs.input) };
        break;
      case EVENT.completed:
        summary.result = firstPayload(attrs.result);
        break;
    }
  });
  return summary;
}

/** The case number a history belongs to (the workflow id is not in a history; the case number is in its input). */
function caseNoOf(history: HistoryJson): string {
  const input = summarise(history).input as { caseNo?: string } | undefined;
  if (!input?.caseNo) throw new Error('history without a case number in its input');
  return input.caseNo;
}

/**
 * The SDK's runtime, quiet: warnings from the TypeScript side only. The replayer's own (Rust) log would repeat every
 * nondeterminism as a warning; the outcomes below report each one with its file.
 */
export function installQuietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}

export interface ReplayOutcome {
  file: string;
  error?: Error;
}

/**
 * Replay every history against one workflow code (a bundle or a workflows path), one at a time on one replay
 * worker; an outcome per file, in order.
 */
export async function replayHistoryFiles(
  files: HistoryFile[],
  code: Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const histories = files.map((f) => ({ workflowId: caseNoOf(f.history), history: historyFromJson(f.history) }));
  for await (const result of Worker.runReplayHistories({ ...code, replayName: 'case-histories' }, histories)) {
    const file = files[outcomes.length]?.file ?? `#${outcomes.length}`;
    outcomes.push({ file, ...(result.error ? { error: result.error } : {}) });
  }
  if (outcomes.length !== files.length) {
    throw new Error(`replayed ${outcomes.length} of ${files.length} histories`);
  }
  return outcomes;
}
