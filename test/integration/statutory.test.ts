/**
 * The statutory rules of review over HTTP, against the real stack: joint and escalated matters, department
 * supplement requests (one consolidated one-time notice), special procedures, extensions, withdrawal, delivery,
 * 容缺受理, 告知承诺 and the certificate library.
 */
import { describe, expect, it, inject } from 'vitest';
import { addWorkingDays } from '../../rules/workingDays.ts';
import { applicationBody, client, newKey, type Reply } from './http.ts';
import { TEST_TODAY } from './clock.ts';
import { randomUscc } from '../support/identity.ts';
import { scansFor } from './materialUploads.ts';

const apiUrl = inject('apiUrl');
const api = client(apiUrl);
/** The window clerk who receives, accepts and delivers; supplements and withdrawals here are made at the window. */
const clerk = api.as('clerk1');

interface Task {
  id: string;
  caseNo: string;
  matter: string;
  department: string;
  status: string;
  openedOn: string;
  due: string;
}

const required = new Map<string, string[]>();
/** The required materials of a matter, from its published service guide. */
async function requiredMaterials(matter: string): Promise<string[]> {
  const known = required.get(matter);
  if (known) return known;
  const guide = await api.get(`/matters/${matter}`);
  expect(guide.status).toBe(200);
  const codes = (guide.body.materials as any[]).filter((m) => m.required).map((m) => m.code as string);
  required.set(matter, codes);
  return codes;
}

async function submit(overrides: Record<string, unknown> = {}): Promise<Reply> {
  return clerk.post('/applications', applicationBody(overrides), { 'idempotency-key': newKey() });
}

/** Submit and return the case number, failing loudly on anything but 201. */
async function submitted(overrides: Record<string, unknown> = {}): Promise<string> {
  const reply = await submit(overrides);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.caseNo as string;
}

async function accept(caseNo: string, body: Record<string, unknown> = { decision: 'accept' }) {
  return clerk.post(`/applications/${caseNo}/acceptance`, body, { 'idempotency-key': newKey() });
}

/** Submit with every required material of the given matters and accept; returns the case number. */
async function inReview(matters: string[], overrides: Record<string, unknown> = {}): Promise<string> {
  const materials = [...new Set((await Promise.all(matters.map(requiredMaterials))).flat())];
  const caseNo = await submitted({ matters, materials, ...overrides });
  const accepted = await accept(caseNo);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  expect(accepted.body.status).toBe('in_review');
  return caseNo;
}

async function tasksOf(caseNo: string): Promise<Task[]> {
  const reply = await api.as('supervisor1').get(`/tasks?caseNo=${caseNo}`);
  expect(reply.status).toBe(200);
  return reply.body as Task[];
}

async function taskOf(caseNo: string, department: string): Promise<Task> {
  const task = (await tasksOf(caseNo)).find((t) => t.department === department);
  if (!task) throw new Error(`no task for ${department} on ${caseNo}`);
  return task;
}

/** The reviewer of a task's department: a task id ends with its department's code (`SQ…-MATTER-DEPT`). */
const reviewerOf = (taskId: string) => api.as(`reviewer.${taskId.split('-').at(-1)}`);

function opinion(taskId: string, body: Record<string, unknown>) {
  return reviewerOf(taskId).post(`/tasks/${taskId}/opinion`, body, { 'idempotency-key': newKey() });
}

const approve = (taskId: string) => opinion(taskId, { decision: 'approve' });

async function view(caseNo: string) {
  const reply = await api.as('auditor1').get(`/applications/${caseNo}`);
  expect(reply.status).toBe(200);
  return reply.body;
}

const eventTypes = (v: any): string[] => (v.events as any[]).map((e) => e.type);

/** The notices in the case view are exactly the ones recorded as sent, in order. */
function expectNoticesAsRecorded(v: any) {
  const sent = (v.events as any[]).filter((e) => e.type === 'notice_sent').map((e) => e.data);
  expect(v.notices).toEqual(sent);
}

const byDepartment = (tasks: Task[]) => Object.fromEntries(tasks.map((t) => [t.department, t.status]));

