/**
 * 好差评: the applicant rates a finished case once (case number + query code); a bad rating opens a follow-up (整改)
 * the department answers; staff appeal a rating (申诉) and a supervisor upholds or voids it. Ratings usually arrive
 * after the case's workflow has closed: these commands reopen it (api/caseClient.ts `reopen`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import Type from 'typebox';
import { followUps } from '../../db/schema.ts';
import { FOLLOW_UP_DAYS, RATING_LEVELS, ratingLevelNames } from '../../rules/ratings.ts';
import type { ApiDeps } from '../app.ts';
import { commandCase } from '../caseCommand.ts';
import { caseView } from '../caseView.ts';
import { ApiError } from '../errors.ts';
import { applicantRateLimit } from '../hardening.ts';
import {
  CaseNoParams,
  CaseView,
  COMMAND_ERRORS,
  AppealedRatingRow,
  errors,
  FollowUpRow,
  IdempotencyHeaders,
  RatingAnswer,
} from '../schemas.ts';
import { departmentsOf } from '../../rules/access.ts';
import { actingDepartment, staffOf } from '../auth/guard.ts';

const strict = { additionalProperties: false } as const;
const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const text = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' });

const RatingBody = Type.Object(
  {
    level: Type.Union(RATING_LEVELS.map((l) => Type.Literal(l))),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
    channel: Type.Optional(Type.Union(['window', 'online', 'app', 'sms', 'phone'].map((c) => Type.Literal(c)))),
    queryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  },
  strict,
);

const RatingHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  'x-query-code': Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
});

const FollowUpReplyBody = Type.Object({ department: code, text }, strict);
const AppealBody = Type.Object({ department: code, reason: text }, strict);
const AppealDecisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('uphold'), Type.Literal('void')]), reason: text },
  strict,
);

const FollowUpQuery = Type.Object(
  {
    department: Type.Optional(code),
    status: Type.Optional(Type.Union(['open', 'replied', 'cancelled'].map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

export const ratingRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/applications/:caseNo/rating',
      {
        // Applicant access with the query code: guessing codes is rate-limited per client address and case.
        config: { ...applicantRateLimit(deps.hardening), access: 'case.rate' },
        schema: {
          summary: '好差评：申请人评价已办结的办件（办件编号 + 查询码）',
          params: CaseNoParams,
          body: RatingBody,
          headers: RatingHeaders,
          response: { 201: RatingAnswer, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request, reply) => {
        const { queryCode: bodyCode, ...rest } = request.body;
        const queryCode = request.headers['x-query-code'] ?? bodyCode;
        if (!queryCode) throw new ApiError(400, 'query_code_required', '缺少查询码（X-Query-Code）', 'queryCode');
        await app.queryCodeFailures.check(request);
        const answer = await commandCase(
          deps,
          request,
          request.params.caseNo,
          'rate',
          { ...rest, queryCode, followUpDays: deps.followUpDays ?? FOLLOW_UP_DAYS },
          { reopen: true },
        ).catch((error: unknown) => {
          // A closed case whose record is gone from the engine, or a wrong code: both look like an unknown case.
          if (error instanceof ApiError && (error.code === 'case_closed' || error.code === 'case_not_found')) {
            // A wrong code, or a guessed case number: counted against the address like any wrong query code.
            return app.queryCodeFailures.fail(request).then(() => {
              throw new ApiError(404, 'case_not_found', `办件 ${request.params.caseNo} 不存在`, 'caseNo');
            });
          }
          throw error;
        });
        const state = answer.state;
        return reply.status(201).send({
          rating: state.rating ? { ...state.rating, levelName: ratingLevelNames[state.rating.level] } : null,
          followUp: state.followUp ?? null,
        });
      },
    );

    app.post(
      '/applications/:caseNo/follow-up/reply',
      {
        config: { access: 'followup.reply' },
        schema: {
          summary: '差评整改：责任部门答复整改情况',
          params: CaseNoParams,
          body: FollowUpReplyBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const acting = actingDepartment(staffOf(request), request.body.department);
        const { state } = await commandCase(deps, request, request.params.caseNo, 'replyFollowUp', request.body, {
          acting,
          reopen: true,
        });
        return caseView(state);
      },
    );

    app.post(
      '/applications/:caseNo/rating/appeal',
      {
        config: { access: 'rating.appeal' },
        schema: {
          summary: '评价申诉：承办部门对评价提出申诉',
          params: CaseNoParams,
          body: AppealBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const acting = actingDepartment(staffOf(request), request.body.department);
        const { state } = await commandCase(deps, request, request.params.caseNo, 'appealRating', request.body, {
          acting,
          reopen: true,
        });
        return caseView(state);
      },
    );

    app.post(
      '/applications/:caseNo/rating/appeal/decision',
      {
        config: { access: 'rating.decide' },
        schema: {
          summary: '申诉处理：监督人员维持或作废评价（作废的评价不计入统计）',
          params: CaseNoParams,
          body: AppealDecisionBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const { state } = await commandCase(deps, request, request.params.caseNo, 'decideRatingAppeal', request.body, {
          reopen: true,
        });
        return caseView(state);
      },
    );

    app.get(
      '/ratings/appealed',
      {
        config: { access: 'rating.list' },
        schema: {
          summary: '申诉中的评价（待监督人员维持或作废），先评的在前',
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, strict),
          response: { 200: Type.Array(AppealedRatingRow) },
        },
      },
      async (request) => {
        const rows = await deps.db.$client<
          Array<{
            case_no: string;
            level: string;
            rated_on: string;
            comment: string | null;
            department: string;
            appeal_reason: string | null;
            appealed_by: string | null;
          }>
        >`
          SELECT r.case_no, r.level, r.rated_on::text AS rated_on, r.comment, r.department,
                 c.snapshot -> 'rating' -> 'appeal' ->> 'reason' AS appeal_reason,
                 c.snapshot -> 'rating' -> 'appeal' ->> 'by' AS appealed_by
          FROM ratings r LEFT JOIN cases c ON c.case_no = r.case_no
          WHERE r.status = 'appealed'
          ORDER BY r.rated_on, r.case_no
          LIMIT ${request.query.limit ?? 200}`;
        return rows.map((r) => ({
          caseNo: r.case_no,
          level: r.level,
          levelName: ratingLevelNames[r.level as keyof typeof ratingLevelNames] ?? r.level,
          ratedOn: r.rated_on,
          comment: r.comment,
          department: r.department,
          appealReason: r.appeal_reason,
          appealedBy: r.appealed_by,
        }));
      },
    );

    app.get(
      '/follow-ups',
      {
        config: { access: 'followup.list' },
        schema: {
          summary: '差评整改清单（按部门、状态；部门人员只见本部门）',
          querystring: FollowUpQuery,
          response: { 200: Type.Array(FollowUpRow) },
        },
      },
      async (request) => {
        const { department, status, limit } = request.query;
        const user = staffOf(request);
        const filters: SQL[] = [];
        if (user.role === 'reviewer' || user.role === 'head') {
          const mine = departmentsOf(user).filter((d) => !department || d === department);
          filters.push(inArray(followUps.department, mine.length ? mine : ['']));
        } else if (department) filters.push(eq(followUps.department, department));
        if (status) filters.push(eq(followUps.status, status));
        const rows = await deps.db
          .select()
          .from(followUps)
          .where(filters.length ? and(...filters) : undefined)
          .orderBy(asc(followUps.due), asc(followUps.id))
          .limit(limit ?? 200);
        return rows.map((r) => ({ ...r, levelName: ratingLevelNames[r.level as keyof typeof ratingLevelNames] }));
      },
    );
  };
