/**
 * 投诉 · 咨询: anyone files one (the public page, or staff typing in a hotline call); it goes to the department that
 * answers for its subject, with a due date in working days and yellow / red cards; the department answers once; the
 * person reads the answer with the number and their phone (no notification channel exists yet: docs/complaints.md).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, desc, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import Type from 'typebox';
import { cases, complaints } from '../../db/schema.ts';
import { departmentsOf } from '../../rules/access.ts';
import {
  answeredInTime,
  COMPLAINT_KINDS,
  COMPLAINT_STATUSES,
  complaintDue,
  complaintFigures,
  complaintNumber,
  complaintSubject,
  complaintWarning,
  DEFAULT_COMPLAINT_ANSWER_DAYS,
  DEFAULT_COMPLAINT_WARNING_DAYS,
  routedDepartment,
  type ComplaintKind,
} from '../../rules/complaints.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { phoneProblem } from '../../rules/identity.ts';
import {
  complaintChannelLabels,
  complaintKindLabels,
  complaintStatusLabels,
  complaintSubjectLabels,
} from '../../rules/labels.ts';
import { chinaDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { staffOf } from '../auth/guard.ts';
import { ApiError } from '../errors.ts';
import { applicantRateLimit } from '../hardening.ts';
import { ComplaintAnswer, ComplaintFiguresAnswer, ComplaintRow, errors, FiledComplaint } from '../schemas.ts';
import { period } from './supervision.ts';

const strict = { additionalProperties: false } as const;
const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const text = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' });
const phone = Type.String({ minLength: 1, maxLength: 32 });
const NumberParams = Type.Object({ number: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Z0-9]+$' }) });

const ComplaintBody = Type.Object(
  {
    kind: Type.Union(COMPLAINT_KINDS.map((k) => Type.Literal(k))),
    text,
    caseNo: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^SQ\\d+$' })),
    department: Type.Optional(code),
    window: Type.Optional(Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9_-]+$' })),
    phone: Type.Optional(phone),
  },
  strict,
);

const ComplaintQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(COMPLAINT_STATUSES.map((s) => Type.Literal(s)))),
    department: Type.Optional(code),
    caseNo: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

const LookupQuery = Type.Object({ phone }, strict);
const ReplyBody = Type.Object({ text }, strict);
const FiguresQuery = Type.Object({ from: isoDate, to: isoDate, department: Type.Optional(code) }, strict);

type Row = typeof complaints.$inferSelect;

const samePhone = (a: string, b: string) => a.replace(/[\s-]/g, '') === b.replace(/[\s-]/g, '');

/** The department that answers for a case: the lead of its first matter (the one that answers for the whole). */
function leadDepartment(state: CaseState): string | undefined {
  return (state.tasks.find((t) => t.lead) ?? state.tasks[0])?.department;
}