const JOINT = 'CONSTRUCTION_COMPLETION_ACCEPTANCE';
const ESCALATED = 'LABOUR_DISPATCH_LICENCE';
const AD = 'OUTDOOR_AD_PERMIT';

describe('joint matter (联办件): the lead department decides after the co-departments', () => {
  it('co-departments review first, the lead waits, then decides with one certificate', async () => {
    const caseNo = await inReview([JOINT]);
    expect(byDepartment(await tasksOf(caseNo))).toEqual({
      HOUSING: 'waiting',
      NATURAL_RESOURCES: 'open',
      CIVIL_AIR_DEFENCE: 'open',
    });
    const lead = await taskOf(caseNo, 'HOUSING');
    const early = await approve(lead.id);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'task_not_open', field: 'taskId' });

    const first = await approve((await taskOf(caseNo, 'NATURAL_RESOURCES')).id);
    expect(first.status).toBe(200);
    expect(byDepartment(await tasksOf(caseNo)).HOUSING).toBe('waiting');
    const second = await approve((await taskOf(caseNo, 'CIVIL_AIR_DEFENCE')).id);
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('in_review');
    expect(byDepartment(await tasksOf(caseNo))).toEqual({
      HOUSING: 'open',
      NATURAL_RESOURCES: 'approved',
      CIVIL_AIR_DEFENCE: 'approved',
    });

    const decided = await approve(lead.id);
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('approved');
    expect(decided.body.certificates).toHaveLength(1);
    expect(decided.body.certificates[0]).toMatchObject({ matter: JOINT, certificateNo: `ZZ${caseNo.slice(2)}-01` });

    const v = await view(caseNo);
    expect(eventTypes(v)).toEqual([
      'received',
      'accepted',
      'notice_sent',
      'task_opened',
      'task_opened',
      'task_opened',
      'opinion_given',
      'opinion_given',
      'task_opened',
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      'certificate_issued',
    ]);
    // The rejected early opinion left nothing behind.
    expect((v.events as any[]).filter((e) => e.type === 'opinion_given').map((e) => e.data.taskId)).toEqual([
      expect.stringMatching(/NATURAL_RESOURCES$/),
      expect.stringMatching(/CIVIL_AIR_DEFENCE$/),
      lead.id,
    ]);
    expectNoticesAsRecorded(v);
  });

  it("a co-department's refusal does not decide: the lead's approval approves the case", async () => {
    const caseNo = await inReview([JOINT]);
    const refused = await opinion((await taskOf(caseNo, 'NATURAL_RESOURCES')).id, {
      decision: 'refuse',
      reason: '竣工规划核实测量成果与规划许可不符',
    });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('in_review');
    expect(byDepartment(await tasksOf(caseNo))).toEqual({
      HOUSING: 'waiting',
      NATURAL_RESOURCES: 'refused',
      CIVIL_AIR_DEFENCE: 'open',
    });
    expect((await approve((await taskOf(caseNo, 'CIVIL_AIR_DEFENCE')).id)).status).toBe(200);
    const lead = await taskOf(caseNo, 'HOUSING');
    expect(lead.status).toBe('open');

    const decided = await approve(lead.id);
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('approved');
    expect(decided.body.matters[0].outcome).toBe('approved');
    expect(decided.body.certificates.map((c: any) => c.matter)).toEqual([JOINT]);
    const v = await view(caseNo);
    expect(eventTypes(v)).not.toContain('case_refused');
    expect(v.notices.map((n: any) => n.kind)).toEqual(['accepted', 'approved']);
    expectNoticesAsRecorded(v);
  });
});

describe('escalated matter (上报件): the lower level reviews first', () => {
  it('the district task is due 20 working days after acceptance and the city level opens only after it', async () => {
    const caseNo = await inReview([ESCALATED]);
    const tasks = await tasksOf(caseNo);
    expect(byDepartment(tasks)).toEqual({ DISTRICT_HRSS: 'open', HRSS: 'waiting' });
    const district = tasks.find((t) => t.department === 'DISTRICT_HRSS')!;
    expect(district.openedOn).toBe(TEST_TODAY);
    expect(district.due).toBe(addWorkingDays(TEST_TODAY, 20));

    const higher = tasks.find((t) => t.department === 'HRSS')!;
    const early = await approve(higher.id);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('task_not_open');

    expect((await approve(district.id)).status).toBe(200);
    const after = await taskOf(caseNo, 'HRSS');
    expect(after.status).toBe('open');
    expect(after.openedOn).toBe(TEST_TODAY);

    const decided = await approve(higher.id);
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('approved');
    expect(decided.body.certificates.map((c: any) => c.matter)).toEqual([ESCALATED]);
  });
});

