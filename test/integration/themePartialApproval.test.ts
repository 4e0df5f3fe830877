/**
 * Theme outcomes over HTTP against the real stack: a theme case (开办餐馆一件事) where one department refuses ends
 * partially approved, with certificates for the approved matters only, and is delivered; a case marked urgent
 * (急办件) by a supervisor has its task listed first in the department's inbox.
 */
import { afterAll, describe, expect, it, inject } from 'vitest';
import postgres from 'postgres';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { applicationBody, client, newKey } from './http.ts';
import { TEST_TODAY } from './clock.ts';

const api = client(inject('apiUrl'));
const clerk = api.as('clerk1');
const supervisor = api.as('supervisor1');
const sql = postgres(inject('databaseUrl'), { max: 1 });
afterAll(() => sql.end());

/** Every required material of OPEN_RESTAURANT except the business licence its first matter issues. */
const RESTAURANT_MATERIALS = [
  'COMPANY_REGISTRATION_APPLICATION',
  'ARTICLES_OF_ASSOCIATION',
  'APPLICANT_ID',
  'PREMISES_PROOF',
  'FOOD_BUSINESS_APPLICATION',
  'FOOD_PREMISES_LAYOUT',
  'FOOD_SAFETY_RULES',
  'OUTDOOR_AD_APPLICATION',
  'AD_DESIGN_DRAWING',
  'OWNER_CONSENT',
  'FIRE_INSPECTION_APPLICATION',
  'FIRE_SAFETY_PLAN',
  'FIRE_LAYOUT_PLAN',
  'FIRE_ACCEPTANCE_PROOF',
  'SEWAGE_PERMIT_APPLICATION',
  'DRAINAGE_NETWORK_DRAWING',
  'PRETREATMENT_FACILITY',
  'WATER_QUALITY_REPORT',
];
const FIRE_MATERIALS = [
  'FIRE_INSPECTION_APPLICATION',
  'BUSINESS_LICENCE',
  'FIRE_SAFETY_PLAN',
  'FIRE_LAYOUT_PLAN',
  'FIRE_ACCEPTANCE_PROOF',
];

interface Task {
  id: string;
  caseNo: string;
  department: string;
  matter: string;
  status: string;
  due: string;
  urgent: boolean;
}

async function submitAndAccept(overrides: Record<string, unknown>): Promise<string> {
  const submitted = await clerk.post('/applications', applicationBody(overrides), { 'idempotency-key': newKey() });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const caseNo: string = submitted.body.caseNo;
  const accepted = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return caseNo;
}

/** An opinion by the reviewer of the task's department. */
const opinion = (task: Task, decision: 'approve' | 'refuse', reason?: string) =>
  api
    .as(`reviewer.${task.department}`)
    .post(`/tasks/${task.id}/opinion`, { decision, ...(reason ? { reason } : {}) }, { 'idempotency-key': newKey() });

describe('theme services: each matter its own outcome (rules 2)', () => {
  it('one refusal: the other matters go on; the case ends partially_approved, certificates only for the approved, delivered', async () => {
    const caseNo = await submitAndAccept({
      matters: undefined,
      theme: 'OPEN_RESTAURANT',
      materials: RESTAURANT_MATERIALS,
    });
    const view = (await clerk.get(`/applications/${caseNo}`)).body;
    expect(view.rules).toBe(2);
    expect(view.events[0].data.rules).toBe(2);
    const tasks = (await supervisor.get(`/tasks?caseNo=${caseNo}&status=open`)).body as Task[];
    const byDepartment = (code: string) => tasks.find((t) => t.department === code)!;
    expect(tasks.map((t) => t.department).sort()).toEqual(
      ['CITY_MANAGEMENT', 'FIRE_RESCUE', 'SAMR', 'TRAFFIC_POLICE', 'WATER'].sort(),
    );

    const reason = '设置位置遮挡交通信号灯';
    const refused = await opinion(byDepartment('TRAFFIC_POLICE'), 'refuse', reason);
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('in_review');
    const outcome = (body: any, matter: string) => body.matters.find((m: any) => m.code === matter).outcome;
    expect(outcome(refused.body, 'OUTDOOR_AD_PERMIT')).toBe('refused');
    expect(outcome(refused.body, 'FOOD_BUSINESS_LICENCE')).toBe('pending');
    // the refused matter's other task is cancelled, in the inbox too
    const lead = (await api.as('reviewer.CITY_MANAGEMENT').get(`/tasks?caseNo=${caseNo}&department=CITY_MANAGEMENT`))
      .body as Task[];
    expect(lead.map((t) => t.status)).toEqual(['cancelled']);
    expect((await opinion(byDepartment('CITY_MANAGEMENT'), 'approve')).body.code).toBe('task_cancelled');

    expect((await opinion(byDepartment('SAMR'), 'approve')).status).toBe(200);
    expect((await opinion(byDepartment('FIRE_RESCUE'), 'approve')).status).toBe(200);
    const last = await opinion(byDepartment('WATER'), 'approve');
    expect(last.status).toBe(200);
    const decided = last.body;
    expect(decided.status).toBe('partially_approved');
    expect(decided.reasons).toEqual([`市公安局交通警察支队：${reason}`]);
    expect(decided.deadlines.deliveryDue).toBe(addWorkingDays(TEST_TODAY, 10));
    const approvedMatters = [
      'BUSINESS_REGISTRATION',
      'FOOD_BUSINESS_LICENCE',
      'FIRE_SAFETY_INSPECTION',
      'SEWAGE_DISCHARGE_PERMIT',
    ];
    expect(decided.certificates.map((c: any) => c.matter)).toEqual(approvedMatters);
    const notice = decided.notices.at(-1);
    expect(notice.kind).toBe('partially_approved');
    expect(notice.results.map((r: any) => [r.matter, r.outcome])).toEqual([
      ['BUSINESS_REGISTRATION', 'approved'],
      ['FOOD_BUSINESS_LICENCE', 'approved'],
      ['OUTDOOR_AD_PERMIT', 'refused'],
      ['FIRE_SAFETY_INSPECTION', 'approved'],
      ['SEWAGE_DISCHARGE_PERMIT', 'approved'],
    ]);
    expect(notice.body).toContain(reason);
    expect(notice.body).toContain('行政复议');

    // the record and the certificate library agree: nothing for the refused matter
    const record = (await clerk.get(`/applications/${caseNo}`)).body;
    expect(record.status).toBe('partially_approved');
    expect(record.events.map((e: any) => e.type)).toContain('case_partially_approved');
    const library = await sql`SELECT matter FROM certificates WHERE case_no = ${caseNo} ORDER BY matter`;
    expect(library.map((r) => r.matter)).toEqual([...approvedMatters].sort());
    const listed = (await clerk.get(`/applications?status=partially_approved`)).body as any[];
    expect(listed.map((c) => c.caseNo)).toContain(caseNo);

    // deliverable, like an approval
    const delivered = await clerk.post(
      `/applications/${caseNo}/delivery`,
      { method: 'pickup' },
      { 'idempotency-key': newKey() },
    );
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body.delivery).toMatchObject({ method: 'pickup', on: TEST_TODAY });

    // a finished case cannot be marked urgent
    const late = await supervisor.post(
      `/applications/${caseNo}/urgent`,
      { reason: '领导批示' },
      { 'idempotency-key': newKey() },
    );
    expect(late.status).toBe(409);
  });
});

