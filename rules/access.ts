/**
 * Who may do what (权限): the one table of role × action every route is checked against, and the session limits.
 * Pure: the API (api/auth/) applies it; docs/access.md explains it.
 */

import type { Actor } from './caseModel.ts';

/** Staff roles. Applicants have no account: they act on their own case with its number and query code. */
export const ROLES = ['clerk', 'reviewer', 'head', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleNames: Record<Role, string> = {
  clerk: '窗口工作人员',
  reviewer: '部门审查人员',
  head: '部门负责人',
  supervisor: '电子监察人员',
  auditor: '审计人员',
  admin: '系统管理员',
};

/**
 * How an action is reached: `public` needs nothing; `session` any signed-in staff member; otherwise the roles listed,
 * and `applicant: true` also lets in anyone holding the case's query code (checked against the case by the route).
 */
export interface Access {
  public?: true;
  session?: true;
  roles?: readonly Role[];
  applicant?: true;
}

const caseReaders = ['clerk', 'reviewer', 'head', 'supervisor', 'auditor'] as const;

/** The table. Every route names one of these actions (api/auth/guard.ts refuses to register a route that does not). */
export const ACCESS = {
  public: { public: true },
  'auth.login': { public: true },
  'auth.session': { session: true },

  'catalogue.read': { public: true },
  'catalogue.write': { roles: ['admin'] },
  'users.manage': { roles: ['admin'] },
  'users.read': { roles: ['admin', 'head', 'reviewer'] },
  /** Marking a reviewer away (AB岗): the reviewer, their department's head, or an admin (checked per user). */
  'users.away': { roles: ['reviewer', 'head', 'admin'] },

  'case.submit': { roles: ['clerk'] },
  /** Lists of cases: reviewers and heads work from their department's task list instead. */
  'case.list': { roles: ['clerk', 'supervisor', 'auditor'] },
  /** A full case record: every staff read is logged (个人信息保护法); reviewers and heads only their departments'. */
  'case.read': { roles: caseReaders, applicant: true },
  'case.accept': { roles: ['clerk'] },
  'case.supply': { roles: ['clerk'], applicant: true },
  /** 原件已核: only the window sees paper originals. */
  'case.original_seen': { roles: ['clerk'] },
  'case.withdraw': { roles: ['clerk'], applicant: true },
  'case.deliver': { roles: ['clerk'] },
  'case.urgent': { roles: ['supervisor'] },
  'case.rate': { applicant: true },

  /** Electronic materials: clerks scan at the window, applicants upload for their own case (query code). */
  'file.upload': { roles: ['clerk'], applicant: true },
  /** A file of a case: whoever may read the case (logged like a case read); before that, only its uploader. */
  'file.read': { roles: caseReaders, applicant: true },

  'task.list': { roles: ['reviewer', 'head', 'supervisor', 'auditor'] },
  'task.act': { roles: ['reviewer'] },
  'extension.request': { roles: ['reviewer'] },
  'extension.decide': { roles: ['head'] },
  'certificate.revoke': { roles: ['reviewer', 'head'] },
  'certificate.print': { roles: ['clerk', 'auditor'] },
  'certificate.library': { roles: ['clerk', 'auditor'] },
  'certificate.verify': { public: true },

  'followup.list': { roles: ['reviewer', 'head', 'supervisor', 'auditor'] },
  'followup.reply': { roles: ['reviewer', 'head'] },
  'rating.appeal': { roles: ['reviewer', 'head'] },
  'rating.decide': { roles: ['supervisor'] },

  'supervision.read': { roles: ['supervisor', 'auditor', 'head'] },
  'ledger.read': { roles: ['clerk', 'supervisor', 'auditor'] },
  'audit.read': { roles: ['auditor', 'supervisor'] },
  'audit.export': { roles: ['auditor'] },
  'audit.reads': { roles: ['auditor'] },
} as const satisfies Record<string, Access>;

export type Action = keyof typeof ACCESS;

/** Own keys only: `toString` and the like, inherited by every object, are not actions. */
export const isAction = (value: unknown): value is Action => typeof value === 'string' && Object.hasOwn(ACCESS, value);

export type AccessDecision = 'allowed' | 'unauthenticated' | 'forbidden' | 'applicant';

/**
 * The table's answer for a request: `applicant` means "no session, let the route check the query code". A staff member
 * whose role is not listed is `forbidden` even where applicants are let in: staff act as staff.
 */
export function authorize(action: Action, role: Role | undefined): AccessDecision {
  const access: Access = ACCESS[action];
  if (access.public) return 'allowed';
  if (role === undefined) return access.applicant ? 'applicant' : 'unauthenticated';
  if (access.session) return 'allowed';
  return access.roles?.includes(role) ? 'allowed' : 'forbidden';
}

/** Session limits: idle (no request for this long) and absolute (since login), in milliseconds. */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export function sessionExpired(
  session: { createdAt: Date; lastSeenAt: Date },
  now: Date,
  limits: SessionLimits = DEFAULT_SESSION_LIMITS,
): 'idle' | 'absolute' | undefined {
  if (now.getTime() - session.createdAt.getTime() >= limits.absoluteMs) return 'absolute';
  if (now.getTime() - session.lastSeenAt.getTime() >= limits.idleMs) return 'idle';
  return undefined;
}

/** A staff member as the API knows them once signed in. */
export interface StaffUser {
  username: string;
  displayName: string;
  role: Role;
  window?: string;
  department?: string;
  /** AB岗: away reviewers this user stands in for (their department and username). */
  standsInFor: Array<{ username: string; department: string }>;
}

/**
 * The departments a user acts for: their own (reviewers and heads), and for a reviewer also the departments of the
 * away reviewers who named them backup. `onBehalfOf` is set when the department is not their own.
 */
export function actingFor(
  user: StaffUser,
  department: string,
): { department: string; onBehalfOf?: string } | undefined {
  if (user.department === department) return { department };
  if (user.role !== 'reviewer') return undefined;
  const away = user.standsInFor.find((x) => x.department === department);
  return away ? { department, onBehalfOf: away.username } : undefined;
}

export function departmentsOf(user: StaffUser): string[] {
  const own = user.department ? [user.department] : [];
  return [...new Set([...own, ...(user.role === 'reviewer' ? user.standsInFor.map((x) => x.department) : [])])];
}

/**
 * The part a staff member plays in a case's events: a head decides as a reviewer of their department. Auditors and
 * admins give no case commands (the table above); they are listed for completeness.
 */
export const actorKinds: Record<Role, Actor['kind']> = {
  clerk: 'clerk',
  reviewer: 'reviewer',
  head: 'reviewer',
  supervisor: 'supervisor',
  auditor: 'supervisor',
  admin: 'supervisor',
};

/** What the event log records about the acting staff member (user, role, department or window, for whom). */
export function actorDetails(user: StaffUser, acting?: { department: string; onBehalfOf?: string }) {
  return {
    role: user.role,
    ...(acting ? { department: acting.department } : user.department ? { department: user.department } : {}),
    ...(user.window ? { window: user.window } : {}),
    ...(acting?.onBehalfOf ? { onBehalfOf: acting.onBehalfOf } : {}),
  };
}

export type ActorDetails = ReturnType<typeof actorDetails>;

/** Roles that see whole id and phone numbers: those who check identity or decide on the application, and auditors. */
export function seesPersonalData(role: Role | 'applicant'): boolean {
  return role === 'clerk' || role === 'reviewer' || role === 'head' || role === 'auditor' || role === 'applicant';
}
