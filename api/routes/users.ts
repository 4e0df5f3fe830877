/**
 * Staff accounts (admin) and AB岗: each reviewer post names a backup; when the reviewer is marked away, the backup sees
 * and acts on the department's tasks, and the record shows for whom.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import Type from 'typebox';
import { users } from '../../db/schema.ts';
import { ROLES, type Role } from '../../rules/access.ts';
import type { ApiDeps } from '../app.ts';
import { staffOf } from '../auth/guard.ts';
import { hashPassword } from '../auth/passwords.ts';
import { closeSessionsOf } from '../auth/sessions.ts';
import { publicUser, type UserRow } from '../auth/users.ts';
import { ApiError } from '../errors.ts';
import { errors, UserView } from '../schemas.ts';

const strict = { additionalProperties: false } as const;
const username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const displayName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
const password = Type.String({ minLength: 8, maxLength: 200 });

const NewUserBody = Type.Object(
  {
    username,
    displayName,
    role,
    password,
    window: Type.Optional(code),
    department: Type.Optional(code),
    backup: Type.Optional(username),
  },
  strict,
);
const UserChangeBody = Type.Object(
  {
    displayName: Type.Optional(displayName),
    password: Type.Optional(password),
    window: Type.Optional(Type.Union([code, Type.Null()])),
    department: Type.Optional(Type.Union([code, Type.Null()])),
    backup: Type.Optional(Type.Union([username, Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  strict,
);
const UsernameParams = Type.Object({ username }, strict);
const UserQuery = Type.Object({ department: Type.Optional(code), role: Type.Optional(role) }, strict);
const AwayBody = Type.Object({ away: Type.Boolean() }, strict);

export const userRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    async function find(name: string): Promise<UserRow> {
      const [row] = await deps.db.select().from(users).where(eq(users.username, name));
      if (!row) throw new ApiError(404, 'user_not_found', `用户 ${name} 不存在`, 'username');
      return row;
    }

    /** A clerk has a window, reviewers and heads a department of the catalogue, a backup is another active reviewer. */
    async function checkPost(
      who: string,
      post: { role: Role; window?: string | null; department?: string | null; backup?: string | null },
    ) {
      if (post.role === 'clerk' && !post.window) {
        throw new ApiError(422, 'window_required', '窗口工作人员必须指定窗口', 'window');
      }
      if (post.role === 'reviewer' || post.role === 'head') {
        if (!post.department) throw new ApiError(422, 'department_required', '部门人员必须指定部门', 'department');
        const catalogue = await deps.catalogue.get();
        if (!catalogue.departments.some((d) => d.code === post.department)) {
          throw new ApiError(422, 'unknown_department', `部门 ${post.department} 不存在`, 'department');
        }
      }
      if (post.backup) {
        if (post.role !== 'reviewer')
          throw new ApiError(422, 'backup_not_allowed', '只有审查岗可以设置 B 岗', 'backup');
        if (post.backup === who) throw new ApiError(422, 'backup_is_self', 'B 岗不能是本人', 'backup');
        const backup = await find(post.backup).catch(() => undefined);
        if (!backup || backup.role !== 'reviewer' || !backup.active) {
          throw new ApiError(422, 'invalid_backup', `B 岗 ${post.backup} 不是在岗的审查人员`, 'backup');
        }
      }
    }

    app.get(
      '/users',
      {
        config: { access: 'users.read' },
        schema: {
          summary: '工作人员列表（AB岗）',
          querystring: UserQuery,
          response: { 200: Type.Array(UserView) },
        },
      },
      async (request) => {
        const user = staffOf(request);
        const filters: SQL[] = [];
        // Reviewers and heads see their own department's posts (to know who stands in); admins see everyone.
        const department = user.role === 'admin' ? request.query.department : user.department;
        if (department) filters.push(eq(users.department, department));
        if (request.query.role) filters.push(eq(users.role, request.query.role));
        const rows = await deps.db
          .select()
          .from(users)
          .where(filters.length ? and(...filters) : undefined)
          .orderBy(asc(users.username));
        return rows.map(publicUser);
      },
    );

    app.post(
      '/users',
      {
        config: { access: 'users.manage' },
        schema: { summary: '新增工作人员账号', body: NewUserBody, response: { 201: UserView, ...errors(409, 422) } },
      },
      async (request, reply) => {
        const { password: plain, ...post } = request.body;
        await checkPost(post.username, post);
        const [created] = await deps.db
          .insert(users)
          .values({ ...post, passwordHash: await hashPassword(plain) })
          .onConflictDoNothing()
          .returning();
        if (!created) throw new ApiError(409, 'user_exists', `用户 ${post.username} 已存在`, 'username');
        return reply.status(201).send(publicUser(created));
      },
    );

    app.patch(
      '/users/:username',
      {
        config: { access: 'users.manage' },
        schema: {
          summary: '修改工作人员账号（岗位、B 岗、停用、重置密码）',
          params: UsernameParams,
          body: UserChangeBody,
          response: { 200: UserView, ...errors(404, 422) },
        },
      },
      async (request) => {
        const current = await find(request.params.username);
        const { password: plain, ...change } = request.body;
        await checkPost(current.username, { ...current, role: current.role as Role, ...change });
        const [updated] = await deps.db
          .update(users)
          .set({ ...change, ...(plain ? { passwordHash: await hashPassword(plain) } : {}) })
          .where(eq(users.username, current.username))
          .returning();
        // A reset password or a deactivated account ends every session it had.
        if (plain || change.active === false) await closeSessionsOf(deps.db, current.username);
        return publicUser(updated as UserRow);
      },
    );

    app.post(
      '/users/:username/away',
      {
        config: { access: 'users.away' },
        schema: {
          summary: 'AB岗：标记审查人员离岗 / 返岗',
          params: UsernameParams,
          body: AwayBody,
          response: { 200: UserView, ...errors(404, 422) },
        },
      },
      async (request) => {
        const user = staffOf(request);
        const target = await find(request.params.username);
        const allowed =
          user.role === 'admin' ||
          (user.role === 'reviewer' && user.username === target.username) ||
          (user.role === 'head' && user.department === target.department);
        if (!allowed) throw new ApiError(403, 'forbidden', '只能标记本人或本部门人员的在岗状态', 'username');
        if (target.role !== 'reviewer') {
          throw new ApiError(422, 'not_a_reviewer', `${target.username} 不是审查岗，无需设置离岗`, 'username');
        }
        if (request.body.away && !target.backup) {
          throw new ApiError(422, 'no_backup', `${target.username} 未设置 B 岗，离岗期间无人顶岗`, 'username');
        }
        const [updated] = await deps.db
          .update(users)
          .set({ away: request.body.away })
          .where(eq(users.username, target.username))
          .returning();
        return publicUser(updated as UserRow);
      },
    );
  };
