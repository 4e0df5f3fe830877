/**
 * Access over HTTP: the whole role × action table against every route, sessions (login, cookie and bearer, logout,
 * idle and absolute expiry, failure limits), the actor from the session, departments, AB岗, applicants with the query
 * code, masking of personal data and the staff read log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, inject } from 'vitest';
import postgres from 'postgres';
import { ACCESS, authorize, type Action, type Role } from '../../rules/access.ts';
import { randomResidentId } from '../support/identity.ts';
import { applicationBody, caseInReview, client, DEMO_PASSWORD, newKey, type Client } from './http.ts';
import { useOwnStack } from './ownStack.ts';

const api = client(inject('apiUrl'));
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

const suffix = randomBytes(3).toString('hex');
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Signs in (not through the shared token cache: these sessions get logged out and expired). */
async function signIn(baseUrl: string, username: string, password = DEMO_PASSWORD) {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as any;
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(body)}`);
  return { token: body.token as string, body, setCookie: response.headers.get('set-cookie') ?? '' };
}

/** A client acting with a given bearer token. */
function withToken(base: Client, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => base.get(path, auth),
    post: (path: string, body?: unknown, headers: Record<string, string> = {}) =>
      base.post(path, body, { ...auth, ...headers }),
    patch: (path: string, body?: unknown) => base.patch(path, body, auth),
  };
}

/**
 * Every API route and the action it names. The test below checks this is exactly the set of routes /openapi.json
 * describes: a new route without a row here fails it.
 */
const ROUTES: Record<string, Action> = {
  'POST /auth/login': 'auth.login',
  'POST /auth/logout': 'auth.session',
  'GET /auth/me': 'auth.session',
  'GET /users': 'users.read',
  'POST /users': 'users.manage',
  'PATCH /users/{username}': 'users.manage',
  'POST /users/{username}/away': 'users.away',
  'GET /staff-reads': 'audit.reads',
  'GET /health': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  'GET /matters': 'catalogue.read',
  'GET /matters/{code}': 'catalogue.read',
  'PATCH /matters/{code}': 'catalogue.write',
  'GET /themes': 'catalogue.read',
  'POST /applications': 'case.submit',
  'GET /applications': 'case.list',
  'GET /applications/{caseNo}': 'case.read',
  'GET /applications/{caseNo}/state': 'case.read',
  'POST /applications/{caseNo}/acceptance': 'case.accept',
  'POST /applications/{caseNo}/supplements': 'case.supply',
  'POST /applications/{caseNo}/materials/{code}/original-seen': 'case.original_seen',
  'POST /applications/{caseNo}/withdrawal': 'case.withdraw',
  'POST /applications/{caseNo}/extensions': 'extension.request',
  'POST /applications/{caseNo}/extensions/{id}/approval': 'extension.decide',
  'POST /applications/{caseNo}/urgent': 'case.urgent',
  'POST /applications/{caseNo}/delivery': 'case.deliver',
  'GET /applications/{caseNo}/audit': 'audit.read',
  'GET /applications/{caseNo}/history': 'audit.read',
  'GET /applications/{caseNo}/replay': 'audit.read',
  'GET /applications/{caseNo}/export': 'audit.export',
  'POST /applications/{caseNo}/rating': 'case.rate',
  'POST /applications/{caseNo}/follow-up/reply': 'followup.reply',
  'POST /applications/{caseNo}/rating/appeal': 'rating.appeal',
  'POST /applications/{caseNo}/rating/appeal/decision': 'rating.decide',
  'GET /follow-ups': 'followup.list',
  'GET /ratings/appealed': 'rating.list',
  'POST /complaints': 'complaint.file',
  'GET /complaints': 'complaint.list',
  'GET /complaints/{number}': 'complaint.lookup',
  'POST /complaints/{number}/reply': 'complaint.reply',
  'GET /supervision/complaints': 'supervision.read',
  'GET /public/decisions': 'disclosure.read',
  'GET /extensions': 'extension.list',
  'GET /tasks': 'task.list',
  'POST /tasks/{id}/opinion': 'task.act',
  'POST /tasks/{id}/special-procedures': 'task.act',
  'POST /tasks/{id}/special-procedures/{procedureId}/end': 'task.act',
  'GET /supervision/overview': 'supervision.read',
  'GET /supervision/alerts': 'supervision.read',
  'GET /ledger': 'ledger.read',
  'GET /certificates': 'certificate.library',
  'GET /certificates/public-key': 'certificate.verify',
  'POST /admin/signing-keys/rotation': 'keys.rotate',
  'POST /admin/checkpoints': 'checkpoint.publish',
  'GET /checkpoints/latest': 'checkpoint.read',
  'GET /checkpoints/{id}': 'checkpoint.read',
  'GET /certificates/{number}/verify': 'certificate.verify',
  'GET /certificates/{number}/print': 'certificate.print',
  'POST /certificates/{number}/revocation': 'certificate.revoke',
  'POST /files': 'file.upload',
  'GET /files/{id}': 'file.read',
  'POST /queue/tickets': 'queue.take',
  'GET /queue/window': 'queue.call',
  'POST /queue/next': 'queue.call',
  'POST /queue/tickets/{number}/recall': 'queue.call',
  'POST /queue/tickets/{number}/no-show': 'queue.call',
  'POST /queue/tickets/{number}/transfer': 'queue.call',
  'POST /queue/tickets/{number}/served': 'queue.call',
  'GET /queue/board': 'queue.board',
  'GET /appointments/slots': 'appointment.book',
  'POST /appointments': 'appointment.book',
  'DELETE /appointments/{code}': 'appointment.book',
  'GET /supervision/queue': 'supervision.read',
};

const STAFF: Array<{ username: string; role: Role }> = [
  { username: 'clerk1', role: 'clerk' },
  { username: 'reviewer.CITY_MANAGEMENT', role: 'reviewer' },
  { username: 'head.CITY_MANAGEMENT', role: 'head' },
  { username: 'supervisor1', role: 'supervisor' },
  { username: 'auditor1', role: 'auditor' },
  { username: 'admin1', role: 'admin' },
];

const DUMMY_CASE = 'SQ20990101000001';
const dummyParams: Record<string, string> = {
  caseNo: DUMMY_CASE,
  // a task id ends with its department: the reviewer and head above are of CITY_MANAGEMENT
  id: `${DUMMY_CASE}-OUTDOOR_AD_PERMIT-CITY_MANAGEMENT`,
  procedureId: 'P-1',
  code: 'NO_SUCH_MATTER',
  number: 'NO-SUCH-CERTIFICATE',
  username: 'nobody.here',
};
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => dummyParams[name] ?? 'x');

describe('the whole table: every route × every role', () => {
  it('the table above names exactly the routes of /openapi.json, each with the action the route declares', async () => {
    const spec = await api.get('/openapi.json');
    expect(spec.status).toBe(200);
    const described = Object.entries(spec.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) =>
        Object.keys(methods)
          .filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(Object.keys(ROUTES).sort());
    for (const action of Object.values(ROUTES)) expect(action in ACCESS).toBe(true);
  });

  const identities: Array<{ username?: string; role?: Role }> = [{}, ...STAFF];
  it.each(identities.map((i) => [i.username ?? 'anonymous', i] as const))(
    '%s: 401 without a session, 403 forbidden for a role not listed, past the guard otherwise',
    async (_name, identity) => {
      const token = identity.username ? (await signIn(api.baseUrl, identity.username)).token : undefined;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      // logout last: it ends the session the other requests use
      const routes = Object.entries(ROUTES).sort(
        ([a], [b]) => Number(a === 'POST /auth/logout') - Number(b === 'POST /auth/logout'),
      );
      const wrong: string[] = [];
      for (const [route, action] of routes) {
        const [method, path] = route.split(' ') as [string, string];
        const hasBody = method === 'POST' || method === 'PATCH';
        const reply = await api.raw(method, concrete(path), hasBody ? {} : undefined, headers);
        const decision = authorize(action, identity.role);
        const seen = `${route} [${action}] → ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 120)}`;
        const ok =
          reply.status < 500 &&
          (decision === 'unauthenticated'
            ? reply.status === 401 && reply.body?.code === 'authentication_required'
            : decision === 'forbidden'
              ? reply.status === 403 && reply.body?.code === 'forbidden'
              : decision === 'applicant'
                ? // past the table: the route asks for the query code itself (401 query_code_required) or the body
                  reply.status !== 403 && reply.body?.code !== 'authentication_required'
                : reply.status !== 401 && reply.status !== 403);
        if (!ok) wrong.push(`${decision}: ${seen}`);
      }
      expect(wrong).toEqual([]);
    },
  );

  it('a token that is not (or no longer) a session is 401 session_expired on every non-public route', async () => {
    const bogus = { authorization: `Bearer ${randomBytes(32).toString('base64url')}` };
    for (const [route, action] of Object.entries(ROUTES)) {
      const [method, path] = route.split(' ') as [string, string];
      const reply = await api.raw(method, concrete(path), method === 'GET' ? undefined : {}, bogus);
      if (authorize(action, undefined) === 'allowed') expect(reply.status, route).not.toBe(401);
      else expect(reply.body?.code, route).toBe('session_expired');
    }
  });
});

describe('sessions', () => {
  it('login sets an HttpOnly SameSite=Strict cookie and returns a bearer token; me; logout ends the session', async () => {
    const { token, body, setCookie } = await signIn(api.baseUrl, 'clerk1');
    expect(body).toMatchObject({ tokenType: 'Bearer', idleMinutes: 30, maxHours: 12 });
    expect(body.user).toEqual({
      username: 'clerk1',
      displayName: expect.any(String),
      role: 'clerk',
      roleName: '窗口工作人员',
      window: 'W01',
      department: null,
      departmentName: null,
      standsInFor: [],
    });
    expect(setCookie).toMatch(new RegExp(`^session=${token};`));
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    // the token is stored only as its hash
    const rows =
      await sql`SELECT token_hash FROM sessions WHERE token_hash = ${tokenHash(token)} OR token_hash = ${token}`;
    expect(rows.map((r) => r.token_hash)).toEqual([tokenHash(token)]);

    const bearer = await api.get('/auth/me', { authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(200);
    expect(bearer.body.username).toBe('clerk1');
    const cookie = await api.get('/auth/me', { cookie: `session=${token}` });
    expect(cookie.status).toBe(200);
    expect(cookie.body.username).toBe('clerk1');
    const head = await withToken(api, (await signIn(api.baseUrl, 'head.CITY_MANAGEMENT')).token).get('/auth/me');
    expect(head.body).toMatchObject({ role: 'head', roleName: '部门负责人', department: 'CITY_MANAGEMENT' });
    expect(head.body.departmentName).toMatch(/\p{Script=Han}/u);

    const out = await api.post('/auth/logout', undefined, { authorization: `Bearer ${token}` });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^session=;/);
    const after = await api.get('/auth/me', { authorization: `Bearer ${token}` });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('session_expired');
    expect((await api.get('/auth/me', { cookie: `session=${token}` })).body.code).toBe('session_expired');
    const none = await api.get('/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('authentication_required');
  });

  it('a wrong password and an unknown user get the same 401 invalid_credentials', async () => {
    const wrong = await api.post('/auth/login', { username: 'clerk2', password: 'not-the-password' });
    const unknown = await api.post('/auth/login', { username: `nobody-${suffix}`, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'invalid_credentials', field: 'password' });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('login failures are limited per address and username: 429 too_many_failures, even with the right password', async () => {
    const username = `ratelimit.${suffix}`;
    const created = await api.as('admin1').post('/users', {
      username,
      displayName: '限流测试',
      role: 'supervisor',
      password: 'right-password-1',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).not.toHaveProperty('passwordHash');
    for (let i = 0; i < 5; i++) {
      const reply = await api.post('/auth/login', { username, password: `wrong-${i}` });
      expect(reply.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await api.post('/auth/login', { username, password: 'right-password-1' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_failures');
    expect(blocked.body.message).toMatch(/分钟后重试/);
    // another username from the same address is not affected
    expect((await api.post('/auth/login', { username: 'supervisor1', password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('a session idle for 30 minutes is over; one used within them lives on', async () => {
    const { token } = await signIn(api.baseUrl, 'auditor1');
    await sql`UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE token_hash = ${tokenHash(token)}`;
    expect((await withToken(api, token).get('/auth/me')).status).toBe(200);
    // that request touched it: last seen is now
    const [touched] = await sql`SELECT now() - last_seen_at < interval '1 minute' AS fresh FROM sessions
                                WHERE token_hash = ${tokenHash(token)}`;
    expect(touched?.fresh).toBe(true);
    await sql`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = ${tokenHash(token)}`;
    const idle = await withToken(api, token).get('/auth/me');
    expect(idle.status).toBe(401);
    expect(idle.body.code).toBe('session_expired');
    expect(await sql`SELECT 1 FROM sessions WHERE token_hash = ${tokenHash(token)}`).toHaveLength(0);
  });

  it('a session 12 hours old is over however active', async () => {
    const { token } = await signIn(api.baseUrl, 'auditor1');
    await sql`UPDATE sessions SET created_at = now() - interval '11 hours 59 minutes' WHERE token_hash = ${tokenHash(token)}`;
    expect((await withToken(api, token).get('/auth/me')).status).toBe(200);
    await sql`UPDATE sessions SET created_at = now() - interval '12 hours 1 minute', last_seen_at = now()
              WHERE token_hash = ${tokenHash(token)}`;
    const old = await withToken(api, token).get('/applications');
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('session_expired');
  });

  it('a deactivated account, or a reset password, ends its sessions', async () => {
    const username = `deactivate.${suffix}`;
    await api
      .as('admin1')
      .post('/users', { username, displayName: '停用测试', role: 'auditor', password: 'first-password' });
    const first = await signIn(api.baseUrl, username, 'first-password');
    expect((await withToken(api, first.token).get('/auth/me')).status).toBe(200);
    expect((await api.as('admin1').patch(`/users/${username}`, { password: 'second-password' })).status).toBe(200);
    expect((await withToken(api, first.token).get('/auth/me')).body.code).toBe('session_expired');
    const second = await signIn(api.baseUrl, username, 'second-password');
    expect((await api.as('admin1').patch(`/users/${username}`, { active: false })).status).toBe(200);
    expect((await withToken(api, second.token).get('/auth/me')).body.code).toBe('session_expired');
    expect((await api.post('/auth/login', { username, password: 'second-password' })).body.code).toBe(
      'invalid_credentials',
    );
  });
});

describe('the actor comes from the session', () => {
  it('actor fields in a body are 400 unknown_field; the event log records user, role and window or department', async () => {
    const clerk = api.as('clerk1');
    const named = await clerk.post(
      '/applications',
      { ...applicationBody(), receivedBy: 'clerk2' },
      {
        'idempotency-key': newKey(),
      },
    );
    expect(named.status).toBe(400);
    expect(named.body).toMatchObject({ code: 'unknown_field', field: 'receivedBy' });
    const submitted = await clerk.post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    expect(submitted.status).toBe(201);
    const caseNo: string = submitted.body.caseNo;
    const withClerk = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept', clerkId: 'clerk2' });
    expect(withClerk.status).toBe(400);
    expect(withClerk.body).toMatchObject({ code: 'unknown_field', field: 'clerkId' });
    expect((await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' })).status).toBe(200);

    const tasks = (await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}`)).body as any[];
    const cm = tasks.find((t) => t.department === 'CITY_MANAGEMENT');
    const withDept = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(`/tasks/${cm.id}/opinion`, { decision: 'approve', reviewerId: 'someone' }, { 'idempotency-key': newKey() });
    expect(withDept.body).toMatchObject({ code: 'unknown_field', field: 'reviewerId' });
    const given = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(`/tasks/${cm.id}/opinion`, { decision: 'approve' }, { 'idempotency-key': newKey() });
    expect(given.status, JSON.stringify(given.body)).toBe(200);

    const record = await api.as('auditor1').get(`/applications/${caseNo}`);
    expect(record.status).toBe(200);
    const events = record.body.events as any[];
    const received = events.find((e) => e.type === 'received');
    expect(received.actor).toMatchObject({ id: 'clerk1', role: 'clerk', window: 'W01' });
    const opinion = events.find((e) => e.type === 'opinion_given');
    expect(opinion.actor).toMatchObject({
      id: 'reviewer.CITY_MANAGEMENT',
      role: 'reviewer',
      department: 'CITY_MANAGEMENT',
    });
    expect(opinion.actor).not.toHaveProperty('onBehalfOf');
    // every staff event names its user and role
    for (const e of events.filter((x) => x.actor?.kind !== 'system' && x.actor?.kind !== 'applicant')) {
      expect(e.actor, e.type).toMatchObject({ id: expect.any(String), role: expect.any(String) });
    }
  });
});

