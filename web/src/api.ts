/** Calls to the public API (same origin). Errors arrive as `{ code, message, field }` with a Chinese message. */
import type { Extension } from '../../rules/caseModel.ts';

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
  options: { method?: 'GET' | 'POST' | 'PATCH'; body?: unknown; headers?: Record<string, string> } = {},
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

export interface Deadlines {
  acceptanceDue?: string;
  supplementDue?: string;
  statutoryDue?: string;
  promisedDue?: string;
  deliveryDue?: string;
  deficienciesDue?: string;
}

export interface Task {
  id: string;
  matter: string;
  department: string;
  departmentName: string;
  lead: boolean;
  status: string;
  openedOn: string;
  due: string;
  decision?: string;
  reason?: string;
  reviewerId?: string;
  decidedAt?: string;
  stage?: number;
  supplementRequest?: { materials: string[]; reason: string };
}

export interface Notice {
  id: string;
  kind: string;
  sentAt: string;
  title: string;
  body: string;
  items?: Array<{ code: string; name: string; matters: string[] }>;
  due?: string;
}

/** A case's extension request: the API sends the case state's own records (rules/caseModel.ts). */
export type { Extension } from '../../rules/caseModel.ts';

export interface CaseCertificate {
  certificateNo: string;
  matter: string;
  name: string;
  holderName: string;
  issuedOn: string;
  revoked?: { at: string; reason: string };
}

export interface CaseView {
  caseNo: string;
  status: string;
  applicant: { type: string; name: string; idNumber?: string };
  theme?: { code: string; name: string };
  urgent?: { reason: string; by: string; at: string } | null;
  matters: Array<{
    code: string;
    name: string;
    outcome: string;
    departments?: Array<{ code: string; name: string; lead: boolean }>;
  }>;
  materialsProvided: string[];
  firstContact?: { clerkId: string; window: string };
  extensions: Extension[];
  specialProcedures: Array<{
    id: string;
    taskId: string;
    type: string;
    expectedWorkingDays: number;
    reason: string;
    startedOn: string;
    endedOn?: string;
  }>;
  deficiencies: string[];
  warnings?: Array<{ deadline: string; level: 'yellow' | 'red'; due: string }>;
  commitments: string[];
  fromLibrary: Array<{ material: string; certificateNo: string }>;
  receivedAt: string;
  acceptedAt: string | null;
  decidedAt: string | null;
  deadlines: Deadlines;
  clock: { paused: boolean };
  tasks: Task[];
  notices: Notice[];
  certificates: CaseCertificate[];
  delivery: { method?: string; on?: string; trackingNumber?: string } | null;
  rating: { level: string; levelName: string; comment?: string } | null;
  lastSeq: number;
}

export interface VerifyView {
  certificateNo: string;
  status: 'genuine' | 'revoked' | 'altered' | 'unsigned' | 'unknown';
  message: string;
  certificate?: {
    certificateNo: string;
    caseNo: string;
    name: string;
    matter: { code: string; name: string };
    holder: { name: string; idNumber: string };
    issuedOn: string;
    issuer: { code: string; name: string };
  };
  signature?: { algorithm: string; keyId: string | null; digest: string | null; valid: boolean | null };
  revocation?: { at: string; department: { code: string; name: string }; reason: string } | null;
  problems?: string[];
}

export interface AuditProblem {
  source: 'chain' | 'derivation';
  kind: string;
  seq?: number;
  message: string;
}

export interface AuditView {
  caseNo: string;
  intact: boolean;
  checkedAt: string;
  chain: { events: number; head: { seq: number; hash: string } | null; headSource: string | null };
  problems: AuditProblem[];
}

export interface HistoryEntry {
  seq: number;
  type: string;
  title: string;
  at: string;
  actor: { kind: string; id: string; role: string };
  what: string;
  basis: { articles: string[]; text: string } | null;
  notice?: Notice;
}
