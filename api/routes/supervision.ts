/** 电子监察: the centre's figures for a period and the cases under a yellow or red warning now. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { followUpAlerts, supervisionAlerts, supervisionOverview } from '../../db/supervision.ts';
import { ratingLevelNames, type RatingLevel } from '../../rules/ratings.ts';
import type { Catalogue } from '../../rules/catalogue.ts';
import type { CaseStatus, DeadlineName } from '../../rules/caseModel.ts';
import { OPEN_STATUSES, statusLabels, warningDeadlineLabels } from '../../rules/supervision.ts';
import { chinaDate, type IsoDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { Alerts, Overview } from '../schemas.ts';
import { ApiError } from '../errors.ts';
import { staffOf } from '../auth/guard.ts';
import type { FastifyRequest } from 'fastify';

const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const OverviewQuery = Type.Object(
  {
    from: isoDate,
    to: isoDate,
    department: Type.Optional(code),
    matter: Type.Optional(code),
    window: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const AlertsQuery = Type.Object(
  {
    department: Type.Optional(code),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

/** A date that exists on the calendar (the pattern lets 2026-02-30 through), in the years 1900–2999. */
export function calendarDate(value: string, field: string): IsoDate {
  const ms = Date.parse(`${value}T00:00:00Z`);
  const year = Number(value.slice(0, 4));
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value || year < 1900 || year > 2999) {
    throw new ApiError(400, 'invalid_date', `${field} 不是有效日期：${value}（格式 YYYY-MM-DD）`, field);
  }
  return value;
}

/** A period `from`..`to` (both days included), at most `maxDays` long. */
export function period(
  from: string,
  to: string,
  maxDays: number,
  toField = 'to',
  fromField = 'from',
): { from: IsoDate; to: IsoDate } {
  calendarDate(from, fromField);
  calendarDate(to, toField);
  if (to < from) throw new ApiError(400, 'invalid_period', `结束日期 ${to} 早于开始日期 ${from}`, toField);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days > maxDays) throw new ApiError(400, 'period_too_long', `统计期间最长 ${maxDays} 天`, toField);
  return { from, to };
}

function checkKnown(catalogue: Catalogue, department?: string, matter?: string) {
  if (department !== undefined && !catalogue.departments.some((d) => d.code === department)) {
    throw new ApiError(400, 'unknown_department', `没有这个部门：${department}`, 'department');
  }
  if (matter !== undefined && !catalogue.matters.some((m) => m.code === matter)) {
    throw new ApiError(400, 'unknown_matter', `没有这个事项：${matter}`, 'matter');
  }
}

/** A department head watches their own department: the filter is theirs whatever they ask. */
function ownDepartment(request: FastifyRequest, asked: string | undefined): string | undefined {
  const user = staffOf(request);
  if (user.role !== 'head') return asked;
  if (asked !== undefined && asked !== user.department) {
    throw new ApiError(
      403,
      'not_your_department',
      `部门负责人只能查看本部门（${user.department ?? ''}）的监察数据`,
      'department',
    );
  }
  return user.department;
}

