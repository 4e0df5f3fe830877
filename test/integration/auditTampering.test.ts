/**
 * Auditors on the real stack: the audit of an untouched case, then separate cases tampered directly in PostgreSQL
 * (the append-only trigger bypassed the way an attacker with the database's superuser would), each kind reported;
 * the timeline; and the replay, which equals the live workflow's view.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { GENESIS_HASH, eventHash } from '../../integrity/hashChain.ts';
import { applicationBody, client, newKey, type Client } from './http.ts';

const api = client(inject('apiUrl'));
const clerk = api.as('clerk1');
const auditor = api.as('auditor1');
/** The reviewer, or the head, of a department. */
const reviewer = (department: string) => api.as(`reviewer.${department}`);
const head = (department: string) => api.as(`head.${department}`);
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end({ timeout: 5 }));

const AD = 'OUTDOOR_AD_PERMIT';

async function ok(reply: Promise<{ status: number; body: any }>, status = 200) {
  const r = await reply;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

const post = (who: Client, path: string, body: unknown) => ok(who.post(path, body, { 'idempotency-key': newKey() }));

async function submitAndAccept(): Promise<string> {
  const submitted = await clerk.post('/applications', applicationBody({ matters: [AD] }), {
    'idempotency-key': newKey(),
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const caseNo = submitted.body.caseNo as string;
  await post(clerk, `/applications/${caseNo}/acceptance`, { decision: 'accept' });
  return caseNo;
}

async function tasks(caseNo: string): Promise<Record<string, string>> {
  const reply = await ok(auditor.get(`/tasks?caseNo=${caseNo}`));
  return Object.fromEntries((reply as any[]).map((t) => [t.department, t.id]));
}

/** A case that goes through supplements, a special procedure, an extension and delivery. */
async function fullCase(): Promise<{ caseNo: string; awaitingSeq: number }> {
  const caseNo = await submitAndAccept();
  const { CITY_MANAGEMENT: cm, TRAFFIC_POLICE: tp } = await tasks(caseNo);
  await post(reviewer('CITY_MANAGEMENT'), `/tasks/${cm}/opinion`, {
    decision: 'supplement',
    materials: ['AD_STRUCTURE_SAFETY'],
    reason: '招牌面积较大，需补充结构安全说明',
  });
  const asked = await post(reviewer('TRAFFIC_POLICE'), `/tasks/${tp}/opinion`, {
    decision: 'supplement',
    materials: ['AD_DESIGN_DRAWING'],
    reason: '设置位置示意图未标明与信号灯的距离',
  });
  expect(asked.status).toBe('awaiting_supplement');
  const awaitingSeq = asked.lastSeq as number;
  await post(clerk, `/applications/${caseNo}/supplements`, { materials: ['AD_STRUCTURE_SAFETY', 'AD_DESIGN_DRAWING'] });
  const started = await ok(
    reviewer('CITY_MANAGEMENT').post(
      `/tasks/${cm}/special-procedures`,
      { type: 'hearing', expectedWorkingDays: 5, reason: '设置位置涉及相邻住户利益，举行听证' },
      { 'idempotency-key': newKey() },
    ),
    201,
  );
  const requested = await ok(
    reviewer('TRAFFIC_POLICE').post(
      `/applications/${caseNo}/extensions`,
      { department: 'TRAFFIC_POLICE', reason: '需会同交通部门现场踏勘' },
      { 'idempotency-key': newKey() },
    ),
    201,
  );
  await post(head('TRAFFIC_POLICE'), `/applications/${caseNo}/extensions/${requested.extension.id}/approval`, {
    decision: 'approve',
  });
  await post(reviewer('CITY_MANAGEMENT'), `/tasks/${cm}/special-procedures/${started.procedure.id}/end`, {});
  await post(reviewer('TRAFFIC_POLICE'), `/tasks/${tp}/opinion`, { decision: 'approve' });
  const approved = await post(reviewer('CITY_MANAGEMENT'), `/tasks/${cm}/opinion`, { decision: 'approve' });
  expect(approved.status).toBe('approved');
  const delivered = await post(clerk, `/applications/${caseNo}/delivery`, { method: 'pickup' });
  expect(delivered.delivery).toMatchObject({ method: 'pickup' });
  return { caseNo, awaitingSeq };
}

/** A shorter case for tampering: accepted, one department approved. */
async function reviewedCase(): Promise<string> {
  const caseNo = await submitAndAccept();
  const { TRAFFIC_POLICE: tp } = await tasks(caseNo);
  await post(reviewer('TRAFFIC_POLICE'), `/tasks/${tp}/opinion`, { decision: 'approve' });
  return caseNo;
}

/** Edit the record as someone with the database's superuser could: the append-only trigger does not fire. */
async function tamper(run: (tx: postgres.TransactionSql) => Promise<unknown>): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await run(tx);
  });
}

