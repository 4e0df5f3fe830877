/** Staff accounts in PostgreSQL and the demo users (DEMO_USERS=true). */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { users } from '../../db/schema.ts';
import type { Role, StaffUser } from '../../rules/access.ts';
import type { Catalogue } from '../../rules/catalogue.ts';
import { hashPassword } from './passwords.ts';

export type UserRow = typeof users.$inferSelect;

/** The signed-in user with the away reviewers they stand in for (AB岗); undefined when missing or deactivated. */
export async function loadStaffUser(db: Database, username: string): Promise<StaffUser | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.username, username), eq(users.active, true)));
  if (!row) return undefined;
  const covering =
    row.role === 'reviewer'
      ? await db
          .select({ username: users.username, department: users.department })
          .from(users)
          .where(and(eq(users.backup, username), eq(users.away, true), eq(users.active, true)))
      : [];
  return {
    username: row.username,
    displayName: row.displayName,
    role: row.role as Role,
    ...(row.window ? { window: row.window } : {}),
    ...(row.department ? { department: row.department } : {}),
    standsInFor: covering.flatMap((c) => (c.department ? [{ username: c.username, department: c.department }] : [])),
  };
}

/** An account as shown to admins and heads: never the password hash. */
export function publicUser(row: UserRow) {
  return {
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    window: row.window,
    department: row.department,
    backup: row.backup,
    away: row.away,
    active: row.active,
  };
}

interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  window?: string;
  department?: string;
  backup?: string;
}

/** The demo accounts: clerk1 (W01), clerk2 (W02), reviewer.D and head.D per department, supervisor1, auditor1, admin1. */
function demoUsers(catalogue: Catalogue): NewUser[] {
  const departments = catalogue.departments;
  return [
    { username: 'clerk1', displayName: '窗口一号', role: 'clerk', window: 'W01' },
    { username: 'clerk2', displayName: '窗口二号', role: 'clerk', window: 'W02' },
    ...departments.flatMap((d): NewUser[] => [
      { username: `reviewer.${d.code}`, displayName: `${d.name}审查员`, role: 'reviewer', department: d.code },
      { username: `head.${d.code}`, displayName: `${d.name}负责人`, role: 'head', department: d.code },
    ]),
    { username: 'supervisor1', displayName: '电子监察员', role: 'supervisor' },
    { username: 'auditor1', displayName: '审计员', role: 'auditor' },
    { username: 'admin1', displayName: '系统管理员', role: 'admin' },
  ];
}

/** Adds the demo accounts that are missing (existing ones, and any password changed since, are left alone). */
export async function seedDemoUsers(db: Database, catalogue: Catalogue, password: string): Promise<number> {
  const wanted = demoUsers(catalogue);
  const existing = new Set(
    (
      await db
        .select({ username: users.username })
        .from(users)
        .where(
          inArray(
            users.username,
            wanted.map((u) => u.username),
          ),
        )
    ).map((r) => r.username),
  );
  const missing = wanted.filter((u) => !existing.has(u.username));
  if (missing.length === 0) return 0;
  const rows = await Promise.all(missing.map(async (u) => ({ ...u, passwordHash: await hashPassword(password) })));
  await db.insert(users).values(rows).onConflictDoNothing();
  return rows.length;
}
