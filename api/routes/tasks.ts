/** Department review tasks (承办部门审查): inboxes and opinions. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { reviewTasks } from '../../db/schema.ts';
import type { ApiDeps } from '../app.ts';
import { callCase } from '../caseClient.ts';
import { caseView } from '../caseView.ts';
import { ApiError } from '../errors.ts';
import { IdempotencyHeaders, OpinionBody, TaskParams, TaskQuery } from '../schemas.ts';

export const taskRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/tasks', { schema: { summary: '部门审查任务列表', querystring: TaskQuery } }, async (request) => {
      const { department, status, caseNo, limit } = request.query;
      const filters: SQL[] = [];
      if (department) filters.push(eq(reviewTasks.department, department));
      if (status) filters.push(eq(reviewTasks.status, status));
      if (caseNo) filters.push(eq(reviewTasks.caseNo, caseNo));
      return deps.db
        .select({
          id: reviewTasks.id,
          caseNo: reviewTasks.caseNo,
          matter: reviewTasks.matter,
          department: reviewTasks.department,
          status: reviewTasks.status,
          openedOn: reviewTasks.openedOn,
          due: reviewTasks.due,
        })
        .from(reviewTasks)
        .where(filters.length ? and(...filters) : undefined)
        .orderBy(asc(reviewTasks.due), asc(reviewTasks.id))
        .limit(limit ?? 200);
    });

    app.post(
      '/tasks/:id/opinion',
      { schema: { summary: '提交审查意见', params: TaskParams, body: OpinionBody, headers: IdempotencyHeaders } },
      async (request) => {
        const [task] = await deps.db.select().from(reviewTasks).where(eq(reviewTasks.id, request.params.id));
        if (!task) throw new ApiError(404, 'task_not_found', `审查任务 ${request.params.id} 不存在`, 'id');
        const { decision, reason, reviewerId, department } = request.body;
        const state = await callCase(
          deps,
          task.caseNo,
          'giveOpinion',
          {
            taskId: task.id,
            decision,
            reviewerId,
            ...(reason !== undefined ? { reason } : {}),
            ...(department ? { department } : {}),
          },
          request.headers['idempotency-key'],
        );
        return caseView(state);
      },
    );
  };