export const supervisionRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const sql = deps.db.$client;

    app.get(
      '/supervision/overview',
      {
        config: { access: 'supervision.read' },
        schema: {
          summary: '电子监察：统计期间的受理、办结、按时办结率等指标（总计及按部门、事项、窗口）',
          querystring: OverviewQuery,
          response: { 200: Overview },
        },
      },
      async (request) => {
        const { matter, window } = request.query;
        const department = ownDepartment(request, request.query.department);
        const { from, to } = period(request.query.from, request.query.to, 3660);
        const catalogue = await deps.catalogue.get();
        checkKnown(catalogue, department, matter);
        const asOf = chinaDate(deps.clock.now());
        const filters = {
          ...(department !== undefined ? { department } : {}),
          ...(matter !== undefined ? { matter } : {}),
          ...(window !== undefined ? { window } : {}),
        };
        const o = await supervisionOverview(sql, { from, to, today: asOf, filters });
        const departmentName = new Map(catalogue.departments.map((d) => [d.code, d.name]));
        const matterName = new Map(catalogue.matters.map((m) => [m.code, m.name]));
        const open = await sql<Array<{ status: string; count: number }>>`
          SELECT status, count(*)::int AS count FROM supervision_cases
          WHERE status IN ${sql(OPEN_STATUSES)}
            ${department !== undefined ? sql`AND ${department} = ANY(departments)` : sql``}
            ${matter !== undefined ? sql`AND ${matter} = ANY(matters)` : sql``}
            ${window !== undefined ? sql`AND "window" = ${window}` : sql``}
          GROUP BY status`;
        const openCount = new Map(open.map((r) => [r.status, r.count]));
        return {
          from,
          to,
          /** Today (China date of the system clock): what overdueOpen and nearDueOpen are measured against. */
          asOf,
          filters,
          totals: o.totals,
          byDepartment: [...o.byDepartment].map(([department, figures]) => ({
            department,
            name: departmentName.get(department) ?? department,
            ...figures,
          })),
          byMatter: [...o.byMatter].map(([matter, figures]) => ({
            matter,
            name: matterName.get(matter) ?? matter,
            ...figures,
          })),
          byWindow: [...o.byWindow].map(([window, figures]) => ({ window, ...figures })),
          openByStatus: OPEN_STATUSES.map((status) => ({
            status,
            label: statusLabels[status],
            count: openCount.get(status) ?? 0,
          })),
        };
      },
    );

    app.get(
      '/supervision/alerts',
      {
        config: { access: 'supervision.read' },
        schema: {
          summary: '电子监察：红黄牌预警中的在办件（红牌在前，期限早的在前）',
          querystring: AlertsQuery,
          response: { 200: Alerts },
        },
      },
      async (request) => {
        const { limit } = request.query;
        const department = ownDepartment(request, request.query.department);
        const catalogue = await deps.catalogue.get();
        checkKnown(catalogue, department);
        const departmentName = new Map(catalogue.departments.map((d) => [d.code, d.name]));
        const [{ rows, red, yellow }, followUps] = await Promise.all([
          supervisionAlerts(sql, { ...(department !== undefined ? { department } : {}), limit: limit ?? 200 }),
          followUpAlerts(sql, { ...(department !== undefined ? { department } : {}), limit: limit ?? 200 }),
        ]);
        return {
          asOf: chinaDate(deps.clock.now()),
          red,
          yellow,
          alerts: rows.map((r) => ({
            caseNo: r.case_no,
            level: r.warning_level,
            levelLabel: r.warning_level === 'red' ? '红牌' : '黄牌',
            deadline: r.warning_deadline,
            deadlineLabel: warningDeadlineLabels[r.warning_deadline as DeadlineName] ?? r.warning_deadline,
            due: r.warning_due,
            warnedAt: new Date(r.warning_at).toISOString(),
            status: r.status,
            statusLabel: statusLabels[r.status as CaseStatus] ?? r.status,
            urgent: r.urgent,
            window: r.window,
            applicantName: r.applicant_name,
            matters: r.matters.map((m, i) => ({ code: m, name: r.matter_names[i] ?? m })),
            /** Who holds the case now: the departments with an open task, or else the window. */
            heldBy:
              r.holder_departments.length > 0
                ? r.holder_departments.map((d) => ({ kind: 'department', code: d, name: departmentName.get(d) ?? d }))
                : [{ kind: 'window', code: r.window, name: `${r.window} 综合窗口` }],
          })),
          /** 差评整改 still open with a yellow or red warning: red first, then the earliest due. */
          followUps: followUps.map((f) => ({
            id: f.id,
            caseNo: f.case_no,
            level: f.warning,
            levelLabel: f.warning === 'red' ? '红牌' : '黄牌',
            due: f.due,
            ratingLevel: f.level,
            ratingLevelName: ratingLevelNames[f.level as RatingLevel] ?? f.level,
            department: { code: f.department, name: departmentName.get(f.department) ?? f.department },
          })),
        };
      },
    );
  };