describe('department supplement requests: one consolidated one-time notice (一次性告知)', () => {
  const askStructure = {
    decision: 'supplement',
    materials: ['AD_STRUCTURE_SAFETY'],
    reason: '招牌面积较大，需补充结构安全说明',
  };

  it('waits for the other department, then sends one notice with every department’s materials; supplying resumes review', async () => {
    const caseNo = await inReview([AD]);
    const cm = await taskOf(caseNo, 'CITY_MANAGEMENT');
    const tp = await taskOf(caseNo, 'TRAFFIC_POLICE');

    const asked = await opinion(cm.id, askStructure);
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    // The traffic police are still reviewing: no notice yet, the clocks run on.
    expect(asked.body.status).toBe('in_review');
    expect(asked.body.notices.map((n: any) => n.kind)).toEqual(['accepted']);
    expect(asked.body.clock.paused).toBe(false);
    expect(byDepartment(await tasksOf(caseNo))).toEqual({
      CITY_MANAGEMENT: 'supplement_requested',
      TRAFFIC_POLICE: 'open',
    });

    const second = await opinion(tp.id, {
      decision: 'supplement',
      materials: ['AD_DESIGN_DRAWING'],
      reason: '设置位置示意图未标明与交通信号灯的距离',
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.status).toBe('awaiting_supplement');
    expect(second.body.clock.paused).toBe(true);
    expect(second.body.notices).toHaveLength(2);
    const notice = second.body.notices[1];
    expect(notice.kind).toBe('supplement');
    expect(notice.items.map((i: any) => i.code).sort()).toEqual(['AD_DESIGN_DRAWING', 'AD_STRUCTURE_SAFETY']);
    for (const item of notice.items) expect(item.matters).toEqual(['户外广告及招牌设施设置审批']);
    expect(notice.body).toContain('一次性告知');
    expect(notice.due).toBe(addWorkingDays(TEST_TODAY, 10));

    const v = await view(caseNo);
    expect(v.status).toBe('awaiting_supplement');
    expect(v.clock.paused).toBe(true);
    expect(eventTypes(v).slice(-5)).toEqual([
      'department_supplement_requested',
      'department_supplement_requested',
      'clock_paused',
      'notice_sent',
      'supplement_requested',
    ]);
    expect(eventTypes(v).filter((t) => t === 'supplement_requested')).toHaveLength(1);
    expectNoticesAsRecorded(v);

    const supplied = await clerk.post(
      `/applications/${caseNo}/supplements`,
      { materials: ['AD_STRUCTURE_SAFETY', 'AD_DESIGN_DRAWING'] },
      { 'idempotency-key': newKey() },
    );
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
    expect(supplied.body.status).toBe('in_review');
    expect(supplied.body.clock.paused).toBe(false);
    expect(byDepartment(await tasksOf(caseNo))).toEqual({ CITY_MANAGEMENT: 'open', TRAFFIC_POLICE: 'open' });

    expect((await approve(tp.id)).status).toBe(200);
    const decided = await approve(cm.id);
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('approved');
    expect(decided.body.certificates).toHaveLength(1);
    expect(decided.body.notices.map((n: any) => n.kind)).toEqual(['accepted', 'supplement', 'approved']);
  });

  it('an approval by the other department also releases the notice; a later request for something new is refused', async () => {
    const caseNo = await inReview([AD]);
    const cm = await taskOf(caseNo, 'CITY_MANAGEMENT');
    const tp = await taskOf(caseNo, 'TRAFFIC_POLICE');
    expect((await opinion(cm.id, askStructure)).body.notices).toHaveLength(1);

    const approved = await approve(tp.id);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('awaiting_supplement');
    expect(approved.body.clock.paused).toBe(true);
    const notices = approved.body.notices.filter((n: any) => n.kind === 'supplement');
    expect(notices).toHaveLength(1);
    expect(notices[0].items.map((i: any) => i.code)).toEqual(['AD_STRUCTURE_SAFETY']);
    expect(byDepartment(await tasksOf(caseNo))).toEqual({
      CITY_MANAGEMENT: 'supplement_requested',
      TRAFFIC_POLICE: 'approved',
    });

    const supplied = await clerk.post(
      `/applications/${caseNo}/supplements`,
      { materials: ['AD_STRUCTURE_SAFETY'] },
      { 'idempotency-key': newKey() },
    );
    expect(supplied.status).toBe(200);
    expect(supplied.body.status).toBe('in_review');
    expect(supplied.body.clock.paused).toBe(false);
    expect(byDepartment(await tasksOf(caseNo))).toEqual({ CITY_MANAGEMENT: 'open', TRAFFIC_POLICE: 'approved' });

    // 一次性告知: the owner's consent could have been asked for the first time; it cannot be asked for now.
    const again = await opinion(cm.id, {
      decision: 'supplement',
      materials: ['OWNER_CONSENT'],
      reason: '产权人同意书需补充',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'one_time_notice_violated', field: 'materials' });
    const v = await view(caseNo);
    expect(v.notices.filter((n: any) => n.kind === 'supplement')).toHaveLength(1);
    expect(eventTypes(v).filter((t) => t === 'department_supplement_requested')).toHaveLength(1);

    const decided = await approve(cm.id);
    expect(decided.body.status).toBe('approved');
    expect(decided.body.certificates).toHaveLength(1);
  });
});

describe('special procedures (特别程序): time not counted', () => {
  it('stops the clock with a notice, blocks the opinion until it ends', async () => {
    const caseNo = await inReview([AD]);
    const cm = await taskOf(caseNo, 'CITY_MANAGEMENT');
    const reviewer = api.as('reviewer.CITY_MANAGEMENT');

    const badType = await reviewer.post(`/tasks/${cm.id}/special-procedures`, {
      type: 'séance',
      expectedWorkingDays: 5,
      reason: '需要',
    });
    expect(badType.status).toBe(400);
    expect(badType.body).toMatchObject({ field: 'type' });

    const started = await reviewer.post(
      `/tasks/${cm.id}/special-procedures`,
      { type: 'expert_review', expectedWorkingDays: 5, reason: '大型招牌结构安全需组织专家评审' },
      { 'idempotency-key': newKey() },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const procedure = started.body.procedure;
    expect(procedure).toMatchObject({ taskId: cm.id, type: 'expert_review', expectedWorkingDays: 5 });
    expect(procedure.id).toBeTruthy();
    expect(started.body.case.clock.paused).toBe(true);
    const notice = started.body.case.notices.at(-1);
    expect(notice.kind).toBe('special_procedure');
    expect(notice.body).toContain('5 个工作日');
    expect(notice.body).toContain('专家评审');

    const blocked = await approve(cm.id);
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('special_procedure_running');

    const ended = await reviewer.post(
      `/tasks/${cm.id}/special-procedures/${procedure.id}/end`,
      {},
      { 'idempotency-key': newKey() },
    );
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.clock.paused).toBe(false);
    expect(ended.body.specialProcedures[0].endedOn).toBe(TEST_TODAY);
    // Paused on the same working day: no working day was lost, the deadlines stay.
    expect(ended.body.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, 20));

    expect((await approve(cm.id)).status).toBe(200);
    const v = await view(caseNo);
    expect(eventTypes(v)).toEqual(
      expect.arrayContaining(['clock_paused', 'special_procedure_started', 'special_procedure_ended', 'clock_resumed']),
    );
    expectNoticesAsRecorded(v);
  });
});

