/**
 * The signed-in staff member (GET /auth/me), shared by every page. The session itself is the HttpOnly cookie the API
 * sets on POST /auth/login; the page only remembers *that* someone signed in here (localStorage), so that public pages
 * opened by an applicant do not ask /auth/me and get a 401 for nothing.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Result, Spin } from 'antd';
import type { Role } from '../../rules/access.ts';
import { api, ApiError, type Me } from './api.ts';

export type { Role };

/** The signed-in user as GET /auth/me answers (api/schemas/staff.ts), with the role typed as the access table's. */
export type User = Omit<Me, 'role'> & { role: Role };

interface Session {
  /** undefined while loading, null when nobody is signed in. */
  user: User | null | undefined;
  signedIn(user: User): void;
  logout(): Promise<void>;
}

const HINT = 'approvals.signedIn';
const SessionContext = createContext<Session>({ user: null, signedIn: () => {}, logout: async () => {} });

/** Each role's home page after sign-in. */
export const HOME: Record<Role, string> = {
  clerk: '/window',
  reviewer: '/inbox',
  head: '/inbox',
  supervisor: '/supervision',
  auditor: '/audit',
  admin: '/accounts',
};

const STAFF_PATHS = ['/window', '/inbox', '/audit', '/supervision', '/accounts'];

export function SessionProvider({ children }: { children: ReactNode }) {
  const location = useLocation();
  const staffPage = STAFF_PATHS.some((p) => location.pathname.startsWith(p));
  const mayHaveSession = staffPage || localStorage.getItem(HINT) === '1';
  const [user, setUser] = useState<User | null | undefined>(mayHaveSession ? undefined : null);
  const checked = useRef(false);

  useEffect(() => {
    if (checked.current || !mayHaveSession) return;
    checked.current = true;
    api<User>('/auth/me').then(
      (me) => setUser(me),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) localStorage.removeItem(HINT);
        setUser(null);
      },
    );
  }, [mayHaveSession]);

  useEffect(() => {
    const lost = () => {
      localStorage.removeItem(HINT);
      setUser(null);
    };
    window.addEventListener('session-lost', lost);
    return () => window.removeEventListener('session-lost', lost);
  }, []);

  const signedIn = useCallback((me: User) => {
    localStorage.setItem(HINT, '1');
    checked.current = true;
    setUser(me);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } finally {
      localStorage.removeItem(HINT);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, signedIn, logout }), [user, signedIn, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/** A staff page: nobody signed in → /login (and back here after); another role → 无权访问. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <Spin aria-label="正在确认登录状态" />;
  if (user === null) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (!roles.includes(user.role)) {
    return <Result status="403" title="无权访问" subTitle={`${user.roleName}不能使用此页面。`} />;
  }
  return children;
}
