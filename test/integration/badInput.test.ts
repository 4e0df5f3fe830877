/** Bad input gets a 4xx with a machine-readable code naming the field, never a 500, never a half-written case. */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import postgres from 'postgres';
import { applicationBody, caseInReview, client, newKey } from './http.ts';

const api = client(inject('apiUrl'));
const clerk = api.as('clerk1');
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

async function counts() {
  const [row] = await sql`SELECT (SELECT count(*) FROM cases)::int AS cases,
                                 (SELECT count(*) FROM case_events)::int AS events,
                                 (SELECT count(*) FROM application_requests)::int AS requests`;
  return row;
}

describe('identity documents that pass', () => {
  it('a person with a 居民身份证 (lower-case x) and a mobile is received, the number kept upper-case', async () => {
    const reply = await clerk.post(
      '/applications',
      applicationBody({
        applicant: { type: 'person', name: '王五', idNumber: '11010519491231002x', phone: '138 1234 5678' },
      }),
      { 'idempotency-key': newKey() },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.case.applicant).toMatchObject({ idType: 'resident_id', idNumber: '11010519491231002X' });
  });

  it('a person with a 港澳居民来往内地通行证', async () => {
    const reply = await clerk.post(
      '/applications',
      applicationBody({
        applicant: { type: 'person', name: '陈大文', idType: 'hk_macao_permit', idNumber: 'H12345678' },
      }),
      { 'idempotency-key': newKey() },
    );
    expect(reply.status).toBe(201);
  });
});

describe('submitting an application with bad input', () => {
  let before: Awaited<ReturnType<typeof counts>>;
  beforeAll(async () => {
    before = await counts();
  });
  afterAll(async () => {
    // None of the rejected submissions below left anything behind.
    expect(await counts()).toEqual(before);
  });

  const submit = (body: unknown, key = newKey()) => clerk.post('/applications', body, { 'idempotency-key': key });

  it('malformed JSON', async () => {
    const reply = await submit('{"matters": [');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'malformed_json', field: 'body' });
  });

  it('a missing field is named', async () => {
    const { applicant: _applicant, ...body } = applicationBody();
    const reply = await submit(body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'missing_field', field: 'applicant' });
    expect(reply.body.message).toContain('applicant');
  });

  it('a missing nested field is named with its path', async () => {
    const body = applicationBody();
    delete (body.applicant as any).idNumber;
    const reply = await submit(body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'missing_field', field: 'applicant.idNumber' });
  });

  it('an unknown field is refused, not silently dropped', async () => {
    const reply = await submit({ ...applicationBody(), priority: 'urgent' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'unknown_field', field: 'priority' });
  });

  it('the receiving clerk is not named in the body any more: receivedBy is an unknown field', async () => {
    const reply = await submit({ ...applicationBody(), receivedBy: { clerkId: 'clerk-01', window: 'W01' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'unknown_field', field: 'receivedBy' });
  });

  it('a value of the wrong kind is named', async () => {
    const reply = await submit(applicationBody({ applicant: { type: 'robot', name: 'x', idNumber: '1234' } }));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'invalid_field', field: 'applicant.type' });
  });

  it('an identity number with a wrong check character is refused in Chinese, naming the field', async () => {
    const reply = await submit(
      applicationBody({
        applicant: { type: 'organisation', name: '张记餐饮有限公司', idNumber: '91350100M000100Y44' },
      }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'invalid_id_number', field: 'applicant.idNumber' });
    expect(reply.body.message).toMatch(/统一社会信用代码校验码不正确/);
  });

  it('a 居民身份证 with an impossible birth date, a credit code for a person, a bad phone', async () => {
    const person = { type: 'person', name: '李四' };
    const feb30 = await submit(applicationBody({ applicant: { ...person, idNumber: '110105198502300011' } }));
    expect(feb30.status).toBe(400);
    expect(feb30.body).toMatchObject({ code: 'invalid_id_number', field: 'applicant.idNumber' });
    expect(feb30.body.message).toMatch(/出生日期/);
    const wrongType = await submit(
      applicationBody({ applicant: { ...person, idType: 'uscc', idNumber: '91350100M000100Y43' } }),
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ code: 'invalid_id_type', field: 'applicant.idType' });
    const phone = await submit(
      applicationBody({ applicant: { ...person, idNumber: '11010519491231002X', phone: '12345' } }),
    );
    expect(phone.status).toBe(400);
    expect(phone.body).toMatchObject({ code: 'invalid_phone', field: 'applicant.phone' });
    const unknownType = await submit(
      applicationBody({ applicant: { ...person, idType: 'library_card', idNumber: '1' } }),
    );
    expect(unknownType.status).toBe(400);
    expect(unknownType.body).toMatchObject({ code: 'invalid_field', field: 'applicant.idType' });
  });

  it('an unknown matter is named by its position', async () => {
    const reply = await submit(applicationBody({ matters: ['OUTDOOR_AD_PERMIT', 'TIME_MACHINE_LICENCE'] }));
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ code: 'unknown_matter', field: 'matters[1]' });
  });

  it('an unknown theme', async () => {
    const reply = await submit(applicationBody({ matters: undefined, theme: 'NO_SUCH_THEME' }));
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ code: 'unknown_theme', field: 'theme' });
  });

  it('a material that belongs to none of the matters', async () => {
    const reply = await submit(applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'NOT_A_MATERIAL'] }));
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ code: 'unknown_material', field: 'materials[1]' });
  });

  it('both matters and theme, or neither', async () => {
    expect((await submit(applicationBody({ theme: 'OPEN_RESTAURANT' }))).body).toMatchObject({
      code: 'matters_and_theme',
    });
    expect((await submit(applicationBody({ matters: undefined }))).body).toMatchObject({
      code: 'missing_field',
      field: 'matters',
    });
  });

  it('no Idempotency-Key header', async () => {
    const reply = await clerk.post('/applications', applicationBody());
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'idempotency_key_required', field: 'Idempotency-Key' });
  });
});

