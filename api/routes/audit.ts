/**
 * Auditors (审计 / 纪检监察): the integrity check of a case's record, its timeline, and its state at any point.
 * All three read the legal record (`case_events`); the audit also asks the engine for the chain head it holds.
 */
import { verify, type KeyObject } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { asc, eq } from 'drizzle-orm';
import Type from 'typebox';
import type { Database } from '../../db/client.ts';
import { caseEvents, cases, reviewTasks } from '../../db/schema.ts';
import { rederive } from '../../integrity/audit.ts';
import { checkRecordedFiles, recordedFiles } from '../../integrity/caseFiles.ts';
import { evolve, type CaseEvent, type CaseState } from '../../rules/caseModel.ts';
import { headPayload, verifyChain, type ChainHead, type ChainProblem } from '../../integrity/hashChain.ts';
import { caseHistory } from '../../presentation/timeline.ts';
import type { ApiDeps } from '../app.ts';
import { queryChainHead } from '../caseClient.ts';
import { caseView } from '../caseView.ts';
import { ApiError } from '../errors.ts';
import { AuditReport, CaseHistory, CaseNoParams, errors, ReplayedCase } from '../schemas.ts';
import { staffOf } from '../auth/guard.ts';
import { forReader, logStaffRead } from '../auth/personalData.ts';

const ReplayQuery = Type.Object(
  {
    upTo: Type.Optional(Type.Integer({ minimum: 1, description: '重放到第几条事件（含）' })),
    at: Type.Optional(Type.String({ maxLength: 40, description: '重放到该时刻（含），ISO 8601，须带时区' })),
  },
  { additionalProperties: false },
);

/**
 * An ISO 8601 instant with its time zone (a bare date or local time would mean different instants to different
 * readers), on a real calendar day: `Date.parse` alone accepts 30 February.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseInstant(raw: string): number | undefined {
  // An unencoded `+08:00` in a URL arrives as ` 08:00` (form encoding): read it as the offset it was meant to be.
  const text = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The case's events with their chain columns, times as ISO instants (as the workflow stamped them). */
async function loadRecord(db: Pick<Database, 'select'>, caseNo: string) {
  const rows = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(asc(caseEvents.seq));
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    data: r.data,
    prevHash: r.prevHash,
    hash: r.hash,
    recordedAt: r.recordedAt.toISOString(),
  }));
}

type RecordRow = Awaited<ReturnType<typeof loadRecord>>[number];

const notFound = (caseNo: string) => new ApiError(404, 'case_not_found', `办件 ${caseNo} 不存在`, 'caseNo');

/** The chain head the engine holds: undefined when it has no such case, null when it does not answer. */
async function engineHead(deps: ApiDeps, caseNo: string): Promise<ChainHead | undefined | null> {
  try {
    return await queryChainHead(deps, caseNo);
  } catch (error) {
    // The record is still checked on its own; the missing head is itself reported (head_unavailable).
    if (error instanceof ApiError && error.statusCode === 503) return null;
    throw error;
  }
}

/** An Ed25519 signature (canonical base64 of 64 bytes only) over the payload. */
function signatureHolds(payload: string, signature: string | null, publicKey: KeyObject): boolean {
  if (!signature) return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
  return verify(null, Buffer.from(payload, 'utf8'), publicKey, bytes);
}

function fold(rows: RecordRow[]): CaseState {
  let state: CaseState | undefined;
  for (const r of rows) {
    try {
      state = evolve(state, { type: r.type, at: r.at, actor: r.actor, data: r.data } as CaseEvent);
    } catch (error) {
      throw new ApiError(
        409,
        'record_unfoldable',
        `第 ${r.seq} 条事件无法按规则重放（${error instanceof Error ? error.message : String(error)}），请查看 /audit`,
        'caseNo',
      );
    }
  }
  if (!state) throw new ApiError(409, 'record_unfoldable', '事件记录无法重放出办件，请查看 /audit', 'caseNo');
  return state;
}