describe('roles confined to their work', () => {
  it('reviewers see only their department’s tasks and act only on them', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    expect(tasks.map((t) => t.department).sort()).toEqual(['CITY_MANAGEMENT', 'TRAFFIC_POLICE']);
    const reviewer = api.as('reviewer.CITY_MANAGEMENT');
    const mine = await reviewer.get('/tasks');
    expect(mine.status).toBe(200);
    expect(mine.body.length).toBeGreaterThan(0);
    expect(new Set((mine.body as any[]).map((t) => t.department))).toEqual(new Set(['CITY_MANAGEMENT']));
    expect((await reviewer.get(`/tasks?caseNo=${caseNo}`)).body.map((t: any) => t.department)).toEqual([
      'CITY_MANAGEMENT',
    ]);
    // asking for another department's list is answered with none of it
    expect((await reviewer.get('/tasks?department=TRAFFIC_POLICE')).body).toEqual([]);
    const tp = tasks.find((t) => t.department === 'TRAFFIC_POLICE')!;
    const other = await reviewer.post(
      `/tasks/${tp.id}/opinion`,
      { decision: 'approve' },
      { 'idempotency-key': newKey() },
    );
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('not_your_department');
    // heads too see only their department's tasks, and only cases their department takes part in
    const headTasks = (await api.as('head.TRAFFIC_POLICE').get('/tasks')).body as any[];
    expect(new Set(headTasks.map((t) => t.department))).toEqual(new Set(['TRAFFIC_POLICE']));
    const notOnCase = await api.as('reviewer.HEALTH').get(`/applications/${caseNo}`);
    expect(notOnCase.status).toBe(403);
    expect(notOnCase.body.code).toBe('not_your_department');
    expect((await reviewer.get(`/applications/${caseNo}`)).status).toBe(200);
    const v = await api.as('auditor1').get(`/applications/${caseNo}`);
    expect(v.body.events.filter((e: any) => e.type === 'opinion_given')).toHaveLength(0);
  });

  it('heads approve only their own department’s extensions', async () => {
    const { caseNo } = await caseInReview(api);
    const requested = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions`,
        { department: 'CITY_MANAGEMENT', reason: '需现场踏勘' },
        { 'idempotency-key': newKey() },
      );
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const id = requested.body.extension.id;
    const approval = `/applications/${caseNo}/extensions/${id}/approval`;
    const otherHead = await api.as('head.TRAFFIC_POLICE').post(approval, { decision: 'approve' });
    expect(otherHead.status).toBe(403);
    expect(otherHead.body.code).toBe('not_your_department');
    const reviewer = await api.as('reviewer.CITY_MANAGEMENT').post(approval, { decision: 'approve' });
    expect(reviewer.status).toBe(403);
    expect(reviewer.body.code).toBe('forbidden');
    const own = await api
      .as('head.CITY_MANAGEMENT')
      .post(approval, { decision: 'approve' }, { 'idempotency-key': newKey() });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    const decided = (await api.as('auditor1').get(`/applications/${caseNo}`)).body.events.find(
      (e: any) => e.type === 'extension_decided',
    );
    expect(decided.actor).toMatchObject({ id: 'head.CITY_MANAGEMENT', role: 'head', department: 'CITY_MANAGEMENT' });
  });

  it('auditors change nothing', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    const auditor = api.as('auditor1');
    const before = await auditor.get(`/applications/${caseNo}`);
    const attempts = await Promise.all([
      auditor.post('/applications', applicationBody(), { 'idempotency-key': newKey() }),
      auditor.post(`/applications/${caseNo}/urgent`, { reason: '审计' }),
      auditor.post(`/applications/${caseNo}/withdrawal`, { reason: '审计' }),
      auditor.post(`/applications/${caseNo}/delivery`, { method: 'pickup' }),
      auditor.post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve' }),
      auditor.post(`/applications/${caseNo}/extensions`, { department: 'CITY_MANAGEMENT', reason: 'x' }),
      auditor.patch('/matters/OUTDOOR_AD_PERMIT', { promisedLimitDays: 1 }),
      auditor.post('/users', { username: `x.${suffix}`, displayName: 'x', role: 'admin', password: 'password-1' }),
      auditor.patch('/users/clerk1', { active: false }),
      auditor.post('/users/reviewer.CITY_MANAGEMENT/away', { away: true }),
    ]);
    for (const reply of attempts) {
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('forbidden');
    }
    const after = await auditor.get(`/applications/${caseNo}`);
    expect(after.body.events).toEqual(before.body.events);
    expect(after.body.status).toBe(before.body.status);
  });

  it('PATCH /matters/:code is 403 for every staff role but admin, 401 without a session', async () => {
    // only refusals on the shared stack: the admin's change (it moves the catalogue version) is on the own stack below
    for (const who of ['clerk1', 'supervisor1', 'head.CITY_MANAGEMENT', 'reviewer.CITY_MANAGEMENT', 'auditor1']) {
      const reply = await api.as(who).patch('/matters/OUTDOOR_AD_PERMIT', { guide: { supervision: '改' } });
      expect(reply.status, who).toBe(403);
    }
    expect((await api.patch('/matters/OUTDOOR_AD_PERMIT', { guide: { supervision: '改' } })).status).toBe(401);
  });
});

describe('AB岗: a backup stands in for an away reviewer', () => {
  it('sees and acts on the away reviewer’s tasks, the record shows for whom; back again, 403', async () => {
    const admin = api.as('admin1');
    const main = `ab.cm.${suffix}`;
    const backup = `ab.tax.${suffix}`;
    const password = 'ab-secret-password';
    for (const [username, department] of [
      [backup, 'TAX'],
      [main, 'CITY_MANAGEMENT'],
    ] as const) {
      const created = await admin.post('/users', {
        username,
        displayName: username,
        role: 'reviewer',
        department,
        password,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    // no backup named yet: cannot be marked away
    const noBackup = await admin.post(`/users/${main}/away`, { away: true });
    expect(noBackup.status).toBe(422);
    expect(noBackup.body.code).toBe('no_backup');
    const set = await admin.patch(`/users/${main}`, { backup });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ username: main, backup, away: false });
    // a backup must be a reviewer, not oneself
    expect((await admin.patch(`/users/${main}`, { backup: 'head.TAX' })).body.code).toBe('invalid_backup');
    expect((await admin.patch(`/users/${main}`, { backup: main })).body.code).toBe('backup_is_self');

    const first = await caseInReview(api);
    const second = await caseInReview(api);
    const cmTask = (c: typeof first) => c.tasks.find((t) => t.department === 'CITY_MANAGEMENT')!;
    const b = withToken(api, (await signIn(api.baseUrl, backup, password)).token);

    // before: the backup has only TAX
    expect((await b.get(`/tasks?caseNo=${first.caseNo}`)).body).toEqual([]);
    const early = await b.post(
      `/tasks/${cmTask(first).id}/opinion`,
      { decision: 'approve' },
      { 'idempotency-key': newKey() },
    );
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('not_your_department');

    // another reviewer may not mark them away; the reviewer themself may (here: admin)
    const byOther = await api.as('reviewer.TAX').post(`/users/${main}/away`, { away: true });
    expect(byOther.status).toBe(403);
    const away = await admin.post(`/users/${main}/away`, { away: true });
    expect(away.status).toBe(200);
    expect(away.body.away).toBe(true);

    const me = await b.get('/auth/me');
    expect(me.body.standsInFor).toEqual([{ username: main, department: 'CITY_MANAGEMENT' }]);
    const seen = await b.get(`/tasks?caseNo=${first.caseNo}`);
    expect(seen.body.map((t: any) => t.department)).toEqual(['CITY_MANAGEMENT']);
    expect((await b.get(`/applications/${first.caseNo}`)).status).toBe(200);
    const acted = await b.post(
      `/tasks/${cmTask(first).id}/opinion`,
      { decision: 'approve' },
      { 'idempotency-key': newKey() },
    );
    expect(acted.status, JSON.stringify(acted.body)).toBe(200);
    const record = await api.as('auditor1').get(`/applications/${first.caseNo}`);
    const opinion = (record.body.events as any[]).find((e) => e.type === 'opinion_given');
    expect(opinion.actor).toMatchObject({
      id: backup,
      role: 'reviewer',
      department: 'CITY_MANAGEMENT',
      onBehalfOf: main,
    });
    // still not another department's: TRAFFIC_POLICE stays closed to the backup
    const tp = first.tasks.find((t) => t.department === 'TRAFFIC_POLICE')!;
    expect((await b.post(`/tasks/${tp.id}/opinion`, { decision: 'approve' })).status).toBe(403);

    // back at the post (the reviewer themself says so): the backup is out again
    const mainClient = withToken(api, (await signIn(api.baseUrl, main, password)).token);
    const back = await mainClient.post(`/users/${main}/away`, { away: false });
    expect(back.status).toBe(200);
    expect((await b.get('/auth/me')).body.standsInFor).toEqual([]);
    expect((await b.get(`/tasks?caseNo=${second.caseNo}`)).body).toEqual([]);
    const late = await b.post(
      `/tasks/${cmTask(second).id}/opinion`,
      { decision: 'approve' },
      { 'idempotency-key': newKey() },
    );
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('not_your_department');
    // the main reviewer acts again themself, no onBehalfOf
    const own = await mainClient.post(
      `/tasks/${cmTask(second).id}/opinion`,
      { decision: 'approve' },
      { 'idempotency-key': newKey() },
    );
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    const ownEvent = ((await api.as('auditor1').get(`/applications/${second.caseNo}`)).body.events as any[]).find(
      (e) => e.type === 'opinion_given',
    );
    expect(ownEvent.actor).toMatchObject({ id: main, department: 'CITY_MANAGEMENT' });
    expect(ownEvent.actor).not.toHaveProperty('onBehalfOf');
  });
});

describe('personal data: masking and the staff read log', () => {
  it('supervisors see id and phone numbers masked; clerks and auditors see them whole', async () => {
    const idNumber = randomResidentId();
    const phone = '13912345678';
    const submitted = await api
      .as('clerk1')
      .post('/applications', applicationBody({ applicant: { type: 'person', name: '李四', idNumber, phone } }), {
        'idempotency-key': newKey(),
      });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const caseNo = submitted.body.caseNo as string;
    expect(submitted.body.case.applicant).toMatchObject({ idNumber, phone });

    for (const who of ['clerk1', 'auditor1']) {
      const record = await api.as(who).get(`/applications/${caseNo}`);
      expect(record.body.applicant, who).toMatchObject({ idNumber, phone });
    }
    const masked = `${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`;
    for (const path of [`/applications/${caseNo}`, `/applications/${caseNo}/state`]) {
      const record = await api.as('supervisor1').get(path);
      expect(record.status, path).toBe(200);
      expect(record.body.applicant, path).toMatchObject({ idNumber: masked, phone: '139****5678' });
      // nowhere in the answer, events included
      expect(JSON.stringify(record.body), path).not.toContain(idNumber);
      expect(JSON.stringify(record.body), path).not.toContain(phone);
    }
    // the case list, and a search by id number, show no whole number to a supervisor
    const list = await api.as('supervisor1').get(`/applications?applicantIdNumber=${idNumber}`);
    expect(list.status).toBe(200);
    expect(list.body.map((c: any) => c.caseNo)).toEqual([caseNo]);
    expect(JSON.stringify(list.body)).not.toContain(idNumber);
    const tasks = await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}`);
    expect(JSON.stringify(tasks.body)).not.toContain(idNumber);
  });

  it('staff reads are logged (who, view, time) for auditors; applicant reads are not; the log is append-only', async () => {
    const submitted = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
    const caseNo = submitted.body.caseNo as string;
    const queryCode = submitted.body.queryCode as string;
    const start = Date.now();
    expect((await api.as('clerk1').get(`/applications/${caseNo}`)).status).toBe(200);
    expect((await api.as('supervisor1').get(`/applications/${caseNo}/state`)).status).toBe(200);
    expect((await api.withCode(queryCode).get(`/applications/${caseNo}`)).status).toBe(200);
    const reads = await api.as('auditor1').get(`/staff-reads?caseNo=${caseNo}`);
    expect(reads.status).toBe(200);
    const rows = (reads.body as any[]).map(({ username, role, department, caseNo: c, view }) => ({
      username,
      role,
      department,
      caseNo: c,
      view,
    }));
    expect(rows).toEqual([
      { username: 'supervisor1', role: 'supervisor', department: null, caseNo, view: 'state' },
      { username: 'clerk1', role: 'clerk', department: null, caseNo, view: 'record' },
    ]);
    for (const r of reads.body as any[]) {
      expect(Date.parse(r.at)).toBeGreaterThanOrEqual(start - 5_000);
      expect(Date.parse(r.at)).toBeLessThanOrEqual(Date.now() + 5_000);
    }
    // the auditor's own reading is logged in turn; the log itself is only for auditors
    await api.as('auditor1').get(`/applications/${caseNo}`);
    const byAuditor = await api.as('auditor1').get(`/staff-reads?caseNo=${caseNo}&username=auditor1`);
    expect(byAuditor.body.map((r: any) => r.username)).toEqual(['auditor1']);
    for (const who of ['clerk1', 'supervisor1', 'admin1', 'head.CITY_MANAGEMENT']) {
      expect((await api.as(who).get(`/staff-reads?caseNo=${caseNo}`)).status, who).toBe(403);
    }

    await expect(sql`UPDATE staff_reads SET username = 'nobody' WHERE case_no = ${caseNo}`).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM staff_reads WHERE case_no = ${caseNo}`).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE staff_reads`).rejects.toThrow(/append-only/);
    // In a transaction that never commits: should the trigger ever go missing, the shared stack keeps its record.
    await expect(
      sql.begin(async (tx) => {
        await tx`TRUNCATE case_events`;
        throw new Error('TRUNCATE case_events was allowed');
      }),
    ).rejects.toThrow(/append-only/);
    const [count] = await sql`SELECT count(*)::int AS n FROM staff_reads WHERE case_no = ${caseNo}`;
    expect(count?.n).toBe(3);
  });
});

