/**
 * 延期: every pending extension of a department, whoever holds the case's tasks now (a head decides their
 * department's requests even on cases where they hold no task). Read from the case read model's snapshot.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Extension } from '../../rules/caseModel.ts';
import type { ApiDeps } from '../app.ts';
import { staffOf } from '../auth/guard.ts';
import { ApiError } from '../errors.ts';
import { errors, PendingExtensionRow } from '../schemas.ts';

const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const ExtensionQuery = Type.Object(
  {
    status: Type.Optional(Type.Literal('pending')),
    department: Type.Optional(code),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export const extensionRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const sql = deps.db.$client;

    app.get(
      '/extensions',
      {
        config: { access: 'extension.list' },
        schema: {
          summary: '待审批的延期申请（部门负责人只见本部门；监督人员可按部门筛选），急办件在前、期限早的在前',
          querystring: ExtensionQuery,
          response: { 200: Type.Array(PendingExtensionRow), ...errors(403) },
        },
      },
      async (request) => {
        const user = staffOf(request);
        let department = request.query.department;
        if (user.role === 'head') {
          if (department !== undefined && department !== user.department) {
            throw new ApiError(
              403,
              'not_your_department',
              `部门负责人只能查看本部门（${user.department ?? ''}）的延期申请`,
              'department',
            );
          }
          department = user.department ?? '';
        }
        const wanted = JSON.stringify([{ status: 'requested', ...(department !== undefined ? { department } : {}) }]);
        const rows = await sql<
          Array<{
            case_no: string;
            status: string;
            applicant_name: string;
            promised_due: string | null;
            statutory_due: string | null;
            urgent: boolean;
            extensions: Extension[];
          }>
        >`
          SELECT case_no, status, applicant_name, promised_due::text AS promised_due,
                 statutory_due::text AS statutory_due, urgent, snapshot -> 'extensions' AS extensions
          FROM cases
          WHERE snapshot -> 'extensions' @> ${wanted}::jsonb
          ORDER BY urgent DESC, promised_due ASC NULLS LAST, case_no
          LIMIT ${request.query.limit ?? 200}`;
        const catalogue = await deps.catalogue.get();
        const names = new Map(catalogue.departments.map((d) => [d.code, d.name]));
        return rows.flatMap((r) =>
          r.extensions
            .filter((x) => x.status === 'requested' && (department === undefined || x.department === department))
            .map((x) => ({
              caseNo: r.case_no,
              id: x.id,
              department: x.department,
              departmentName: names.get(x.department) ?? x.department,
              reason: x.reason,
              requestedBy: x.requestedBy,
              days: x.days,
              applicantName: r.applicant_name,
              status: r.status,
              promisedDue: r.promised_due,
              statutoryDue: r.statutory_due,
              urgent: r.urgent,
            })),
        );
      },
    );
  };
