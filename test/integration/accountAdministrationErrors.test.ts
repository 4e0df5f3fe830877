/**
 * Account administration refused over HTTP: a name already taken, a clerk without a window, a reviewer or head without
 * a department (or with one the catalogue does not know), a backup that cannot stand in. Each is a 4xx with the one
 * error shape (English code, Chinese message, the field), and nothing is written. The shared stack's demo accounts.
 */
import { describe, expect, inject, it } from 'vitest';
import { client, type Reply } from './http.ts';

const api = client(inject('apiUrl'));
const admin = api.as('admin1');

const newPost = (overrides: Record<string, unknown>) => ({
  username: 'new.staff',
  displayName: '新同事',
  role: 'clerk',
  password: 'a-long-enough-password',
  window: 'W08',
  ...overrides,
});

function expectRefused(reply: Reply, status: number, code: string, field: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ code, field });
  expect(reply.body.message).toMatch(/[\u4e00-\u9fff]/);
}

async function usernames(): Promise<string[]> {
  const users = await admin.get('/users');
  expect(users.status).toBe(200);
  return (users.body as Array<{ username: string }>).map((u) => u.username);
}

describe('creating an account', () => {
  it('a name already taken is 409 user_exists, and the existing account is unchanged', async () => {
    const before = (await admin.get('/users')).body.find((u: { username: string }) => u.username === 'clerk1');
    const taken = await admin.post('/users', newPost({ username: 'clerk1', displayName: '冒名', window: 'W99' }));
    expectRefused(taken, 409, 'user_exists', 'username');
    expect(taken.body.message).toContain('clerk1');
    const after = (await admin.get('/users')).body.find((u: { username: string }) => u.username === 'clerk1');
    expect(after).toEqual(before);
  });

  it('a clerk without a window is 422 window_required', async () => {
    const { window: _none, ...withoutWindow } = newPost({ username: 'clerk.nowindow' });
    expectRefused(await admin.post('/users', withoutWindow), 422, 'window_required', 'window');
    expect(await usernames()).not.toContain('clerk.nowindow');
  });

  it('a reviewer or a head without a department is 422 department_required; an unknown one unknown_department', async () => {
    for (const role of ['reviewer', 'head']) {
      const username = `${role}.nodept`;
      expectRefused(
        await admin.post('/users', newPost({ username, role, window: undefined })),
        422,
        'department_required',
        'department',
      );
      expectRefused(
        await admin.post('/users', newPost({ username, role, window: undefined, department: 'NO_SUCH_DEPARTMENT' })),
        422,
        'unknown_department',
        'department',
      );
    }
    const names = await usernames();
    expect(names).not.toContain('reviewer.nodept');
    expect(names).not.toContain('head.nodept');
  });

  it('an invalid backup is 422: not a reviewer, unknown, the person themself, or set on a post that has none', async () => {
    const reviewer = (backup: string) =>
      newPost({ username: 'reviewer.newpost', role: 'reviewer', window: undefined, department: 'TAX', backup });
    expectRefused(await admin.post('/users', reviewer('head.TAX')), 422, 'invalid_backup', 'backup');
    expectRefused(await admin.post('/users', reviewer('nobody.here')), 422, 'invalid_backup', 'backup');
    expectRefused(await admin.post('/users', reviewer('reviewer.newpost')), 422, 'backup_is_self', 'backup');
    expectRefused(
      await admin.post('/users', newPost({ username: 'clerk.withbackup', backup: 'reviewer.TAX' })),
      422,
      'backup_not_allowed',
      'backup',
    );
    const names = await usernames();
    expect(names).not.toContain('reviewer.newpost');
    expect(names).not.toContain('clerk.withbackup');
  });

  it('a malformed request is 400 naming the field: a name with spaces, a short password, an unknown role', async () => {
    const badName = await admin.post('/users', newPost({ username: '张 三' }));
    expect(badName.status).toBe(400);
    expect(badName.body.field).toBe('username');
    const shortPassword = await admin.post('/users', newPost({ username: 'clerk.short', password: 'short' }));
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.field).toBe('password');
    const badRole = await admin.post('/users', newPost({ username: 'clerk.badrole', role: 'mayor' }));
    expect(badRole.status).toBe(400);
    expect(badRole.body.field).toBe('role');
    const names = await usernames();
    expect(names).not.toContain('clerk.short');
    expect(names).not.toContain('clerk.badrole');
  });
});

describe('changing an account', () => {
  it('an unknown account is 404; taking the window from a clerk or the department from a reviewer is 422', async () => {
    expectRefused(
      await admin.patch('/users/nobody.here', { displayName: '无此人' }),
      404,
      'user_not_found',
      'username',
    );
    expectRefused(await admin.patch('/users/clerk1', { window: null }), 422, 'window_required', 'window');
    expectRefused(
      await admin.patch('/users/reviewer.TAX', { department: null }),
      422,
      'department_required',
      'department',
    );
    expectRefused(await admin.patch('/users/reviewer.TAX', { backup: 'head.TAX' }), 422, 'invalid_backup', 'backup');
    // nothing changed
    const users = (await admin.get('/users')).body as Array<{ username: string; window?: string; department?: string }>;
    expect(users.find((u) => u.username === 'clerk1')?.window).toBe('W01');
    expect(users.find((u) => u.username === 'reviewer.TAX')?.department).toBe('TAX');
  });

  it('marking away a reviewer without a backup is 422 no_backup; a clerk is not a reviewer (422)', async () => {
    const reviewers = (await admin.get('/users?role=reviewer')).body as Array<{ username: string; backup?: string }>;
    const alone = reviewers.find((r) => !r.backup);
    expect(alone, 'a demo reviewer without a backup').toBeDefined();
    expectRefused(await admin.post(`/users/${alone!.username}/away`, { away: true }), 422, 'no_backup', 'username');
    expectRefused(await admin.post('/users/clerk1/away', { away: true }), 422, 'not_a_reviewer', 'username');
  });
});