describe('retries never duplicate', () => {
  it('the same Idempotency-Key returns the same case, even when sent concurrently', async () => {
    const key = newKey();
    const body = applicationBody();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => clerk.post('/applications', body, { 'idempotency-key': key })),
    );
    const caseNos = new Set(replies.map((r) => r.body.caseNo));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(caseNos.size).toBe(1);
    const again = await clerk.post('/applications', body, { 'idempotency-key': key });
    expect(again.body.caseNo).toBe([...caseNos][0]);
    expect(again.body.queryCode).toBe(replies[0]?.body.queryCode);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [row] = await sql`SELECT count(*)::int AS n FROM case_events WHERE case_no = ${again.body.caseNo}`;
    expect(row?.n).toBe(1); // one `received` event, not five
  });

  it('the same key with a different application is refused', async () => {
    const key = newKey();
    await clerk.post('/applications', applicationBody(), { 'idempotency-key': key });
    const reply = await clerk.post('/applications', applicationBody(), { 'idempotency-key': key });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
  });

  it('a retried opinion with its Idempotency-Key answers the same and records one opinion', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    const key = newKey();
    const opinion = { decision: 'approve' };
    const reviewer = api.as(`reviewer.${tasks[0]!.department}`);
    const first = await reviewer.post(`/tasks/${tasks[0]!.id}/opinion`, opinion, { 'idempotency-key': key });
    const retry = await reviewer.post(`/tasks/${tasks[0]!.id}/opinion`, opinion, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.lastSeq).toBe(first.body.lastSeq);
    const [row] =
      await sql`SELECT count(*)::int AS n FROM case_events WHERE case_no = ${caseNo} AND type = 'opinion_given'`;
    expect(row?.n).toBe(1);
  });
});

