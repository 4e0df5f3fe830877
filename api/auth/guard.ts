/**
 * Authentication and the role × action check for every route. Each route names an action of rules/access.ts in
 * `config.access`; a route that names none is refused at startup, so no route is open by omission.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../db/client.ts';
import {
  actingFor,
  actorDetails,
  actorKinds,
  authorize,
  isAction,
  roleNames,
  seesPersonalData,
  type Action,
  type SessionLimits,
  type StaffUser,
} from '../../rules/access.ts';
import type { Actor } from '../../rules/caseModel.ts';
import { maskIdNumber } from '../../rules/identity.ts';
import { ApiError } from '../errors.ts';
import { maskPersonalData } from './personalData.ts';
import { findSession } from './sessions.ts';
import { loadStaffUser } from './users.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Action;
  }
  interface FastifyRequest {
    /** The signed-in staff member (undefined: anonymous, e.g. an applicant with a query code). */
    staff?: StaffUser;
    sessionToken?: string;
  }
}

export const SESSION_COOKIE = 'session';

export interface AuthOptions {
  limits: SessionLimits;
  /** Send the cookie only over HTTPS (COOKIE_SECURE): on behind TLS, off for plain-HTTP development. */
  secureCookie: boolean;
  /** Failed logins per client address and username in 15 minutes before 429 (RATE_LIMIT_LOGIN_FAILURES, 5). */
  loginFailures: number;
  /** Wrong query codes per client address in 15 minutes before 429 (RATE_LIMIT_QUERY_CODE_FAILURES, 10). */
  queryCodeFailures: number;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+([A-Za-z0-9_-]{20,100})$/.exec(header);
    if (match) return match[1];
  }
  const value = request.cookies[SESSION_COOKIE];
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

/** Who a session token belongs to: a staff member, or nobody (unknown, expired or disabled). */
export type StaffSessions = (token: string) => Promise<StaffUser | undefined>;

/** The sessions table: the token's session if it is still valid, and its user if still active. */
export function databaseSessions(db: Database, limits: SessionLimits): StaffSessions {
  return async (token) => {
    const session = await findSession(db, token, limits);
    return session && 'username' in session ? loadStaffUser(db, session.username) : undefined;
  };
}

export async function registerAuth(
  app: FastifyInstance,
  options: AuthOptions,
  staffSession: StaffSessions,
): Promise<void> {
  await app.register(cookie);
  app.addHook('onRoute', (route) => {
    // The web app's static files and pages (hidden from the API description) are public; every API route must name
    // its action.
    if (route.config?.access === undefined && route.schema?.hide === true) {
      route.config = { ...route.config, access: 'public' };
    }
    if (!isAction(route.config?.access)) {
      throw new Error(`route ${String(route.method)} ${route.url} names no access action (rules/access.ts)`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config.access;
    if (action === undefined) return; // no route matched: the 404 handler answers
    const token = bearerToken(request);
    const presented = token !== undefined || request.headers.authorization !== undefined;
    if (token) {
      request.staff = await staffSession(token);
      if (request.staff) request.sessionToken = token;
    }
    const decision = authorize(action, request.staff?.role);
    if (decision === 'allowed') return;
    if (presented && !request.staff) {
      throw new ApiError(401, 'session_expired', '登录已过期或无效，请重新登录', 'session');
    }
    if (decision === 'unauthenticated' || decision === 'applicant') {
      // `applicant`: the route checks the case number and query code itself; only staff are refused here.
      if (decision === 'applicant') return;
      throw new ApiError(401, 'authentication_required', '请先登录', 'session');
    }
    const role = request.staff?.role;
    throw new ApiError(403, 'forbidden', `${role ? roleNames[role] : ''}无权执行此操作`);
  });
}

/**
 * Roles that do not need whole id and phone numbers (rules/access.ts `seesPersonalData`) get every JSON answer with
 * them masked: lists, case views, command answers alike.
 */
export function registerMasking(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, _reply, payload) =>
    request.staff && !seesPersonalData(request.staff.role) ? maskPersonalData(payload) : payload,
  );
}

/** A URL as logged: the id number a list was searched by is masked (个人信息保护法). */
export function loggedUrl(url: string): string {
  return url.replace(/([?&](?:applicantIdNumber|holder|idNumber)=)([^&]*)/g, (_m, key: string, value: string) => {
    const decoded = (() => {
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    })();
    return `${key}${encodeURIComponent(maskIdNumber(decoded))}`;
  });
}

/** The signed-in staff member of a route that requires one. */
export function staffOf(request: FastifyRequest): StaffUser {
  if (!request.staff) throw new ApiError(401, 'authentication_required', '请先登录', 'session');
  return request.staff;
}

/**
 * The department a reviewer or head acts for on this request (their own, or as AB岗 backup of an away colleague);
 * 403 naming the field otherwise.
 */
export function actingDepartment(user: StaffUser, department: string, field = 'department') {
  const acting = actingFor(user, department);
  if (!acting) {
    throw new ApiError(403, 'not_your_department', `您不能代表部门 ${department} 办理此事项`, field);
  }
  return acting;
}

/** Who gives a command, from the session (never from the body), as the case's events record them. */
export function commandActor(user: StaffUser, acting?: { department: string; onBehalfOf?: string }): Actor {
  return { kind: actorKinds[user.role], id: user.username, ...actorDetails(user, acting) };
}