describe('an own stack: applicants, failure limits and the catalogue change', () => {
  // Three wrong query codes per address: small enough to reach, and this stack's own (the shared one stays usable).
  const own = useOwnStack('access', { RATE_LIMIT_QUERY_CODE_FAILURES: '3' });

  async function submitted(overrides: Record<string, unknown> = {}) {
    const reply = await own.api.as('clerk1').post('/applications', applicationBody(overrides), {
      'idempotency-key': newKey(),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return { caseNo: reply.body.caseNo as string, queryCode: reply.body.queryCode as string };
  }

  async function rawGet(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${own.stack.apiUrl}${path}`, { headers });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  }

  it('PATCH /matters/:code by admin changes the guide; by anyone else 403', async () => {
    const text = `投诉监督电话 12345（${suffix}）`;
    const refused = await own.api
      .as('supervisor1')
      .patch('/matters/OUTDOOR_AD_PERMIT', { guide: { supervision: text } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    const changed = await own.api.as('admin1').patch('/matters/OUTDOOR_AD_PERMIT', { guide: { supervision: text } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.guide.supervision).toBe(text);
    const guide = await own.api.get('/matters/OUTDOOR_AD_PERMIT');
    expect(guide.body.guide.supervision).toBe(text);
  });

  it('the applicant reads their case with the code (header or ?queryCode=); without any code 401', async () => {
    const { caseNo, queryCode } = await submitted();
    const byHeader = await own.api.withCode(queryCode).get(`/applications/${caseNo}`);
    expect(byHeader.status).toBe(200);
    expect(byHeader.body.caseNo).toBe(caseNo);
    expect(byHeader.body).not.toHaveProperty('events'); // the event log is for staff
    const byQuery = await own.api.get(`/applications/${caseNo}?queryCode=${queryCode}`);
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.caseNo).toBe(caseNo);
    expect((await own.api.withCode(queryCode).get(`/applications/${caseNo}/state`)).status).toBe(200);
    const none = await own.api.get(`/applications/${caseNo}`);
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('query_code_required');
  });

  it('the applicant supplies online with the code (header, or the body field)', async () => {
    const missing = { materials: ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'] };
    for (const how of ['header', 'field'] as const) {
      const { caseNo, queryCode } = await submitted(missing);
      const notice = await own.api.as('clerk1').post(`/applications/${caseNo}/acceptance`, { decision: 'supplement' });
      expect(notice.body.status).toBe('awaiting_supplement');
      const materials = ['BUSINESS_LICENCE', 'OWNER_CONSENT'];
      const supplied =
        how === 'header'
          ? await own.api.withCode(queryCode).post(`/applications/${caseNo}/supplements`, { materials })
          : await own.api.post(`/applications/${caseNo}/supplements`, { materials, queryCode });
      expect(supplied.status, `${how}: ${JSON.stringify(supplied.body)}`).toBe(200);
      const record = await own.api.as('auditor1').get(`/applications/${caseNo}`);
      const event = (record.body.events as any[]).find((e) => e.type === 'materials_supplied');
      expect(event?.actor?.kind, how).toBe('applicant');
    }
  });

  it('a wrong code answers exactly like an unknown case; repeated failures are 429, even with the right code', async () => {
    const { caseNo, queryCode } = await submitted();
    const wrongCode = queryCode === '000000' ? '111111' : '000000';
    // an unknown case number of the same shape
    const unknownNo = `SQ20990101${caseNo.slice(-6)}`;
    const wrong = await rawGet(`/applications/${caseNo}`, { 'x-query-code': wrongCode });
    const unknown = await rawGet(`/applications/${unknownNo}`, { 'x-query-code': queryCode });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.type).toBe(unknown.type);
    expect(wrong.text.replaceAll(caseNo, '<caseNo>')).toBe(unknown.text.replaceAll(unknownNo, '<caseNo>'));
    expect(JSON.parse(wrong.text)).toMatchObject({ code: 'case_not_found', field: 'caseNo' });

    // the third failure uses up the limit (RATE_LIMIT_QUERY_CODE_FAILURES=3)
    const third = await own.api.get(`/applications/${caseNo}?queryCode=${wrongCode}`);
    expect(third.status).toBe(404);
    const blocked = await own.api.withCode(queryCode).get(`/applications/${caseNo}`);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_failures');
    const supply = await own.api.withCode(queryCode).post(`/applications/${caseNo}/withdrawal`, { reason: '不办了' });
    expect(supply.status).toBe(429);
    // staff are not held up by applicants' failures
    expect((await own.api.as('clerk1').get(`/applications/${caseNo}`)).status).toBe(200);
  });
});