export const auditRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/applications/:caseNo/audit',
      {
        config: { access: 'audit.read' },
        schema: {
          summary: '审计：校验事件哈希链并按规则与日历重新推算各项期限',
          params: CaseNoParams,
          response: { 200: AuditReport, ...errors(404) },
        },
      },
      async (request) => {
        const { caseNo } = request.params;
        // The head first, then the rows: the workflow writes its rows before it moves its head, so rows read after
        // the head are never behind it. Rows past the head may belong to a step in flight: ask once more.
        let head = await engineHead(deps, caseNo);
        // Rows and read model from one snapshot of the database, so a step committed in between is in both or neither.
        const { events, row, tasks } = await deps.db.transaction(
          async (tx) => {
            const rows = await loadRecord(tx, caseNo);
            const [row] = await tx
              .select({
                snapshot: cases.snapshot,
                signedHead: { seq: cases.headSeq, hash: cases.headHash, signature: cases.headSignature },
                columns: {
                  status: cases.status,
                  acceptedOn: cases.acceptedOn,
                  statutoryDue: cases.statutoryDue,
                  promisedDue: cases.promisedDue,
                  lastSeq: cases.lastSeq,
                },
              })
              .from(cases)
              .where(eq(cases.caseNo, caseNo));
            const tasks = await tx
              .select({
                id: reviewTasks.id,
                status: reviewTasks.status,
                openedOn: reviewTasks.openedOn,
                due: reviewTasks.due,
              })
              .from(reviewTasks)
              .where(eq(reviewTasks.caseNo, caseNo));
            return { events: rows, row, tasks };
          },
          { isolationLevel: 'repeatable read', accessMode: 'read only' },
        );
        const last = events.at(-1);
        if (head && last && last.seq > head.seq) head = await engineHead(deps, caseNo);
        // Past the engine's retention (or with the engine down) the head signed at the last step stands in for it.
        let headSource: 'engine' | 'signed_record' | null = head ? 'engine' : null;
        const signedHeadProblems: ChainProblem[] = [];
        const signed = row?.signedHead;
        if (!head && signed?.seq != null && signed.hash) {
          const candidate = { seq: signed.seq, hash: signed.hash };
          if (signatureHolds(headPayload(caseNo, candidate), signed.signature, deps.signingKey.publicKey)) {
            head = candidate;
            headSource = 'signed_record';
          } else {
            signedHeadProblems.push({
              kind: 'head_signature_invalid',
              seq: signed.seq,
              message: '数据库中保存的已签名链头与其签名不符（链头被改动），且审批引擎已无此办件的链头',
            });
          }
        }
        if (events.length === 0 && !head) throw notFound(caseNo);
        const chainProblems = [...signedHeadProblems, ...verifyChain(caseNo, events, head)];
        const derivation = rederive(events, row?.snapshot ?? null, { caseRow: row?.columns ?? null, tasks });
        // Every file the record names, against the store: the hash in the chain is what its bytes must have.
        const files = recordedFiles(events);
        const fileProblems = await checkRecordedFiles(deps.files.store, files);
        const problems = [
          ...chainProblems.map((p) => ({ source: 'chain' as const, ...p })),
          ...derivation.problems.map((p) => ({ source: 'derivation' as const, ...p })),
          ...fileProblems.map((p) => ({ source: 'files' as const, ...p })),
        ];
        await logStaffRead(deps.db, staffOf(request), caseNo, 'audit');
        return {
          caseNo,
          intact: problems.length === 0,
          checkedAt: new Date().toISOString(),
          chain: { events: events.length, head: head ?? null, headSource, problems: chainProblems },
          derivation: { problems: derivation.problems },
          files: { checked: files.length, problems: fileProblems },
          problems,
        };
      },
    );

    app.get(
      '/applications/:caseNo/history',
      {
        config: { access: 'audit.read' },
        schema: {
          summary: '办件全过程记录：每条事件的时间、经办人、内容、法律依据与告知书原文',
          params: CaseNoParams,
          response: { 200: CaseHistory, ...errors(404) },
        },
      },
      async (request) => {
        const { caseNo } = request.params;
        const events = await loadRecord(deps.db, caseNo);
        if (events.length === 0) throw notFound(caseNo);
        await logStaffRead(deps.db, staffOf(request), caseNo, 'history');
        return forReader(request.staff, { caseNo, entries: caseHistory(events) });
      },
    );

    app.get(
      '/applications/:caseNo/replay',
      {
        config: { access: 'audit.read' },
        schema: {
          summary: '重放：按事件记录折叠出某一条事件或某一时刻的办件状态（与办件视图同形）',
          params: CaseNoParams,
          querystring: ReplayQuery,
          response: { 200: ReplayedCase, ...errors(404, 422) },
        },
      },
      async (request) => {
        const { caseNo } = request.params;
        const { upTo, at } = request.query;
        if (upTo !== undefined && at !== undefined) {
          throw new ApiError(400, 'conflicting_fields', '只能提供 upTo 或 at 其中之一', 'at');
        }
        const instant = at === undefined ? undefined : parseInstant(at);
        if (at !== undefined && instant === undefined) {
          throw new ApiError(
            400,
            'invalid_field',
            '字段 at 必须是带时区的 ISO 8601 时刻，例如 2026-03-02T09:00:00+08:00',
            'at',
          );
        }
        const events = await loadRecord(deps.db, caseNo);
        const last = events.at(-1);
        if (!last) throw notFound(caseNo);
        if (upTo !== undefined && upTo > last.seq) {
          throw new ApiError(400, 'invalid_field', `字段 upTo 超出范围：该办件最后一条事件为第 ${last.seq} 条`, 'upTo');
        }
        const upToHere = events.filter((e) =>
          upTo !== undefined ? e.seq <= upTo : instant !== undefined ? Date.parse(e.at) <= instant : true,
        );
        const lastFolded = upToHere.at(-1);
        if (!lastFolded) {
          throw new ApiError(422, 'before_case_received', `办件 ${caseNo} 在 ${at} 尚未收件`, 'at');
        }
        await logStaffRead(deps.db, staffOf(request), caseNo, 'replay');
        return forReader(request.staff, {
          ...caseView(fold(upToHere)),
          replayedUpTo: lastFolded.seq,
          at: lastFolded.at,
        });
      },
    );
  };