export const complaintRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const answerDays = deps.complaints?.answerDays ?? DEFAULT_COMPLAINT_ANSWER_DAYS;
    const warningDays = deps.complaints?.warningDays ?? DEFAULT_COMPLAINT_WARNING_DAYS;
    const today = () => chinaDate(deps.clock.now());

    async function departmentNames() {
      const catalogue = await deps.catalogue.get();
      return new Map(catalogue.departments.map((d) => [d.code, d.name]));
    }

    function rowView(r: Row, names: Map<string, string>, asOf: string) {
      return {
        number: r.number,
        kind: r.kind as ComplaintKind,
        kindLabel: complaintKindLabels[r.kind as ComplaintKind] ?? r.kind,
        channel: r.channel as 'web' | 'hotline',
        channelLabel: complaintChannelLabels[r.channel as 'web' | 'hotline'] ?? r.channel,
        subject: r.subject as 'case' | 'department' | 'window' | 'centre',
        subjectLabel: complaintSubjectLabels[r.subject as 'case'] ?? r.subject,
        text: r.text,
        caseNo: r.caseNo,
        department: r.department ? { code: r.department, name: names.get(r.department) ?? r.department } : null,
        window: r.window,
        phone: r.phone,
        filedBy: r.filedBy,
        filedAt: new Date(r.filedAt).toISOString(),
        filedOn: r.filedOn,
        due: r.due,
        status: r.status as 'open' | 'answered',
        statusLabel: complaintStatusLabels[r.status as 'open'] ?? r.status,
        warning: complaintWarning(r, asOf, warningDays),
        reply: r.reply,
        repliedBy: r.repliedBy,
        repliedOn: r.repliedOn,
        answeredInTime: r.status === 'answered' ? answeredInTime(r) : null,
      };
    }

    app.post(
      '/complaints',
      {
        // Anyone may file: limited per client address like the routes that take a query code.
        config: { ...applicantRateLimit(deps.hardening, () => 'complaints'), access: 'complaint.file' },
        schema: {
          summary: '投诉 · 咨询：任何人提交（网上），或工作人员登录后录入热线来电（12345）',
          body: ComplaintBody,
          response: { 201: FiledComplaint, ...errors(404) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (body.phone !== undefined) {
          const problem = phoneProblem(body.phone);
          if (problem) throw new ApiError(400, 'invalid_phone', `联系电话（phone）无效：${problem}`, 'phone');
        }
        const names = await departmentNames();
        if (body.department !== undefined && !names.has(body.department)) {
          throw new ApiError(400, 'unknown_department', `没有这个部门：${body.department}`, 'department');
        }
        let caseLeadDepartment: string | undefined;
        if (body.caseNo !== undefined) {
          const [row] = await deps.db
            .select({ snapshot: cases.snapshot })
            .from(cases)
            .where(eq(cases.caseNo, body.caseNo));
          if (!row) throw new ApiError(404, 'case_not_found', `办件 ${body.caseNo} 不存在（caseNo）`, 'caseNo');
          caseLeadDepartment = leadDepartment(row.snapshot);
        }
        const department = routedDepartment({
          ...(caseLeadDepartment ? { caseLeadDepartment } : {}),
          ...(body.department ? { department: body.department } : {}),
        });
        const now = deps.clock.now();
        const filedOn = chinaDate(now);
        const due = complaintDue(filedOn, answerDays);
        const [{ seq }] = (await deps.db.$client`SELECT nextval('complaint_no_seq')::int AS seq`) as unknown as [
          { seq: number },
        ];
        const number = complaintNumber(body.kind, filedOn, seq);
        await deps.db.insert(complaints).values({
          number,
          kind: body.kind,
          channel: request.staff ? 'hotline' : 'web',
          subject: complaintSubject(body),
          text: body.text,
          caseNo: body.caseNo ?? null,
          department,
          window: body.window ?? null,
          phone: body.phone ?? null,
          filedBy: request.staff?.username ?? null,
          filedAt: new Date(now).toISOString(),
          filedOn,
          due,
          status: 'open',
        });
        return reply.status(201).send({
          number,
          due,
          kind: body.kind,
          department: department ? { code: department, name: names.get(department) ?? department } : null,
        });
      },
    );

    app.get(
      '/complaints',
      {
        config: { access: 'complaint.list' },
        schema: {
          summary: '投诉 · 咨询清单（部门人员只见本部门的；监督人员见全部），期限早的在前',
          querystring: ComplaintQuery,
          response: { 200: Type.Array(ComplaintRow) },
        },
      },
      async (request) => {
        const { status, department, caseNo, limit } = request.query;
        const user = staffOf(request);
        const filters: SQL[] = [];
        if (user.role === 'reviewer' || user.role === 'head') {
          const mine = departmentsOf(user).filter((d) => !department || d === department);
          filters.push(inArray(complaints.department, mine.length ? mine : ['']));
        } else if (department) filters.push(eq(complaints.department, department));
        if (status) filters.push(eq(complaints.status, status));
        if (caseNo) filters.push(eq(complaints.caseNo, caseNo));
        const rows = await deps.db
          .select()
          .from(complaints)
          .where(filters.length ? and(...filters) : undefined)
          .orderBy(desc(eq(complaints.status, 'open')), asc(complaints.due), asc(complaints.number))
          .limit(limit ?? 200);
        const names = await departmentNames();
        const asOf = today();
        return rows.map((r) => rowView(r, names, asOf));
      },
    );

    app.post(
      '/complaints/:number/reply',
      {
        config: { access: 'complaint.reply' },
        schema: {
          summary: '答复投诉 · 咨询：承办部门答复本部门的；监督人员答复未指向部门的（窗口、服务中心）',
          params: NumberParams,
          body: ReplyBody,
          response: { 200: ComplaintRow, ...errors(403, 404, 409) },
        },
      },
      async (request) => {
        const user = staffOf(request);
        const { number } = request.params;
        const [row] = await deps.db.select().from(complaints).where(eq(complaints.number, number));
        if (!row) throw new ApiError(404, 'complaint_not_found', `投诉 / 咨询 ${number} 不存在`, 'number');
        const mayAnswer =
          row.department === null ? user.role === 'supervisor' : departmentsOf(user).includes(row.department);
        if (!mayAnswer) {
          throw new ApiError(403, 'not_your_department', `投诉 / 咨询 ${number} 不由您所在的部门答复`, 'number');
        }
        const now = deps.clock.now();
        // Answered once: the condition makes a second reply (or a race of two) change nothing.
        const [updated] = await deps.db
          .update(complaints)
          .set({
            status: 'answered',
            reply: request.body.text,
            repliedBy: user.username,
            repliedAt: new Date(now).toISOString(),
            repliedOn: chinaDate(now),
          })
          .where(and(eq(complaints.number, number), eq(complaints.status, 'open')))
          .returning();
        if (!updated) throw new ApiError(409, 'already_answered', `投诉 / 咨询 ${number} 已答复`, 'number');
        return rowView(updated, await departmentNames(), today());
      },
    );

    app.get(
      '/complaints/:number',
      {
        // The person who filed it: the number and their phone. Guessing is limited per client address.
        config: {
          ...applicantRateLimit(deps.hardening, (r) => (r.params as { number?: string }).number ?? ''),
          access: 'complaint.lookup',
        },
        schema: {
          summary: '查询投诉 · 咨询的答复（编号 + 提交时留的联系电话）',
          params: NumberParams,
          querystring: LookupQuery,
          response: { 200: ComplaintAnswer, ...errors(404) },
        },
      },
      async (request) => {
        const { number } = request.params;
        const [row] = await deps.db.select().from(complaints).where(eq(complaints.number, number));
        // No phone on file, or another phone: the same answer as an unknown number.
        if (!row || row.phone === null || !samePhone(row.phone, request.query.phone)) {
          throw new ApiError(404, 'complaint_not_found', `没有编号为 ${number} 且联系电话相符的投诉 / 咨询`, 'number');
        }
        return {
          number: row.number,
          kind: row.kind as ComplaintKind,
          kindLabel: complaintKindLabels[row.kind as ComplaintKind] ?? row.kind,
          text: row.text,
          filedOn: row.filedOn,
          due: row.due,
          status: row.status as 'open' | 'answered',
          statusLabel: complaintStatusLabels[row.status as 'open'] ?? row.status,
          reply: row.reply,
          repliedOn: row.repliedOn,
        };
      },
    );

    app.get(
      '/supervision/complaints',
      {
        config: { access: 'supervision.read' },
        schema: {
          summary: '电子监察：统计期间提交的投诉 · 咨询件数、按时答复、超期未答复，按对象与部门',
          querystring: FiguresQuery,
          response: { 200: ComplaintFiguresAnswer, ...errors(403) },
        },
      },
      async (request) => {
        const user = staffOf(request);
        const { from, to } = period(request.query.from, request.query.to, 3660);
        let department = request.query.department;
        if (user.role === 'head') {
          if (department !== undefined && department !== user.department) {
            throw new ApiError(
              403,
              'not_your_department',
              `部门负责人只能查看本部门（${user.department ?? ''}）的数据`,
              'department',
            );
          }
          department = user.department ?? '';
        }
        const filters: SQL[] = [gte(complaints.filedOn, from), lte(complaints.filedOn, to)];
        if (department !== undefined) filters.push(eq(complaints.department, department));
        const rows = await deps.db
          .select({
            kind: complaints.kind,
            subject: complaints.subject,
            status: complaints.status,
            due: complaints.due,
            repliedOn: complaints.repliedOn,
            department: complaints.department,
          })
          .from(complaints)
          .where(and(...filters));
        const asOf = today();
        const names = await departmentNames();
        const byDepartment = new Map<string | null, typeof rows>();
        for (const r of rows) byDepartment.set(r.department, [...(byDepartment.get(r.department) ?? []), r]);
        return {
          from,
          to,
          asOf,
          totals: complaintFigures(rows, asOf),
          byDepartment: [...byDepartment]
            .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
            .map(([code, list]) => ({
              department: code === null ? null : { code, name: names.get(code) ?? code },
              ...complaintFigures(list, asOf),
            })),
        };
      },
    );
  };

/** Complaints about a case, for its timeline: oldest first. */
export async function complaintsAboutCase(db: ApiDeps['db'], caseNo: string) {
  const rows = await db.select().from(complaints).where(eq(complaints.caseNo, caseNo)).orderBy(asc(complaints.filedAt));
  return rows.map((r) => ({
    number: r.number,
    kind: r.kind as ComplaintKind,
    kindLabel: complaintKindLabels[r.kind as ComplaintKind] ?? r.kind,
    filedAt: new Date(r.filedAt).toISOString(),
    text: r.text,
    status: r.status as 'open' | 'answered',
    statusLabel: complaintStatusLabels[r.status as 'open'] ?? r.status,
    reply: r.reply,
    repliedOn: r.repliedOn,
  }));
}