describe('extensions (延期, 第42条)', () => {
  it('a 20-day matter is extended once by 10 working days with a notice', async () => {
    const caseNo = await inReview([AD]);
    const notOnCase = await api.as('reviewer.HEALTH').post(`/applications/${caseNo}/extensions`, {
      department: 'HEALTH',
      reason: '情况复杂',
    });
    expect(notOnCase.status).toBe(403);
    expect(notOnCase.body).toMatchObject({ code: 'department_not_on_case', field: 'department' });
    // a reviewer asks only for their own department
    const notTheirs = await api.as('reviewer.HEALTH').post(`/applications/${caseNo}/extensions`, {
      department: 'CITY_MANAGEMENT',
      reason: '情况复杂',
    });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.code).toBe('not_your_department');

    const reason = '设置位置涉及主干道，需会同交通部门现场踏勘';
    const requested = await api
      .as('reviewer.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions`,
        { department: 'CITY_MANAGEMENT', reason },
        { 'idempotency-key': newKey() },
      );
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const extension = requested.body.extension;
    expect(extension).toMatchObject({ department: 'CITY_MANAGEMENT', status: 'requested', days: 10, reason });
    expect(extension.id).toBeTruthy();
    expect(requested.body.case.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, 20));

    // only the head of the extension's department decides it
    const otherHead = await api
      .as('head.TRAFFIC_POLICE')
      .post(`/applications/${caseNo}/extensions/${extension.id}/approval`, { decision: 'approve' });
    expect(otherHead.status).toBe(403);
    expect(otherHead.body.code).toBe('not_your_department');
    const approved = await api
      .as('head.CITY_MANAGEMENT')
      .post(
        `/applications/${caseNo}/extensions/${extension.id}/approval`,
        { decision: 'approve' },
        { 'idempotency-key': newKey() },
      );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, 20 + 10));
    expect(approved.body.extensions[0]).toMatchObject({
      id: extension.id,
      status: 'approved',
      decidedBy: 'head.CITY_MANAGEMENT',
    });
    const notice = approved.body.notices.at(-1);
    expect(notice.kind).toBe('extension');
    expect(notice.body).toContain(reason);
    expect(notice.body).toContain('10 个工作日');
    expect(notice.due).toBe(addWorkingDays(TEST_TODAY, 30));

    const twice = await api.as('reviewer.TRAFFIC_POLICE').post(`/applications/${caseNo}/extensions`, {
      department: 'TRAFFIC_POLICE',
      reason: '再延一次',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('extension_already_granted');
    const v = await view(caseNo);
    expect(v.extensions).toHaveLength(1);
    expectNoticesAsRecorded(v);
  });

  it('a joint matter (45 days) is extended by 15 working days', async () => {
    const caseNo = await inReview([JOINT]);
    const requested = await api
      .as('reviewer.HOUSING')
      .post(
        `/applications/${caseNo}/extensions`,
        { department: 'HOUSING', reason: '联合验收需补充现场核验' },
        { 'idempotency-key': newKey() },
      );
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body.extension.days).toBe(15);
    const approved = await api
      .as('head.HOUSING')
      .post(
        `/applications/${caseNo}/extensions/${requested.body.extension.id}/approval`,
        { decision: 'approve' },
        { 'idempotency-key': newKey() },
      );
    expect(approved.status).toBe(200);
    expect(approved.body.deadlines.statutoryDue).toBe(addWorkingDays(TEST_TODAY, 45 + 15));
    expect(approved.body.notices.at(-1).body).toContain('15 个工作日');
  });
});

