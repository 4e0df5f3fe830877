/** Department review tasks (承办部门审查): inboxes and opinions. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { cases, matters, reviewTasks, supervisionCases } from '../../db/schema.ts';
import type { ApiDeps } from '../app.ts';
import { commandCase } from '../caseCommand.ts';
import { answerView, caseView, caseViewWithFiles } from '../caseView.ts';
import { ApiError } from '../errors.ts';
import { departmentsOf, type StaffUser } from '../../rules/access.ts';
import { actingDepartment, staffOf } from '../auth/guard.ts';
import {
  IdempotencyHeaders,
  OpinionBody,
  SpecialProcedureBody,
  SpecialProcedureEndBody,
  SpecialProcedureParams,
  TaskParams,
  TaskQuery,
  CaseView,
  COMMAND_ERRORS,
  errors,
  StartedProcedure,
  TaskRow,
} from '../schemas.ts';
import Type from 'typebox';

export const taskRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    /**
     * A task's id starts with its case number (`SQ…-MATTER-DEPT`, rules/decisions/acceptance.ts), so commands go
     * straight to the case's workflow, which answers `task_not_found` itself: no database round trip on the hot path.
     */
    function taskRef(id: string) {
      const caseNo = /^(SQ\d+)-/.exec(id)?.[1];
      if (!caseNo) throw new ApiError(404, 'task_not_found', `审查任务 ${id} 不存在`, 'id');
      return { id, caseNo };
    }

    /**
     * The task as this reviewer may act on it: its id ends with its department's code, which must be the reviewer's
     * own or one they stand in for (AB岗); the workflow checks the department against the task again.
     */
    function myTask(user: StaffUser, id: string) {
      const task = taskRef(id);
      const department = departmentsOf(user).find((d) => id.endsWith(`-${d}`));
      if (!department) {
        throw new ApiError(403, 'not_your_department', `审查任务 ${id} 不属于您所在的部门`, 'id');
      }
      const acting = actingDepartment(user, department, 'id');
      return { ...task, acting };
    }

    app.get(
      '/tasks',
      {
        config: { access: 'task.list' },
        schema: {
          summary: '部门审查任务列表（审查人员只见本部门及顶岗部门的任务）',
          querystring: TaskQuery,
          response: { 200: Type.Array(TaskRow) },
        },
      },
      async (request) => {
        const { department, status, caseNo, limit } = request.query;
        const user = staffOf(request);
        const filters: SQL[] = [];
        if (user.role === 'reviewer' || user.role === 'head') {
          const mine = department ? departmentsOf(user).filter((d) => d === department) : departmentsOf(user);
          filters.push(inArray(reviewTasks.department, mine.length ? mine : ['']));
        } else if (department) filters.push(eq(reviewTasks.department, department));
        if (status) filters.push(eq(reviewTasks.status, status));
        if (caseNo) filters.push(eq(reviewTasks.caseNo, caseNo));
        // 急办件 first (every department gives them priority), then the earliest due.
        return deps.db
          .select({
            id: reviewTasks.id,
            caseNo: reviewTasks.caseNo,
            matter: reviewTasks.matter,
            department: reviewTasks.department,
            status: reviewTasks.status,
            openedOn: reviewTasks.openedOn,
            due: reviewTasks.due,
            urgent: reviewTasks.urgent,
            /** The case's current deadline card (黄牌 / 红牌), from the supervision read model; null without one. */
            warning: supervisionCases.warningLevel,
            // What an inbox row shows, so that listing tasks reads (and logs) no case record.
            applicantName: cases.applicantName,
            matterName: matters.name,
          })
          .from(reviewTasks)
          .leftJoin(supervisionCases, eq(supervisionCases.caseNo, reviewTasks.caseNo))
          .leftJoin(cases, eq(cases.caseNo, reviewTasks.caseNo))
          .leftJoin(matters, eq(matters.code, reviewTasks.matter))
          .where(filters.length ? and(...filters) : undefined)
          .orderBy(desc(reviewTasks.urgent), asc(reviewTasks.due), asc(reviewTasks.id))
          .limit(limit ?? 200);
      },
    );

    app.post(
      '/tasks/:id/opinion',
      {
        config: { access: 'task.act' },
        schema: {
          summary: '提交审查意见',
          params: TaskParams,
          body: OpinionBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const task = myTask(staffOf(request), request.params.id);
        const { state } = await commandCase(
          deps,
          request,
          task.caseNo,
          'giveOpinion',
          { taskId: task.id, ...request.body, department: task.acting.department },
          { acting: task.acting },
        );
        return caseViewWithFiles(deps.db, state);
      },
    );

    app.post(
      '/tasks/:id/special-procedures',
      {
        config: { access: 'task.act' },
        schema: {
          summary: '启动特别程序（听证、检验、检测、专家评审等，时间不计入审查期限）',
          params: TaskParams,
          body: SpecialProcedureBody,
          headers: IdempotencyHeaders,
          response: { 201: StartedProcedure, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request, reply) => {
        const task = myTask(staffOf(request), request.params.id);
        const { type, ...rest } = request.body;
        const { state, created } = await commandCase(
          deps,
          request,
          task.caseNo,
          'startSpecialProcedure',
          { taskId: task.id, procedure: type, ...rest },
          { acting: task.acting },
        );
        return reply
          .status(201)
          .send({ procedure: state.specialProcedures.find((p) => p.id === created), case: caseView(state) });
      },
    );

    app.post(
      '/tasks/:id/special-procedures/:procedureId/end',
      {
        config: { access: 'task.act' },
        schema: {
          summary: '结束特别程序',
          params: SpecialProcedureParams,
          body: SpecialProcedureEndBody,
          headers: IdempotencyHeaders,
          response: { 200: CaseView, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const task = myTask(staffOf(request), request.params.id);
        return answerView(
          await commandCase(
            deps,
            request,
            task.caseNo,
            'endSpecialProcedure',
            { taskId: task.id, procedureId: request.params.procedureId },
            { acting: task.acting },
          ),
        );
      },
    );
  };