/** Rewrite every hash of the case's chain from its rows, as they now are. */
async function rechain(tx: postgres.TransactionSql, caseNo: string): Promise<void> {
  const rows = await tx`SELECT seq, type, at, actor, data FROM case_events WHERE case_no = ${caseNo} ORDER BY seq`;
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const hash = eventHash(caseNo, { seq: r.seq, type: r.type, at: r.at, actor: r.actor, data: r.data }, prev);
    await tx`UPDATE case_events SET prev_hash = ${prev}, hash = ${hash} WHERE case_no = ${caseNo} AND seq = ${r.seq}`;
    prev = hash;
  }
}

async function audit(caseNo: string) {
  return ok(auditor.get(`/applications/${caseNo}/audit`));
}

const chainKinds = (a: any) => (a.chain.problems as any[]).map((p) => `${p.kind}@${p.seq ?? '-'}`);

async function lastSeq(caseNo: string): Promise<number> {
  const [row] = await sql`SELECT max(seq)::int AS n FROM case_events WHERE case_no = ${caseNo}`;
  return row?.n as number;
}

describe('a case through supplements, a hearing, an extension and delivery', () => {
  let caseNo: string;
  let awaitingSeq: number;
  beforeAll(async () => {
    ({ caseNo, awaitingSeq } = await fullCase());
  });

  it('is intact: the chain matches the engine’s head and every date re-derives', async () => {
    const a = await audit(caseNo);
    expect(a.problems).toEqual([]);
    expect(a).toMatchObject({
      caseNo,
      intact: true,
      chain: { events: await lastSeq(caseNo), problems: [] },
      derivation: { problems: [] },
    });
    expect(a.chain.head).toEqual({ seq: await lastSeq(caseNo), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('replaying every event gives exactly the live workflow’s view', async () => {
    const live = await ok(auditor.get(`/applications/${caseNo}/state`));
    const { replayedUpTo, at, ...replayed } = await ok(auditor.get(`/applications/${caseNo}/replay`));
    expect(replayed).toEqual(live);
    expect(replayedUpTo).toBe(live.lastSeq);
    expect(at).toBe((await ok(auditor.get(`/applications/${caseNo}/history`))).entries.at(-1).at);
    expect(live.specialProcedures).toHaveLength(1);
    expect(live.extensions[0]).toMatchObject({ status: 'approved', days: 10 });
    expect(live.notices.map((n: any) => n.kind)).toEqual([
      'accepted',
      'supplement',
      'special_procedure',
      'extension',
      'approved',
    ]);
  });

  it('replays up to a sequence number or an instant: the earlier state', async () => {
    const earlier = await ok(auditor.get(`/applications/${caseNo}/replay?upTo=${awaitingSeq}`));
    expect(earlier).toMatchObject({ status: 'awaiting_supplement', replayedUpTo: awaitingSeq, lastSeq: awaitingSeq });
    expect(earlier.clock.paused).toBe(true);
    expect(earlier.delivery).toBeNull();

    const history = await ok(auditor.get(`/applications/${caseNo}/history`));
    const received = history.entries[0];
    const first = await ok(auditor.get(`/applications/${caseNo}/replay?at=${encodeURIComponent(received.at)}`));
    const sameInstant = (history.entries as any[]).filter((e) => e.at === received.at).length;
    expect(first).toMatchObject({ status: 'received', replayedUpTo: sameInstant, at: received.at });
    // The same instant written in China time, its `+` unencoded as people type it.
    const china = new Date(Date.parse(received.at) + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    const typed = await ok(auditor.get(`/applications/${caseNo}/replay?at=${china}`));
    expect(typed).toMatchObject({ status: 'received', replayedUpTo: sameInstant });
  });

  it('the timeline: one entry per event, both clocks, actor and role, the article, each notice as sent', async () => {
    const history = await ok(auditor.get(`/applications/${caseNo}/history`));
    const events = (await ok(auditor.get(`/applications/${caseNo}`))).events as any[];
    expect(history.entries.map((e: any) => e.seq)).toEqual(events.map((e) => e.seq));
    for (const entry of history.entries) {
      expect(Date.parse(entry.at)).not.toBeNaN();
      expect(Date.parse(entry.recordedAt)).not.toBeNaN();
      expect(entry.actor.role).toMatch(/窗口工作人员|窗口人员|审查人员|部门负责人|电子监察人员|申请人|系统/);
      expect(entry.what.length).toBeGreaterThan(4);
    }
    const of = (type: string) => (history.entries as any[]).find((e) => e.type === type);
    expect(of('accepted').basis.articles).toEqual(['第32条']);
    expect(of('clock_paused').basis.articles).toEqual(['第45条']);
    expect(of('special_procedure_started').basis.articles).toEqual(['第45条', '第46条', '第47条']);
    expect(of('special_procedure_started').what).toContain('听证');
    expect(of('extension_decided').basis.articles).toEqual(['第42条']);
    expect(of('extension_decided').actor).toEqual({
      kind: 'reviewer',
      id: 'head.TRAFFIC_POLICE',
      role: '部门负责人',
      department: 'TRAFFIC_POLICE',
    });
    // Signed-in staff: the role as the account has it, with the window or department in the record.
    expect(of('received').actor).toMatchObject({ id: 'clerk1', role: '窗口工作人员' });
    expect(of('delivered').basis.articles).toEqual(['第44条']);
    const notices = (history.entries as any[]).filter((e) => e.notice).map((e) => e.notice);
    expect(notices).toEqual(events.filter((e) => e.type === 'notice_sent').map((e) => e.data));
  });

  it('answers bad replay input with 400 naming the field, an unknown case with 404', async () => {
    const last = await lastSeq(caseNo);
    for (const [query, field] of [
      ['upTo=0', 'upTo'],
      ['upTo=abc', 'upTo'],
      ['upTo=1.5', 'upTo'],
      [`upTo=${last + 1}`, 'upTo'],
      ['at=yesterday', 'at'],
      ['at=2026-03-02', 'at'],
      ['at=2026-02-30T10:00:00Z', 'at'],
      ['upTo=1&at=2026-03-02T10:00:00Z', 'at'],
      ['since=1', 'since'],
    ]) {
      const reply = await auditor.get(`/applications/${caseNo}/replay?${query}`);
      expect(reply.status, `${query}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(reply.body, query).toMatchObject({ field, code: expect.any(String), message: expect.any(String) });
    }
    const before = await auditor.get(`/applications/${caseNo}/replay?at=2020-01-01T00:00:00Z`);
    expect(before.status).toBe(422);
    expect(before.body.field).toBe('at');
    for (const path of ['audit', 'history', 'replay']) {
      const unknown = await auditor.get(`/applications/SQ99999999999/${path}`);
      expect(unknown.status, path).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'case_not_found', field: 'caseNo' });
    }
  });
});

describe('other untouched paths are intact', () => {
  async function requiredOf(matter: string): Promise<string[]> {
    const guide = await ok(api.get(`/matters/${matter}`));
    return (guide.materials as any[]).filter((m) => m.required).map((m) => m.code as string);
  }

  async function submitted(matter: string, materials: string[]): Promise<string> {
    const reply = await clerk.post('/applications', applicationBody({ matters: [matter], materials }), {
      'idempotency-key': newKey(),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body.caseNo as string;
  }

  it('a one-time notice at the window, an escalated review, a withdrawal, an immediate matter', async () => {
    const cases: string[] = [];

    const ad = await requiredOf(AD);
    const supplemented = await submitted(AD, ad.slice(0, -1));
    await post(clerk, `/applications/${supplemented}/acceptance`, { decision: 'supplement' });
    await post(clerk, `/applications/${supplemented}/supplements`, { materials: ad.slice(-1) });
    await post(clerk, `/applications/${supplemented}/acceptance`, { decision: 'accept' });
    cases.push(supplemented);

    const escalated = await submitted('LABOUR_DISPATCH_LICENCE', await requiredOf('LABOUR_DISPATCH_LICENCE'));
    await post(clerk, `/applications/${escalated}/acceptance`, { decision: 'accept' });
    const { DISTRICT_HRSS: district, HRSS: city } = await tasks(escalated);
    await post(reviewer('DISTRICT_HRSS'), `/tasks/${district}/opinion`, { decision: 'approve' });
    await post(reviewer('HRSS'), `/tasks/${city}/opinion`, { decision: 'refuse', reason: '注册资本不符合要求' });
    cases.push(escalated);

    const withdrawn = await reviewedCase();
    await post(clerk, `/applications/${withdrawn}/withdrawal`, { reason: '项目计划调整' });
    cases.push(withdrawn);

    const immediate = await submitted('BUSINESS_REGISTRATION', await requiredOf('BUSINESS_REGISTRATION'));
    const decided = await post(clerk, `/applications/${immediate}/acceptance`, { decision: 'accept' });
    expect(decided.status).toBe('approved');
    cases.push(immediate);

    for (const caseNo of cases) {
      const a = await audit(caseNo);
      expect(a.problems, caseNo).toEqual([]);
      expect(a.intact).toBe(true);
      const { replayedUpTo: _u, at: _a, ...replayed } = await ok(auditor.get(`/applications/${caseNo}/replay`));
      expect(replayed).toEqual(await ok(auditor.get(`/applications/${caseNo}/state`)));
    }
  });
});

describe('tampering in PostgreSQL is reported', () => {
  it('a changed payload: hash_mismatch at that event', async () => {
    const caseNo = await reviewedCase();
    await tamper(
      (tx) =>
        tx`UPDATE case_events SET data = jsonb_set(data, '{reviewerId}', '"someone-else"')
           WHERE case_no = ${caseNo} AND type = 'opinion_given'`,
    );
    const [row] = await sql`SELECT seq FROM case_events WHERE case_no = ${caseNo} AND type = 'opinion_given'`;
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual([`hash_mismatch@${row?.seq}`]);
    expect(a.problems[0]).toMatchObject({
      source: 'chain',
      kind: 'hash_mismatch',
      message: expect.stringContaining('改动'),
    });
  });

  it('a deleted middle event: sequence_gap and prev_hash_mismatch after it', async () => {
    const caseNo = await reviewedCase();
    await tamper((tx) => tx`DELETE FROM case_events WHERE case_no = ${caseNo} AND seq = 4`);
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual(['sequence_gap@5', 'prev_hash_mismatch@5']);
  });

  it('a deleted tail: tail_missing against the engine’s head', async () => {
    const caseNo = await reviewedCase();
    const last = await lastSeq(caseNo);
    await tamper((tx) => tx`DELETE FROM case_events WHERE case_no = ${caseNo} AND seq >= ${last - 1}`);
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual([`tail_missing@${last}`]);
    expect(a.chain.head.seq).toBe(last);
    // The read model still shows the last state: the fold of what is left disagrees with it.
    expect(a.derivation.problems.map((p: any) => p.kind)).toContain('snapshot_mismatch');
  });

  it('two swapped events', async () => {
    const caseNo = await reviewedCase();
    await tamper(async (tx) => {
      await tx`UPDATE case_events SET seq = -4 WHERE case_no = ${caseNo} AND seq = 4`;
      await tx`UPDATE case_events SET seq = 4 WHERE case_no = ${caseNo} AND seq = 5`;
      await tx`UPDATE case_events SET seq = 5 WHERE case_no = ${caseNo} AND seq = -4`;
    });
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual([
      'prev_hash_mismatch@4',
      'hash_mismatch@4',
      'prev_hash_mismatch@5',
      'hash_mismatch@5',
      'prev_hash_mismatch@6',
    ]);
  });

  it('a whole chain recomputed after an edit: only the head the engine holds shows it (head_mismatch)', async () => {
    const caseNo = await reviewedCase();
    await tamper(async (tx) => {
      await tx`UPDATE case_events SET data = jsonb_set(data, '{reason}', '"改写的理由"')
               WHERE case_no = ${caseNo} AND type = 'opinion_given'`;
      await rechain(tx, caseNo);
    });
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual([`head_mismatch@${await lastSeq(caseNo)}`]);
  });

  it('a due date edited with its chain recomputed: head_mismatch, and the re-derivation names the date', async () => {
    const caseNo = await reviewedCase();
    const [accepted] = await sql`SELECT seq, data FROM case_events WHERE case_no = ${caseNo} AND type = 'accepted'`;
    const statutoryDue = accepted?.data.statutoryDue as string;
    await tamper(async (tx) => {
      await tx`UPDATE case_events SET data = jsonb_set(data, '{statutoryDue}', '"2027-12-31"')
               WHERE case_no = ${caseNo} AND type = 'accepted'`;
      await rechain(tx, caseNo);
    });
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual([`head_mismatch@${await lastSeq(caseNo)}`]);
    expect(a.derivation.problems).toContainEqual({
      seq: accepted?.seq,
      kind: 'due_date_mismatch',
      field: 'data.statutoryDue',
      recorded: '2027-12-31',
      derived: statutoryDue,
      message: expect.stringContaining('2027-12-31'),
    });
    expect(a.problems).toContainEqual(expect.objectContaining({ source: 'derivation', kind: 'due_date_mismatch' }));
  });

  it('an event appended in the database, chained correctly: unconfirmed_events past the engine’s head', async () => {
    const caseNo = await reviewedCase();
    const [last] = await sql`SELECT seq, type, at, actor, data, hash FROM case_events
                             WHERE case_no = ${caseNo} ORDER BY seq DESC LIMIT 1`;
    const forged = {
      seq: (last?.seq as number) + 1,
      type: 'withdrawn',
      at: new Date(Date.parse(last?.at) + 1000).toISOString(),
      actor: { kind: 'applicant', id: 'someone' },
      data: { reason: '伪造的撤回' },
    };
    const hash = eventHash(caseNo, forged, last?.hash);
    // Appending is what the trigger allows: no bypass needed.
    await sql`INSERT INTO case_events (case_no, seq, type, at, actor, data, prev_hash, hash)
              VALUES (${caseNo}, ${forged.seq}, ${forged.type}, ${forged.at}, ${sql.json(forged.actor)},
                      ${sql.json(forged.data)}, ${last?.hash}, ${hash})`;
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(chainKinds(a)).toEqual([`unconfirmed_events@${forged.seq}`]);
    expect(a.chain.head.seq).toBe(forged.seq - 1);
  });

  it('read models edited (a supervisor’s list, a department’s inbox): the chain is sound, the derivation disagrees', async () => {
    const caseNo = await reviewedCase();
    const cm = (await tasks(caseNo)).CITY_MANAGEMENT ?? '';
    const [before] = await sql`SELECT promised_due::text AS due FROM cases WHERE case_no = ${caseNo}`;
    await sql`UPDATE cases SET promised_due = '2027-12-31' WHERE case_no = ${caseNo}`;
    await sql`UPDATE review_tasks SET due = '2027-12-31' WHERE id = ${cm}`;
    const a = await audit(caseNo);
    expect(a.intact).toBe(false);
    expect(a.chain.problems).toEqual([]);
    expect(a.derivation.problems.map((p: any) => [p.kind, p.field])).toEqual([
      ['read_model_mismatch', 'cases.promised_due'],
      ['read_model_mismatch', `review_tasks.${cm}.due`],
    ]);
    expect(a.derivation.problems[0]).toMatchObject({ recorded: '2027-12-31', derived: before?.due });
  });
});
