/** Staff sign-in (登录): a session cookie for the web app and the same token as a bearer for API clients. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import Type from 'typebox';
import { users } from '../../db/schema.ts';
import { roleNames, type StaffUser } from '../../rules/access.ts';
import type { ApiDeps } from '../app.ts';
import { failureLimit } from '../auth/failureLimit.ts';
import { SESSION_COOKIE, staffOf, type AuthOptions } from '../auth/guard.ts';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords.ts';
import { closeSession, openSession } from '../auth/sessions.ts';
import { loadStaffUser } from '../auth/users.ts';
import { ApiError } from '../errors.ts';
import { errors, LoginAnswer, Me } from '../schemas.ts';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** What the signed-in user is told about themself (GET /auth/me, and the login answer). */
function me(user: StaffUser, departmentName: (code: string) => string | undefined) {
  return {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    roleName: roleNames[user.role],
    window: user.window ?? null,
    department: user.department ?? null,
    departmentName: user.department ? (departmentName(user.department) ?? user.department) : null,
    standsInFor: user.standsInFor,
  };
}

export const authRoutes =
  (deps: ApiDeps, options: AuthOptions): FastifyPluginAsyncTypebox =>
  async (app) => {
    const failures = failureLimit(
      app,
      options.loginFailures,
      (request) => `login|${request.ip}|${String((request.body as { username?: unknown } | undefined)?.username)}`,
      '登录失败次数过多',
    );
    // And per address alone: trying one password against many usernames is limited too (ten accounts' worth).
    const addressFailures = failureLimit(
      app,
      options.loginFailures * 10,
      (request) => `login|${request.ip}`,
      '登录失败次数过多',
    );
    const departmentName = async () => {
      const catalogue = await deps.catalogue.get();
      const names = new Map(catalogue.departments.map((d) => [d.code, d.name]));
      return (code: string) => names.get(code);
    };

    app.post(
      '/auth/login',
      {
        config: { access: 'auth.login' },
        schema: {
          summary: '工作人员登录',
          body: LoginBody,
          response: { 200: LoginAnswer, ...errors(401, 429) },
        },
      },
      async (request, reply) => {
        await failures.check(request);
        await addressFailures.check(request);
        const { username, password } = request.body;
        const [row] = await deps.db.select().from(users).where(eq(users.username, username));
        // An unknown user costs the same hash as a wrong password: the timing tells nothing.
        const valid = await verifyPassword(password, row?.passwordHash ?? (await DUMMY_HASH));
        const user = row && valid && row.active ? await loadStaffUser(deps.db, username) : undefined;
        if (!user) {
          await Promise.all([failures.fail(request), addressFailures.fail(request)]);
          throw new ApiError(401, 'invalid_credentials', '用户名或密码错误', 'password');
        }
        const token = await openSession(deps.db, user.username, options.limits);
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: options.secureCookie,
          path: '/',
          maxAge: Math.floor(options.limits.absoluteMs / 1000),
        });
        return {
          token,
          tokenType: 'Bearer',
          idleMinutes: Math.round(options.limits.idleMs / 60_000),
          maxHours: Math.round(options.limits.absoluteMs / 3_600_000),
          user: me(user, await departmentName()),
        };
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { access: 'auth.session' },
        schema: { summary: '退出登录', response: { 204: Type.Unsafe<void>({ type: 'null', description: '已退出' }) } },
      },
      async (request, reply) => {
        if (request.sessionToken) await closeSession(deps.db, request.sessionToken);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    );

    app.get(
      '/auth/me',
      { config: { access: 'auth.session' }, schema: { summary: '当前登录用户', response: { 200: Me } } },
      async (request) => me(staffOf(request), await departmentName()),
    );
  };