describe('withdrawal (撤回)', () => {
  it('cancels open tasks with a notice; cannot be withdrawn twice; no opinion afterwards', async () => {
    const caseNo = await inReview([JOINT]);
    const withdrawn = await clerk.post(
      `/applications/${caseNo}/withdrawal`,
      { reason: '项目计划调整' },
      { 'idempotency-key': newKey() },
    );
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    const notice = withdrawn.body.notices.at(-1);
    expect(notice.kind).toBe('withdrawn');
    expect(notice.body).toContain('项目计划调整');
    const tasks = await tasksOf(caseNo);
    expect(tasks).toHaveLength(3);
    expect(tasks.every((t) => t.status === 'cancelled')).toBe(true);

    const again = await clerk.post(`/applications/${caseNo}/withdrawal`, { reason: '再次撤回' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_decided');

    const late = await approve(tasks.find((t) => t.department === 'NATURAL_RESOURCES')!.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('task_cancelled');

    const v = await view(caseNo);
    expect(v.status).toBe('withdrawn');
    expect(v.certificates).toEqual([]);
    expect(eventTypes(v).filter((t) => t === 'withdrawn')).toHaveLength(1);
    expectNoticesAsRecorded(v);
  });
});

describe('delivery (送达) and 最多跑一次', () => {
  async function approvedCase(overrides: Record<string, unknown> = {}) {
    const caseNo = await inReview([AD], overrides);
    for (const task of await tasksOf(caseNo)) expect((await approve(task.id)).status).toBe(200);
    return caseNo;
  }

  it('only after approval, post needs a tracking number, pickup counts a visit, only once', async () => {
    const pending = await inReview([AD]);
    const early = await clerk.post(`/applications/${pending}/delivery`, { method: 'pickup' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('not_decided');

    const caseNo = await approvedCase();
    const before = await view(caseNo);
    expect(before.status).toBe('approved');
    expect(before.deadlines.deliveryDue).toBe(addWorkingDays(TEST_TODAY, 10));
    expect(before.visits).toBe(1);
    expect(before.atMostOneVisit).toBe(true);

    const noTracking = await clerk.post(`/applications/${caseNo}/delivery`, { method: 'post' });
    expect(noTracking.status).toBe(422);
    expect(noTracking.body).toMatchObject({ code: 'tracking_number_required', field: 'trackingNumber' });

    const picked = await api
      .as('clerk2')
      .post(`/applications/${caseNo}/delivery`, { method: 'pickup' }, { 'idempotency-key': newKey() });
    expect(picked.status, JSON.stringify(picked.body)).toBe(200);
    expect(picked.body.delivery).toMatchObject({ method: 'pickup', on: TEST_TODAY, by: 'clerk2' });
    expect(picked.body.visits).toBe(2);
    expect(picked.body.atMostOneVisit).toBe(false);
    expect(picked.body.deadlines.deliveryDue).toBeUndefined();

    const twice = await api.as('clerk2').post(`/applications/${caseNo}/delivery`, {
      method: 'post',
      trackingNumber: 'SF1234567890',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already_delivered');
    expect(eventTypes(await view(caseNo)).filter((t) => t === 'delivered')).toHaveLength(1);
  });

  it('an online application delivered by post never needs a visit', async () => {
    // Online, every required material comes as a file (here the clerk's scans stand in for the applicant's uploads).
    const materials = await scansFor(apiUrl, await requiredMaterials(AD), 'clerk1');
    const caseNo = await approvedCase({ channel: 'online', materials });
    const delivered = await clerk.post(
      `/applications/${caseNo}/delivery`,
      { method: 'post', trackingNumber: 'EMS1234567890CN' },
      { 'idempotency-key': newKey() },
    );
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body.delivery).toMatchObject({ method: 'post', trackingNumber: 'EMS1234567890CN' });
    expect(delivered.body.visits).toBe(0);
    expect(delivered.body.atMostOneVisit).toBe(true);
  });
});

describe('容缺受理: accepted with deficiencies, certificates withheld until supplied', () => {
  const matters = [AD, 'FOOD_BUSINESS_LICENCE'];
  const deficiencies = ['OWNER_CONSENT', 'FOOD_SAFETY_RULES'];

  it('reviews at once, approves, then issues every certificate when the missing materials arrive', async () => {
    const all = [...new Set((await Promise.all(matters.map(requiredMaterials))).flat())];
    const caseNo = await submitted({ matters, materials: all.filter((m) => !deficiencies.includes(m)) });

    const notDeficient = await accept(caseNo, {
      decision: 'accept_with_deficiencies',
      deficiencies: ['OWNER_CONSENT', 'BUSINESS_LICENCE'],
    });
    expect(notDeficient.status).toBe(422);
    expect(notDeficient.body).toMatchObject({ code: 'not_deficient', field: 'deficiencies' });

    const accepted = await accept(caseNo, { decision: 'accept_with_deficiencies', deficiencies });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('in_review');
    expect([...accepted.body.deficiencies].sort()).toEqual([...deficiencies].sort());
    expect(accepted.body.deadlines.deficienciesDue).toBe(addWorkingDays(TEST_TODAY, 10));

    const tasks = await tasksOf(caseNo);
    expect(tasks.map((t) => t.department).sort()).toEqual(['CITY_MANAGEMENT', 'SAMR', 'TRAFFIC_POLICE']);
    let last: Reply | undefined;
    for (const task of tasks) {
      last = await approve(task.id);
      expect(last.status).toBe(200);
    }
    expect(last?.body.status).toBe('approved');
    expect(last?.body.certificates).toEqual([]);
    const withheld = await clerk.post(`/applications/${caseNo}/delivery`, { method: 'pickup' });
    expect(withheld.status).toBe(409);
    expect(withheld.body.code).toBe('certificates_withheld');

    const supplied = await clerk.post(
      `/applications/${caseNo}/supplements`,
      { materials: deficiencies },
      { 'idempotency-key': newKey() },
    );
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
    expect(supplied.body.status).toBe('approved');
    expect(supplied.body.deficiencies).toEqual([]);
    expect(supplied.body.certificates.map((c: any) => c.matter).sort()).toEqual([...matters].sort());
    const v = await view(caseNo);
    expect(eventTypes(v).filter((t) => t === 'certificate_issued')).toHaveLength(2);
    expect(eventTypes(v).indexOf('certificate_issued')).toBeGreaterThan(eventTypes(v).indexOf('materials_supplied'));
  });
});

describe('告知承诺: a written commitment instead of a proof', () => {
  it('accepts without the committed document', async () => {
    const guide = (await api.get(`/matters/${AD}`)).body;
    expect(guide.materials.find((m: any) => m.code === 'OWNER_CONSENT')).toMatchObject({
      required: true,
      commitmentAllowed: true,
    });
    const caseNo = await submitted({
      materials: ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING'],
      commitments: ['OWNER_CONSENT'],
    });
    const accepted = await accept(caseNo);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('in_review');
    expect(accepted.body.commitments).toEqual(['OWNER_CONSENT']);
    expect(accepted.body.materialsProvided).not.toContain('OWNER_CONSENT');
  });

  it('refuses a commitment for a material that does not allow one', async () => {
    const reply = await submit({
      materials: ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'],
      commitments: ['BUSINESS_LICENCE'],
    });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ code: 'commitment_not_allowed', field: 'commitments[0]' });
  });
});

describe('certificate library (电子证照库): never ask for what the government issued', () => {
  it('a business licence issued earlier satisfies a later application by the same holder', async () => {
    const idNumber = randomUscc();
    const applicant = { type: 'organisation', name: '李记小吃有限公司', idNumber };
    const registered = await submitted({
      matters: ['BUSINESS_REGISTRATION'],
      materials: await requiredMaterials('BUSINESS_REGISTRATION'),
      applicant,
    });
    const registration = await accept(registered);
    expect(registration.status).toBe(200);
    expect(registration.body.status).toBe('approved');
    expect(registration.body.certificates).toHaveLength(1);
    const licenceNo: string = registration.body.certificates[0].certificateNo;

    const food = (await requiredMaterials('FOOD_BUSINESS_LICENCE')).filter((m) => m !== 'BUSINESS_LICENCE');
    const reply = await submit({ matters: ['FOOD_BUSINESS_LICENCE'], materials: food, applicant });
    expect(reply.status).toBe(201);
    expect(reply.body.case.fromLibrary).toEqual([{ material: 'BUSINESS_LICENCE', certificateNo: licenceNo }]);
    const caseNo = reply.body.caseNo;
    expect((await view(caseNo)).fromLibrary).toEqual([{ material: 'BUSINESS_LICENCE', certificateNo: licenceNo }]);
    const accepted = await accept(caseNo);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('in_review');

    const stranger = await submitted({ matters: ['FOOD_BUSINESS_LICENCE'], materials: food });
    const refused = await accept(stranger);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('materials_missing');
    expect((await view(stranger)).fromLibrary).toEqual([]);
  });
});
