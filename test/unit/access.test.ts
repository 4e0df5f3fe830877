/** The role × action table, session limits, AB岗, masking of personal data and password hashing. */
import { describe, expect, it } from 'vitest';
import {
  ACCESS,
  DEFAULT_SESSION_LIMITS,
  ROLES,
  actingFor,
  actorDetails,
  authorize,
  departmentsOf,
  isAction,
  roleNames,
  seesPersonalData,
  sessionExpired,
  type Action,
  type Role,
  type StaffUser,
} from '../../rules/access.ts';
import { maskPersonalData } from '../../api/auth/personalData.ts';
import { hashPassword, verifyPassword } from '../../api/auth/passwords.ts';

/**
 * The table as the auth contract describes it, written out again by hand (not derived from ACCESS): who,
 * among the staff roles, may do each action. `public` and `session` actions are checked separately.
 */
const EXPECTED_ROLES: Record<string, readonly Role[]> = {
  'catalogue.write': ['admin'],
  'users.manage': ['admin'],
  'users.read': ['admin', 'head', 'reviewer'],
  'users.away': ['reviewer', 'head', 'admin'],
  'case.submit': ['clerk'],
  'case.list': ['clerk', 'supervisor', 'auditor'],
  'case.read': ['clerk', 'reviewer', 'head', 'supervisor', 'auditor'],
  'case.accept': ['clerk'],
  'case.supply': ['clerk'],
  'case.original_seen': ['clerk'],
  'case.withdraw': ['clerk'],
  'case.deliver': ['clerk'],
  'case.urgent': ['supervisor'],
  'case.rate': [],
  'file.upload': ['clerk'],
  'file.read': ['clerk', 'reviewer', 'head', 'supervisor', 'auditor'],
  'task.list': ['reviewer', 'head', 'supervisor', 'auditor'],
  'task.act': ['reviewer'],
  'extension.request': ['reviewer'],
  'extension.decide': ['head'],
  'certificate.revoke': ['reviewer', 'head'],
  'certificate.print': ['clerk', 'auditor'],
  'certificate.library': ['clerk', 'auditor'],
  'followup.list': ['reviewer', 'head', 'supervisor', 'auditor'],
  'followup.reply': ['reviewer', 'head'],
  'rating.appeal': ['reviewer', 'head'],
  'rating.decide': ['supervisor'],
  'supervision.read': ['supervisor', 'auditor', 'head'],
  'ledger.read': ['clerk', 'supervisor', 'auditor'],
  'audit.read': ['auditor', 'supervisor'],
  'audit.export': ['auditor'],
  'audit.reads': ['auditor'],
};
const EXPECTED_PUBLIC = ['public', 'auth.login', 'catalogue.read', 'certificate.verify'];
const EXPECTED_SESSION = ['auth.session'];
/** Where an applicant (no account, the case's query code) gets past the table to the route's own check. */
const EXPECTED_APPLICANT = ['case.read', 'case.supply', 'case.withdraw', 'case.rate', 'file.upload', 'file.read'];
/** Actions that change something: the auditor (reads everything, changes nothing) has none of them. */
const WRITES = [
  'catalogue.write',
  'users.manage',
  'users.away',
  'case.submit',
  'case.accept',
  'case.supply',
  'case.original_seen',
  'case.withdraw',
  'case.deliver',
  'case.urgent',
  'case.rate',
  'file.upload',
  'task.act',
  'extension.request',
  'extension.decide',
  'certificate.revoke',
  'followup.reply',
  'rating.appeal',
  'rating.decide',
];

const actions = Object.keys(ACCESS) as Action[];

