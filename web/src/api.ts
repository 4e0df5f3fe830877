/** Calls to the public API (same origin). Errors arrive as `{ code, message, field }` with a Chinese message. */
import type { Static } from 'typebox';
import type * as audit from '../../api/schemas/audit.ts';
import type * as schemas from '../../api/schemas/caseView.ts';
import type * as catalogue from '../../api/schemas/catalogue.ts';
import type * as certificates from '../../api/schemas/certificates.ts';
import type * as files from '../../api/schemas/files.ts';
import type * as review from '../../api/schemas/review.ts';
import type * as staff from '../../api/schemas/staff.ts';
import type * as supervision from '../../api/schemas/supervision.ts';
import type * as complaints from '../../api/schemas/complaints.ts';
import type * as disclosure from '../../api/schemas/disclosure.ts';
import type * as hall from '../../api/schemas/hall.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function api<T>(
  path: string,
  options: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body ?? {}) as { code?: string; message?: string; field?: string };
    if (response.status === 401 && (error.code === 'session_expired' || error.code === 'authentication_required')) {
      // The session ended (idle, signed out elsewhere): the session context sends the user to /login.
      window.dispatchEvent(new Event('session-lost'));
    }
    throw new ApiError(
      response.status,
      error.code ?? 'http_error',
      error.message ?? `请求失败（HTTP ${response.status}）`,
      error.field,
    );
  }
  return body as T;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A case number as the API accepts it in a path. */
export const pathPart = (value: string) => encodeURIComponent(value.trim());

// The API's answers: types of the schemas the server declares and serializes with (api/schemas/).
export type Notice = Static<typeof schemas.Notice>;
export type CaseView = Static<typeof schemas.CaseView>;
export type CaseMaterial = Static<typeof schemas.CaseMaterial>;
export type CaseFile = Static<typeof schemas.CaseFile>;
export type CaseRecord = Static<typeof schemas.CaseRecord>;
export type ReplayedCase = Static<typeof schemas.ReplayedCase>;
export type VerifyView = Static<typeof certificates.Verification>;
export type AuditView = Static<typeof audit.AuditReport>;
export type HistoryEntry = Static<typeof audit.HistoryEntry>;
export type CaseHistory = Static<typeof audit.CaseHistory>;
export type CaseListRow = Static<typeof schemas.CaseListRow>;
export type SubmittedCase = Static<typeof review.SubmittedCase>;
export type TaskRow = Static<typeof review.TaskRow>;
export type LibraryEntry = Static<typeof certificates.LibraryEntry>;
export type MatterSummary = Static<typeof catalogue.MatterSummary>;
export type MatterGuide = Static<typeof catalogue.MatterGuide>;
export type ThemeView = Static<typeof catalogue.ThemeView>;
export type Me = Static<typeof staff.Me>;
export type Account = Static<typeof staff.UserView>;
export type Figures = Static<typeof supervision.Figures>;
export type Overview = Static<typeof supervision.Overview>;
export type Alerts = Static<typeof supervision.Alerts>;
export type Ledger = Static<typeof supervision.Ledger>;
export type FollowUpRow = Static<typeof review.FollowUpRow>;
export type AppealedRatingRow = Static<typeof review.AppealedRatingRow>;
export type PendingExtensionRow = Static<typeof review.PendingExtensionRow>;
export type FiledComplaint = Static<typeof complaints.FiledComplaint>;
export type ComplaintRow = Static<typeof complaints.ComplaintRow>;
export type ComplaintAnswer = Static<typeof complaints.ComplaintAnswer>;
export type ComplaintFigures = Static<typeof complaints.ComplaintFiguresAnswer>;
export type Disclosure = Static<typeof disclosure.DisclosureAnswer>;
export type TakenTicket = Static<typeof hall.TakenTicket>;
export type Ticket = Static<typeof hall.Ticket>;
export type WindowQueue = Static<typeof hall.WindowQueue>;
export type Board = Static<typeof hall.Board>;
export type Slot = Static<typeof hall.Slot>;
export type Appointment = Static<typeof hall.Appointment>;
export type QueueFigures = Static<typeof hall.QueueFigures>;
export type FileUploaded = Static<typeof files.FileUploaded>;
