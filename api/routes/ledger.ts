/** 台帐: a window's daily ledger of the cases it received, as JSON, CSV (Excel-ready) or an .xlsx workbook. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import ExcelJS from 'exceljs';
import Type from 'typebox';
import { ledgerRows, type LedgerRow } from '../../db/supervision.ts';
import type { CaseStatus } from '../../rules/caseModel.ts';
import { statusLabels } from '../../rules/supervision.ts';
import { chinaDate } from '../../rules/workingDays.ts';
import type { ApiDeps } from '../app.ts';
import { Ledger } from '../schemas.ts';
import { ApiError } from '../errors.ts';
import { staffOf } from '../auth/guard.ts';
import { period } from './supervision.ts';

const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const LedgerQuery = Type.Object(
  {
    window: Type.String({ minLength: 1, maxLength: 64 }),
    date: Type.Optional(isoDate),
    from: Type.Optional(isoDate),
    to: Type.Optional(isoDate),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')])),
  },
  { additionalProperties: false },
);

/** The ledger's columns, in order: the Chinese header and the value of a row. */
const COLUMNS: Array<{ header: string; width: number; value: (e: LedgerEntry) => string | number }> = [
  { header: '序号', width: 6, value: (e) => e.no },
  { header: '办件编号', width: 16, value: (e) => e.caseNo },
  { header: '收件时间', width: 18, value: (e) => e.receivedAt },
  { header: '申请事项', width: 40, value: (e) => e.matters.map((m) => m.name).join('、') },
  { header: '申请人', width: 24, value: (e) => e.applicantName },
  { header: '证件号码', width: 22, value: (e) => e.applicantIdNumber },
  { header: '受理日期', width: 12, value: (e) => e.acceptedOn ?? '' },
  { header: '承诺办结日期', width: 14, value: (e) => e.promisedDue ?? '' },
  { header: '办结日期', width: 12, value: (e) => e.closedOn ?? '' },
  { header: '办理状态', width: 14, value: (e) => e.statusLabel },
  { header: '跑动次数', width: 10, value: (e) => e.visits },
  { header: '急办件', width: 8, value: (e) => (e.urgent ? '是' : '') },
];

interface LedgerEntry {
  no: number;
  caseNo: string;
  receivedAt: string;
  matters: Array<{ code: string; name: string }>;
  applicantName: string;
  applicantIdNumber: string;
  acceptedOn: string | null;
  promisedDue: string | null;
  closedOn: string | null;
  status: string;
  statusLabel: string;
  visits: number;
  urgent: boolean;
}

/** China wall-clock time of an instant, to the minute: 2026-03-02 09:15. */
function chinaTime(value: string | Date): string {
  const ms = new Date(value).getTime();
  const local = new Date(ms + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

function entry(row: LedgerRow, index: number): LedgerEntry {
  return {
    no: index + 1,
    caseNo: row.case_no,
    receivedAt: chinaTime(row.received_at),
    matters: row.matters.map((m, i) => ({ code: m, name: row.matter_names[i] ?? m })),
    applicantName: row.applicant_name,
    applicantIdNumber: row.applicant_id_masked,
    acceptedOn: row.accepted_on,
    promisedDue: row.promised_due,
    closedOn: row.closed_on,
    status: row.status,
    statusLabel: statusLabels[row.status as CaseStatus] ?? row.status,
    visits: row.visits,
    urgent: row.urgent,
  };
}

/**
 * One CSV field: quoted when needed; a text that a spreadsheet would take for a formula (= + - @ at the start) gets a
 * leading apostrophe, so an applicant's name can never run as a formula (CSV injection).
 */
function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function ledgerCsv(entries: LedgerEntry[]): string {
  const lines = [
    COLUMNS.map((c) => csvField(c.header)),
    ...entries.map((e) => COLUMNS.map((c) => csvField(c.value(e)))),
  ];
  // UTF-8 with a byte-order mark: Excel then reads the Chinese text as UTF-8.
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

async function ledgerXlsx(entries: LedgerEntry[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '政务服务中心 一门式审批';
  workbook.created = new Date(0);
  const sheet = workbook.addWorksheet('台帐', { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.mergeCells(1, 1, 1, COLUMNS.length);
  const titleCell = sheet.getCell(1, 1);
  titleCell.value = title;
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: 'center' };
  const header = sheet.addRow(COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  COLUMNS.forEach((c, i) => (sheet.getColumn(i + 1).width = c.width));
  for (const e of entries) sheet.addRow(COLUMNS.map((c) => c.value(e)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** `attachment` with an ASCII name and the Chinese one (RFC 6266 / 5987) for browsers that read it. */
function disposition(ascii: string, chinese: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(chinese)}`;
}

export const ledgerRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/ledger',
      {
        config: { access: 'ledger.read' },
        schema: {
          summary: '窗口台帐：某窗口某日（或某期间）收件的全部办件，可导出 CSV 或 Excel',
          querystring: LedgerQuery,
          response: {
            200: {
              description: '台帐：JSON（默认）、CSV（format=csv）或 Excel 工作簿（format=xlsx）',
              content: {
                'application/json': { schema: Ledger },
                'text/csv': { schema: Type.String() },
                'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                  schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
                },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const { window, date, format } = request.query;
        const user = staffOf(request);
        if (user.role === 'clerk' && user.window !== window) {
          throw new ApiError(403, 'not_your_window', `只能查看本窗口（${user.window ?? '未指定'}）的台帐`, 'window');
        }
        if (date !== undefined && (request.query.from !== undefined || request.query.to !== undefined)) {
          throw new ApiError(400, 'conflicting_fields', '请只给出 date，或 from 与 to，不能同时给出', 'date');
        }
        const today = chinaDate(deps.clock.now());
        const { from, to } =
          date !== undefined
            ? period(date, date, 1, 'date', 'date')
            : period(request.query.from ?? today, request.query.to ?? request.query.from ?? today, 366);
        const entries = (await ledgerRows(deps.db.$client, { window, from, to })).map(entry);
        const span = from === to ? from : `${from}_${to}`;
        const safeWindow = window.replace(/[^A-Za-z0-9_.-]/g, '_');
        const title = `${window} 窗口台帐（${from === to ? from : `${from} 至 ${to}`}）共 ${entries.length} 件`;
        if (format === 'csv') {
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header(
              'content-disposition',
              disposition(`ledger-${safeWindow}-${span}.csv`, `台帐-${window}-${span}.csv`),
            )
            .send(ledgerCsv(entries));
        }
        if (format === 'xlsx') {
          return reply
            .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header(
              'content-disposition',
              disposition(`ledger-${safeWindow}-${span}.xlsx`, `台帐-${window}-${span}.xlsx`),
            )
            .send(await ledgerXlsx(entries, title));
        }
        const byStatus: Record<string, number> = {};
        for (const e of entries) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
        return { window, from, to, title, count: entries.length, byStatus, cases: entries };
      },
    );
  };