describe('the role × action table', () => {
  it('names exactly the actions written out here', () => {
    expect([...actions].sort()).toEqual(
      [...Object.keys(EXPECTED_ROLES), ...EXPECTED_PUBLIC, ...EXPECTED_SESSION].sort(),
    );
    for (const action of actions) expect(isAction(action)).toBe(true);
    expect(isAction('nothing.at.all')).toBe(false);
    // inherited properties of a plain object are not actions
    for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(isAction(inherited), inherited).toBe(false);
    }
  });

  it('every role has a Chinese name', () => {
    expect(Object.keys(roleNames).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(roleNames[role]).toMatch(/\p{Script=Han}/u);
  });

  describe.each(actions)('%s', (action) => {
    it.each(ROLES)('for a %s', (role) => {
      const expected =
        EXPECTED_PUBLIC.includes(action) || EXPECTED_SESSION.includes(action)
          ? 'allowed'
          : EXPECTED_ROLES[action]!.includes(role)
            ? 'allowed'
            : 'forbidden';
      expect(authorize(action, role)).toBe(expected);
    });

    it('without a session', () => {
      const expected = EXPECTED_PUBLIC.includes(action)
        ? 'allowed'
        : EXPECTED_APPLICANT.includes(action)
          ? 'applicant'
          : 'unauthenticated';
      expect(authorize(action, undefined)).toBe(expected);
    });
  });

  it('auditors change nothing; the catalogue and accounts change only by admin', () => {
    for (const action of WRITES) expect(authorize(action as Action, 'auditor'), action).toBe('forbidden');
    for (const role of ROLES) {
      expect(authorize('catalogue.write', role)).toBe(role === 'admin' ? 'allowed' : 'forbidden');
      expect(authorize('users.manage', role)).toBe(role === 'admin' ? 'allowed' : 'forbidden');
    }
  });

  it('staff act as staff: a role not listed is forbidden even where applicants are let in', () => {
    for (const role of ROLES) expect(authorize('case.rate', role)).toBe('forbidden');
    expect(authorize('case.supply', 'reviewer')).toBe('forbidden');
  });
});

describe('session limits', () => {
  const at = (iso: string) => new Date(iso);
  const login = at('2026-03-02T08:00:00Z');
  const limits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

  it('defaults to 30 minutes idle and 12 hours absolute', () => {
    expect(DEFAULT_SESSION_LIMITS).toEqual(limits);
  });

  it('idle: alive up to a millisecond before the limit, expired at it', () => {
    const lastSeen = at('2026-03-02T09:00:00Z');
    const s = { createdAt: login, lastSeenAt: lastSeen };
    expect(sessionExpired(s, at('2026-03-02T09:29:59.999Z'))).toBeUndefined();
    expect(sessionExpired(s, at('2026-03-02T09:30:00.000Z'))).toBe('idle');
    expect(sessionExpired(s, at('2026-03-02T09:00:00.000Z'))).toBeUndefined();
  });

  it('absolute: expired 12 hours after login however active, and reported before idle', () => {
    const s = { createdAt: login, lastSeenAt: at('2026-03-02T19:59:00Z') };
    expect(sessionExpired(s, at('2026-03-02T19:59:59.999Z'))).toBeUndefined();
    expect(sessionExpired(s, at('2026-03-02T20:00:00Z'))).toBe('absolute');
    // both past: absolute wins
    expect(sessionExpired({ createdAt: login, lastSeenAt: login }, at('2026-03-03T08:00:00Z'))).toBe('absolute');
  });

  it('honours configured limits', () => {
    const s = { createdAt: login, lastSeenAt: login };
    const short = { idleMs: 60_000, absoluteMs: 120_000 };
    expect(sessionExpired(s, at('2026-03-02T08:00:59.999Z'), short)).toBeUndefined();
    expect(sessionExpired(s, at('2026-03-02T08:01:00Z'), short)).toBe('idle');
    expect(
      sessionExpired({ createdAt: login, lastSeenAt: at('2026-03-02T08:01:30Z') }, at('2026-03-02T08:02:00Z'), short),
    ).toBe('absolute');
  });
});

