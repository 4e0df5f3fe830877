/** 办件公示: recently decided cases (masked names) and the monthly figures, for anyone, from the supervision facts. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { maskApplicantName, monthlyFigures, monthsBetween } from '../../rules/disclosure.ts';
import { statusLabels } from '../../rules/labels.ts';
import type { CaseStatus } from '../../rules/caseModel.ts';
import { addCalendarDays, chinaDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { DisclosureAnswer } from '../schemas.ts';
import { period } from './supervision.ts';

const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const DisclosureQuery = Type.Object(
  {
    from: Type.Optional(isoDate),
    to: Type.Optional(isoDate),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export const disclosureRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const sql = deps.db.$client;

    app.get(
      '/public/decisions',
      {
        config: { access: 'disclosure.read' },
        schema: {
          summary: '办件公示：期间内办结的办件（申请人姓名遮蔽）及每月办件统计；默认最近 30 天，最长一年',
          querystring: DisclosureQuery,
          response: { 200: DisclosureAnswer },
        },
      },
      async (request) => {
        const today = chinaDate(deps.clock.now());
        const { from, to } = period(
          request.query.from ?? addCalendarDays(request.query.to ?? today, -29),
          request.query.to ?? today,
          366,
        );
        const rows = await sql<
          Array<{
            case_no: string;
            matter_names: string[];
            applicant_name: string;
            status: string;
            decided_on: string;
            on_time: boolean | null;
          }>
        >`
          SELECT case_no, matter_names, applicant_name, status, decided_on::text AS decided_on, on_time
          FROM supervision_cases
          WHERE decided_on BETWEEN ${from} AND ${to}
          ORDER BY decided_on DESC, case_no DESC
          LIMIT ${request.query.limit ?? 200}`;
        const decided = await sql<
          Array<{ month: string; decided: number; approved: number; refused: number; on_time: number }>
        >`
          SELECT to_char(decided_on, 'YYYY-MM') AS month, count(*)::int AS decided,
                 (count(*) FILTER (WHERE status IN ('approved', 'partially_approved')))::int AS approved,
                 (count(*) FILTER (WHERE status = 'refused'))::int AS refused,
                 (count(*) FILTER (WHERE on_time))::int AS on_time
          FROM supervision_cases WHERE decided_on BETWEEN ${from} AND ${to} GROUP BY 1`;
        const received = await sql<Array<{ month: string; received: number }>>`
          SELECT to_char(received_on, 'YYYY-MM') AS month, count(*)::int AS received
          FROM supervision_cases WHERE received_on BETWEEN ${from} AND ${to} GROUP BY 1`;
        return {
          from,
          to,
          decisions: rows.map((r) => ({
            caseNo: r.case_no,
            matters: r.matter_names,
            applicantName: maskApplicantName(r.applicant_name),
            result: r.status,
            resultLabel: statusLabels[r.status as CaseStatus] ?? r.status,
            decidedOn: r.decided_on,
            onTime: r.on_time,
          })),
          months: monthlyFigures(
            monthsBetween(from, to),
            new Map(received.map((r) => [r.month, r.received])),
            new Map(
              decided.map((r) => [
                r.month,
                { decided: r.decided, approved: r.approved, refused: r.refused, onTime: r.on_time },
              ]),
            ),
          ),
        };
      },
    );
  };