describe('illegal moves on a case', () => {
  it('an opinion from a department not on the task', async () => {
    const { tasks } = await caseInReview(api);
    // the department comes from the reviewer's account: a reviewer of another department is refused
    const reply = await api.as('reviewer.HEALTH').post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve' });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ code: 'not_your_department', field: 'id' });
    // and naming a department in the body is not a way round it: the field is gone
    const named = await api
      .as(`reviewer.${tasks[0]!.department}`)
      .post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'approve', department: 'HEALTH' });
    expect(named.status).toBe(400);
    expect(named.body).toMatchObject({ code: 'unknown_field', field: 'department' });
  });

  it('actor ids in a body are unknown fields: the actor comes from the session', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    const task = tasks[0]!;
    const opinion = await api
      .as(`reviewer.${task.department}`)
      .post(`/tasks/${task.id}/opinion`, { decision: 'approve', reviewerId: 'r1' });
    expect(opinion.status).toBe(400);
    expect(opinion.body).toMatchObject({ code: 'unknown_field', field: 'reviewerId' });
    const delivery = await clerk.post(`/applications/${caseNo}/delivery`, { method: 'pickup', clerkId: 'clerk-01' });
    expect(delivery.status).toBe(400);
    expect(delivery.body).toMatchObject({ code: 'unknown_field', field: 'clerkId' });
    // nothing was recorded for either
    const view = await clerk.get(`/applications/${caseNo}`);
    expect(view.body.events.filter((e: any) => e.type === 'opinion_given')).toHaveLength(0);
  });

  it('a second opinion on the same task, and an opinion on a finished case', async () => {
    const { caseNo, tasks } = await caseInReview(api);
    const [a, b] = tasks as [any, any];
    const reviewerA = api.as(`reviewer.${a.department}`);
    const reviewerB = api.as(`reviewer.${b.department}`);
    expect((await reviewerA.post(`/tasks/${a.id}/opinion`, { decision: 'approve' })).status).toBe(200);
    const second = await reviewerA.post(`/tasks/${a.id}/opinion`, { decision: 'refuse', reason: '改主意' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'task_already_decided', field: 'taskId' });
    expect((await reviewerB.post(`/tasks/${b.id}/opinion`, { decision: 'approve' })).body.status).toBe('approved');
    const late = await reviewerB.post(`/tasks/${b.id}/opinion`, { decision: 'approve' });
    expect(late.status).toBe(409);
    const view = await clerk.get(`/applications/${caseNo}`);
    expect(view.body.events.filter((e: any) => e.type === 'opinion_given')).toHaveLength(2);
    expect(view.body.certificates).toHaveLength(1);
  });

  it('an opinion on a cancelled task', async () => {
    const { tasks } = await caseInReview(api);
    const [a, b] = tasks as [any, any];
    await api
      .as(`reviewer.${a.department}`)
      .post(`/tasks/${a.id}/opinion`, { decision: 'refuse', reason: '不符合规划' });
    const reply = await api.as(`reviewer.${b.department}`).post(`/tasks/${b.id}/opinion`, { decision: 'approve' });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('task_cancelled');
  });

  it('refusing without a reason, an unknown task, an unknown case', async () => {
    const { tasks } = await caseInReview(api);
    const reviewer = api.as(`reviewer.${tasks[0]!.department}`);
    const noReason = await reviewer.post(`/tasks/${tasks[0]!.id}/opinion`, { decision: 'refuse' });
    expect(noReason.status).toBe(422);
    expect(noReason.body).toMatchObject({ code: 'reason_required', field: 'reason' });
    const unknownTask = await reviewer.post('/tasks/NOPE/opinion', { decision: 'approve' });
    expect(unknownTask.status).toBe(404);
    expect(unknownTask.body.code).toBe('task_not_found');
    const unknownCase = await clerk.post('/applications/SQ00000000000000/acceptance', { decision: 'accept' });
    expect(unknownCase.status).toBe(404);
    expect(unknownCase.body).toMatchObject({ code: 'case_not_found', field: 'caseNo' });
    expect((await clerk.get('/applications/SQ00000000000000')).status).toBe(404);
  });

  it('accepting while materials are missing, and deciding acceptance twice', async () => {
    const submitted = await clerk.post('/applications', applicationBody({ materials: ['OUTDOOR_AD_APPLICATION'] }), {
      'idempotency-key': newKey(),
    });
    const caseNo = submitted.body.caseNo;
    const early = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('materials_missing');
    await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'reject', reason: '不属于受理范围' });
    const twice = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('acceptance_already_decided');
  });

  it('unknown routes and query parameters are 4xx with a code', async () => {
    const route = await api.get('/nowhere');
    expect(route.status).toBe(404);
    expect(route.body.code).toBe('route_not_found');
    const query = await api.as('supervisor1').get('/tasks?status=sleeping');
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ code: 'invalid_field', field: 'status' });
  });
});