describe('AB岗: acting for a department', () => {
  const reviewer = (over: Partial<StaffUser> = {}): StaffUser => ({
    username: 'reviewer.TAX',
    displayName: '税务审查员',
    role: 'reviewer',
    department: 'TAX',
    standsInFor: [],
    ...over,
  });

  it('a reviewer acts for their own department, without onBehalfOf', () => {
    expect(actingFor(reviewer(), 'TAX')).toEqual({ department: 'TAX' });
    expect(actingFor(reviewer(), 'CITY_MANAGEMENT')).toBeUndefined();
    expect(departmentsOf(reviewer())).toEqual(['TAX']);
  });

  it('the backup of an away reviewer acts for that department on their behalf', () => {
    const backup = reviewer({
      standsInFor: [
        { username: 'reviewer.CITY_MANAGEMENT', department: 'CITY_MANAGEMENT' },
        { username: 'reviewer.HEALTH', department: 'HEALTH' },
      ],
    });
    expect(actingFor(backup, 'CITY_MANAGEMENT')).toEqual({
      department: 'CITY_MANAGEMENT',
      onBehalfOf: 'reviewer.CITY_MANAGEMENT',
    });
    expect(actingFor(backup, 'HEALTH')).toEqual({ department: 'HEALTH', onBehalfOf: 'reviewer.HEALTH' });
    expect(actingFor(backup, 'TAX')).toEqual({ department: 'TAX' });
    expect(actingFor(backup, 'PSB')).toBeUndefined();
    expect(departmentsOf(backup)).toEqual(['TAX', 'CITY_MANAGEMENT', 'HEALTH']);
  });

  it('standing in for a colleague of the same department lists the department once and needs no onBehalfOf', () => {
    const sameDept = reviewer({ standsInFor: [{ username: 'reviewer2.TAX', department: 'TAX' }] });
    expect(departmentsOf(sameDept)).toEqual(['TAX']);
    expect(actingFor(sameDept, 'TAX')).toEqual({ department: 'TAX' });
  });

  it('only reviewers stand in: a head, clerk or supervisor with standsInFor gets nothing from it', () => {
    const away = [{ username: 'reviewer.PSB', department: 'PSB' }];
    const head: StaffUser = {
      username: 'head.TAX',
      displayName: 'h',
      role: 'head',
      department: 'TAX',
      standsInFor: away,
    };
    expect(actingFor(head, 'TAX')).toEqual({ department: 'TAX' });
    expect(actingFor(head, 'PSB')).toBeUndefined();
    expect(departmentsOf(head)).toEqual(['TAX']);
    const clerk: StaffUser = { username: 'clerk1', displayName: 'c', role: 'clerk', window: 'W01', standsInFor: away };
    expect(departmentsOf(clerk)).toEqual([]);
    expect(actingFor(clerk, 'PSB')).toBeUndefined();
    const supervisor: StaffUser = { username: 's', displayName: 's', role: 'supervisor', standsInFor: [] };
    expect(departmentsOf(supervisor)).toEqual([]);
  });

  it('the event actor records role, department or window, and for whom', () => {
    const backup = reviewer({ standsInFor: [{ username: 'reviewer.CITY_MANAGEMENT', department: 'CITY_MANAGEMENT' }] });
    expect(actorDetails(backup, actingFor(backup, 'CITY_MANAGEMENT'))).toEqual({
      role: 'reviewer',
      department: 'CITY_MANAGEMENT',
      onBehalfOf: 'reviewer.CITY_MANAGEMENT',
    });
    expect(actorDetails(backup)).toEqual({ role: 'reviewer', department: 'TAX' });
    expect(
      actorDetails({ username: 'clerk1', displayName: 'c', role: 'clerk', window: 'W01', standsInFor: [] }),
    ).toEqual({ role: 'clerk', window: 'W01' });
    expect(actorDetails({ username: 'a', displayName: 'a', role: 'supervisor', standsInFor: [] })).toEqual({
      role: 'supervisor',
    });
  });
});

