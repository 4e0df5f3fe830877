/** 个人信息保护法: auditors see who read which case record, and when (api/auth/personalData.ts writes the log). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import Type from 'typebox';
import { staffReads } from '../../db/schema.ts';
import type { ApiDeps } from '../app.ts';
import { StaffRead } from '../schemas.ts';

const StaffReadQuery = Type.Object(
  {
    caseNo: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9-]+$' })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const staffReadRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/staff-reads',
      {
        config: { access: 'audit.reads' },
        schema: {
          summary: '工作人员查阅办件记录的日志（审计）',
          querystring: StaffReadQuery,
          response: { 200: Type.Array(StaffRead) },
        },
      },
      async (request) => {
        const filters: SQL[] = [];
        if (request.query.caseNo) filters.push(eq(staffReads.caseNo, request.query.caseNo));
        if (request.query.username) filters.push(eq(staffReads.username, request.query.username));
        return deps.db
          .select()
          .from(staffReads)
          .where(filters.length ? and(...filters) : undefined)
          .orderBy(desc(staffReads.at), desc(staffReads.id))
          .limit(request.query.limit ?? 200);
      },
    );
  };