describe('急办件: a supervisor marks a case urgent', () => {
  it("the urgent case's task comes first in the department's inbox and carries the mark", async () => {
    const first = await submitAndAccept({ matters: ['FIRE_SAFETY_INSPECTION'], materials: FIRE_MATERIALS });
    const second = await submitAndAccept({ matters: ['FIRE_SAFETY_INSPECTION'], materials: FIRE_MATERIALS });
    const inbox = async () =>
      (await api.as('reviewer.FIRE_RESCUE').get('/tasks?department=FIRE_RESCUE&status=open&limit=500')).body as Task[];
    const position = (tasks: Task[], caseNo: string) => tasks.findIndex((t) => t.caseNo === caseNo);
    const before = await inbox();
    // same due date: the earlier case first
    expect(position(before, first)).toBeLessThan(position(before, second));
    expect(before.find((t) => t.caseNo === second)?.urgent).toBe(false);

    const key = newKey();
    const mark = { reason: '省重点项目，要求限期开业' };
    const marked = await supervisor.post(`/applications/${second}/urgent`, mark, { 'idempotency-key': key });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.urgent).toMatchObject({ reason: mark.reason, by: 'supervisor1' });
    // a retry with the same key gets the first answer; a second mark is refused
    const retried = await supervisor.post(`/applications/${second}/urgent`, mark, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.body.urgent).toEqual(marked.body.urgent);
    const again = await supervisor.post(`/applications/${second}/urgent`, mark, { 'idempotency-key': newKey() });
    expect([again.status, again.body.code]).toEqual([409, 'already_urgent']);

    const after = await inbox();
    expect(after[0]?.urgent).toBe(true);
    expect(position(after, second)).toBeLessThan(position(after, first));
    const firstNotUrgent = after.findIndex((t) => !t.urgent);
    expect(position(after, second)).toBeLessThan(firstNotUrgent === -1 ? Infinity : firstNotUrgent);
    expect(after.find((t) => t.caseNo === second)?.urgent).toBe(true);
    expect(after.find((t) => t.caseNo === first)?.urgent).toBe(false);

    // the case view shows the mark; the record has the event by the supervisor
    const record = (await clerk.get(`/applications/${second}`)).body;
    expect(record.urgent).toMatchObject({ reason: mark.reason, by: 'supervisor1' });
    const event = record.events.find((e: any) => e.type === 'marked_urgent');
    expect(event.actor).toEqual({ kind: 'supervisor', id: 'supervisor1', role: 'supervisor' });
    const listed = (await clerk.get('/applications?limit=500')).body as any[];
    expect(listed.find((c) => c.caseNo === second)?.urgent).toBe(true);
    expect(listed.find((c) => c.caseNo === first)?.urgent).toBe(false);
  });

  it('answers 400 for a body without a reason, 404 for an unknown case', async () => {
    const caseNo = await submitAndAccept({ matters: ['FIRE_SAFETY_INSPECTION'], materials: FIRE_MATERIALS });
    const missing = await supervisor.post(`/applications/${caseNo}/urgent`, {});
    expect([missing.status, missing.body.code, missing.body.field]).toEqual([400, 'missing_field', 'reason']);
    const unknown = await supervisor.post(
      '/applications/SQ20990101000001/urgent',
      { reason: '测试' },
      { 'idempotency-key': newKey() },
    );
    expect(unknown.status).toBe(404);
  });
});