describe('who sees whole id and phone numbers', () => {
  it('those who check identity or decide, auditors and the applicant; not supervisors or admins', () => {
    const expected: Record<Role | 'applicant', boolean> = {
      clerk: true,
      reviewer: true,
      head: true,
      auditor: true,
      applicant: true,
      supervisor: false,
      admin: false,
    };
    for (const [role, sees] of Object.entries(expected)) {
      expect(seesPersonalData(role as Role | 'applicant'), role).toBe(sees);
    }
  });
});

describe('maskPersonalData', () => {
  it('masks id and phone numbers at any depth, in arrays too, leaving the rest and the input alone', () => {
    const input = {
      caseNo: 'SQ20260302000001',
      applicant: { name: '王五', idNumber: '11010519491231002X', phone: '138 1234 5678' },
      contactPhone: '010-12345678',
      certificates: [{ holderIdNumber: '91350100M000100Y43', number: 'C1' }],
      search: { applicantIdNumber: '11010519491231002X' },
      deep: [[{ x: { idNumber: '91350100M000100Y43' } }]],
      count: 3,
      nothing: null,
      idNumber: 42, // not a string: left alone
    };
    const copy = structuredClone(input);
    const masked = maskPersonalData(input);
    expect(input).toEqual(copy);
    expect(masked).toEqual({
      caseNo: 'SQ20260302000001',
      applicant: { name: '王五', idNumber: '110***********002X', phone: '138****5678' },
      contactPhone: '010****5678',
      certificates: [{ holderIdNumber: '913***********0Y43', number: 'C1' }],
      search: { applicantIdNumber: '110***********002X' },
      deep: [[{ x: { idNumber: '913***********0Y43' } }]],
      count: 3,
      nothing: null,
      idNumber: 42,
    });
  });

  it("masks an applicant actor's id (their id number), not a staff actor's username", () => {
    const events = [
      { type: 'application_received', actor: { kind: 'staff', id: 'clerk1', role: 'clerk', window: 'W01' } },
      { type: 'supplement_received', actor: { kind: 'applicant', id: '11010519491231002X' } },
    ];
    expect(maskPersonalData(events)).toEqual([
      events[0],
      { type: 'supplement_received', actor: { kind: 'applicant', id: '110***********002X' } },
    ]);
  });

  it('passes primitives and empty values through', () => {
    expect(maskPersonalData('11010519491231002X')).toBe('11010519491231002X');
    expect(maskPersonalData(undefined)).toBeUndefined();
    expect(maskPersonalData(null)).toBeNull();
    expect(maskPersonalData([])).toEqual([]);
    expect(maskPersonalData({ phone: '123' })).toEqual({ phone: '***' });
  });
});

describe('passwords (scrypt)', () => {
  it('a hash verifies its password, and no other', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('two hashes of one password differ (a random salt each time), both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('demo'), hashPassword('demo')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('demo', a)).toBe(true);
    expect(await verifyPassword('demo', b)).toBe(true);
  });

  it('compares Unicode passwords in one normal form', async () => {
    const stored = await hashPassword('caf\u00e9密码');
    expect(await verifyPassword('cafe\u0301密码', stored)).toBe(true);
  });

  it('a malformed stored string is false, never an exception', async () => {
    const good = await hashPassword('demo');
    const [, n, r, p, salt, hash] = good.split('$');
    for (const stored of [
      '',
      'demo',
      'plain$text',
      `bcrypt$${n}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${n}$${r}$${p}$$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}$`,
      `scrypt$${n}$${r}$${p}$${salt}$${hash!.slice(0, 10)}`,
      `scrypt$abc$${r}$${p}$${salt}$${hash}`,
      `scrypt$3$${r}$${p}$${salt}$${hash}`,
      `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`,
    ]) {
      await expect(verifyPassword('demo', stored), stored).resolves.toBe(false);
    }
  });
});
