/**
 * Each matter of a theme gets its own outcome (rules 2, carried by the submission),
 * escalated matters' limits cover both stages, and 急办件 (a supervisor's urgent mark).
 *
 * The case is 开办餐馆一件事 (OPEN_RESTAURANT, see caseDecisions.test.ts for its matters and hand-counted dates):
 * BUSINESS_REGISTRATION is immediate (approved on acceptance); FOOD (SAMR), OUTDOOR_AD (CITY_MANAGEMENT lead +
 * TRAFFIC_POLICE, parallel: any refusal refuses the matter), FIRE (FIRE_RESCUE) and SEWAGE (WATER) are reviewed.
 * Received Fri 2026-09-18, accepted the same day, reviewed Tue 09-22: delivery due 09-22 + 10 working days = 10-13
 * (09-23, 24, 28, 29, 30, 10-08, 09, Sat 10-10 make-up, 12, 13).
 */
import { describe, expect, it } from 'vitest';
import type { CaseEvent, CaseState } from '../../rules/caseModel.ts';
import { finalStatuses, replay } from '../../rules/caseModel.ts';
import { ESCALATED_REVIEW_DAYS, certificatesToIssue, matterResults, pendingTimers } from '../../rules/caseDecisions.ts';
import { catalogueProblems, escalationProblems, type Catalogue, type Matter } from '../../rules/catalogue.ts';
import type { MatterSnapshot } from '../../rules/catalogue.ts';
import { addWorkingDays } from '../../rules/workingDays.ts';
import {
  Driver,
  cst,
  eventsOf,
  loadDemoCatalogue,
  snapshot,
  submitCommand,
  themeSnapshots,
  types,
  violationOf,
  decideAt,
  type TestCommand,
} from './fixtures.ts';
import { applicantActor, clerk, command, reviewer, supervisor } from '../support/commands.ts';

const CASE_NO = 'YM-2026-000001';
const THEME = { code: 'OPEN_RESTAURANT', name: '开办餐馆一件事' };
const RESTAURANT: MatterSnapshot[] = themeSnapshots('OPEN_RESTAURANT');
const ALL_REQUIRED = [
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

const task = (matter: string, department: string) => `${CASE_NO}-${matter}-${department}`;
const FOOD = task('FOOD_BUSINESS_LICENCE', 'SAMR');
const AD_LEAD = task('OUTDOOR_AD_PERMIT', 'CITY_MANAGEMENT');
const AD_TRAFFIC = task('OUTDOOR_AD_PERMIT', 'TRAFFIC_POLICE');
const FIRE = task('FIRE_SAFETY_INSPECTION', 'FIRE_RESCUE');
const SEWAGE = task('SEWAGE_DISCHARGE_PERMIT', 'WATER');

const T_SUBMIT = cst('2026-09-18 10:00');
const T_ACCEPT = cst('2026-09-18 15:00');
const T_REVIEW = cst('2026-09-22 11:00');
const T_DELIVER = cst('2026-09-23 10:00');

const accept: TestCommand = command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01'));
const approve = (taskId: string): TestCommand =>
  command('give_opinion', { taskId, decision: 'approve' }, reviewer('reviewer-1'));
const refuse = (taskId: string, reason: string): TestCommand =>
  command('give_opinion', { taskId, decision: 'refuse', reason }, reviewer('reviewer-2'));
const askSupplement = (taskId: string, materials: string[]): TestCommand =>
  command('give_opinion', { taskId, decision: 'supplement', materials, reason: '材料不清晰' }, reviewer('reviewer-3'));
const urgent = (reason = '重大招商项目，限期开业', supervisorId = 'supervisor-01'): TestCommand =>
  command('mark_urgent', { reason }, supervisor(supervisorId));

/** A restaurant case accepted on Fri 09-18 under rules 2, or 1: a submission without `rules`, as old cases have. */
function acceptedCase(rules: 1 | 2 = 2, matters = RESTAURANT, materials = ALL_REQUIRED): Driver {
  const d = new Driver();
  d.run(submitCommand(matters, materials, { theme: THEME, ...(rules === 2 ? { rules: 2 as const } : {}) }), T_SUBMIT);
  expect(d.current.rulesVersion).toBe(rules === 2 ? 2 : undefined);
  d.run(accept, T_ACCEPT);
  return d;
}

const statusOf = (state: CaseState, taskId: string) => state.tasks.find((t) => t.id === taskId)?.status;

describe('theme services, rules 2: each matter its own outcome', () => {
  it('the submission records the rules in `received`; the state keeps them; absent means rules 1', () => {
    const events = eventsOf(decideAt(undefined, submitCommand(RESTAURANT, ALL_REQUIRED, { rules: 2 }), T_SUBMIT));
    const received = events[0] as Extract<CaseEvent, { type: 'received' }>;
    expect(received.data.rules).toBe(2);
    expect(replay(events)?.rulesVersion).toBe(2);
    const old = eventsOf(decideAt(undefined, submitCommand(RESTAURANT, ALL_REQUIRED), T_SUBMIT));
    expect(old[0]!.data).not.toHaveProperty('rules');
    expect(replay(old)).not.toHaveProperty('rulesVersion');
  });

  it('one refusal refuses only its matter: its other task is cancelled, the other matters go on', () => {
    const d = acceptedCase();
    d.run(approve(FOOD), T_REVIEW);
    const reason = '设置位置遮挡交通信号灯';
    const events = d.run(refuse(AD_TRAFFIC, reason), T_REVIEW);
    expect(types(events)).toEqual(['opinion_given', 'matter_decided', 'task_cancelled']);
    expect(events[1]!.data).toEqual({ matter: 'OUTDOOR_AD_PERMIT', outcome: 'refused' });
    expect(events[2]!.data).toEqual({ taskId: AD_LEAD, reason: '该事项已不予许可' });
    const state = d.current;
    expect(state.status).toBe('in_review');
    expect(state.outcomes).toEqual({
      BUSINESS_REGISTRATION: 'approved',
      FOOD_BUSINESS_LICENCE: 'approved',
      OUTDOOR_AD_PERMIT: 'refused',
      FIRE_SAFETY_INSPECTION: 'pending',
      SEWAGE_DISCHARGE_PERMIT: 'pending',
    });
    expect([statusOf(state, FIRE), statusOf(state, SEWAGE), statusOf(state, AD_LEAD)]).toEqual([
      'open',
      'open',
      'cancelled',
    ]);
    expect(certificatesToIssue(state)).toEqual([]); // nothing is issued before every matter is decided
    expect(violationOf(d.attempt(approve(AD_LEAD), T_REVIEW)).code).toBe('task_cancelled');
  });

  it('ends partially_approved once every matter is decided: certificates for approved matters only, one notice listing each result', () => {
    const d = acceptedCase();
    d.run(approve(FOOD), T_REVIEW);
    const reason = '设置位置遮挡交通信号灯';
    d.run(refuse(AD_TRAFFIC, reason), T_REVIEW);
    d.run(approve(FIRE), T_REVIEW);
    const last = d.run(approve(SEWAGE), T_REVIEW);
    expect(types(last)).toEqual([
      'opinion_given',
      'matter_decided',
      'case_partially_approved',
      'notice_sent',
      ...Array<string>(4).fill('certificate_issued'), // 同步发证: the approved matters only
    ]);
    const state = d.current;
    expect(state.status).toBe('partially_approved');
    expect(finalStatuses).toContain('partially_approved');
    expect(state.decidedAt).toBe(new Date(T_REVIEW).toISOString());
    expect(state.reasons).toEqual([`市公安局交通警察支队：${reason}`]);
    expect(state.deadlines).toEqual({ deliveryDue: '2026-10-13' });
    expect(state.deadlines.deliveryDue).toBe(addWorkingDays('2026-09-22', 10));
    // the due dates it had and whether it met them, as for an approval
    expect(state.timeliness).toMatchObject({
      decidedOn: '2026-09-22',
      decidedOnTime: true,
      withinStatutoryLimit: true,
    });

    const notice = state.notices.at(-1)!;
    expect(notice.kind).toBe('partially_approved');
    expect(notice.results).toEqual([
      { matter: 'BUSINESS_REGISTRATION', name: RESTAURANT[0]!.name, outcome: 'approved', reasons: [] },
      { matter: 'FOOD_BUSINESS_LICENCE', name: RESTAURANT[1]!.name, outcome: 'approved', reasons: [] },
      {
        matter: 'OUTDOOR_AD_PERMIT',
        name: '户外广告及招牌设施设置审批',
        outcome: 'refused',
        reasons: [`市公安局交通警察支队：${reason}`],
      },
      { matter: 'FIRE_SAFETY_INSPECTION', name: RESTAURANT[3]!.name, outcome: 'approved', reasons: [] },
      { matter: 'SEWAGE_DISCHARGE_PERMIT', name: RESTAURANT[4]!.name, outcome: 'approved', reasons: [] },
    ]);
    for (const m of RESTAURANT) expect(notice.body).toContain(m.name);
    expect(notice.body).toContain(`户外广告及招牌设施设置审批：不予许可。理由：市公安局交通警察支队：${reason}`);
    expect(notice.body).toContain(`${RESTAURANT[1]!.name}：准予许可。`);
    // the remedies worded as the refusal notice words them
    expect(notice.body).toContain(
      '如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。',
    );
    expect(notice.body).toContain('十个工作日内');

    expect(state.certificates.map((c) => c.matter)).toEqual([
      'BUSINESS_REGISTRATION',
      'FOOD_BUSINESS_LICENCE',
      'FIRE_SAFETY_INSPECTION',
      'SEWAGE_DISCHARGE_PERMIT',
    ]);
    // like an approval: a delivery deadline is watched, and the certificates are delivered
    expect(pendingTimers(state).map((t) => t.id)).toEqual(['delivery:yellow:2026-10-13', 'delivery:red:2026-10-13']);
    expect(d.current.certificates.map((c) => c.matter)).not.toContain('OUTDOOR_AD_PERMIT');
    expect(certificatesToIssue(d.current)).toEqual([]);
    d.run(command('deliver', { method: 'pickup' }, clerk('clerk-01')), T_DELIVER);
    expect(d.current.delivery).toMatchObject({ method: 'pickup', on: '2026-09-23' });
    expect(pendingTimers(d.current)).toEqual([]);
    // a finished case: no withdrawal
    expect(violationOf(d.attempt(command('withdraw', {}, applicantActor), T_DELIVER)).code).toBe('already_decided');
    // the whole log replays to the same state
    expect(replay(d.log)).toEqual(d.current);
  });

  it('every matter refused: refused, with every reason, no certificate', () => {
    const matters = [snapshot('FOOD_BUSINESS_LICENCE'), snapshot('FIRE_SAFETY_INSPECTION')];
    const materials = [
      'FOOD_BUSINESS_APPLICATION',
      'BUSINESS_LICENCE',
      'FOOD_PREMISES_LAYOUT',
      'FOOD_SAFETY_RULES',
      'FIRE_INSPECTION_APPLICATION',
      'FIRE_SAFETY_PLAN',
      'FIRE_LAYOUT_PLAN',
      'FIRE_ACCEPTANCE_PROOF',
      'APPLICANT_ID',
      'PREMISES_PROOF',
    ].filter((code) => matters.some((m) => m.materials.some((x) => x.code === code)));
    const d = acceptedCase(2, matters, materials);
    expect(d.current.status).toBe('in_review');
    expect(types(d.run(refuse(FOOD, '经营场所与申报不符'), T_REVIEW))).toEqual(['opinion_given', 'matter_decided']);
    expect(d.current.status).toBe('in_review');
    const last = d.run(refuse(FIRE, '疏散通道不符合要求'), T_REVIEW);
    expect(types(last)).toEqual(['opinion_given', 'matter_decided', 'case_refused', 'notice_sent']);
    expect(d.current.status).toBe('refused');
    expect(d.current.reasons).toEqual(['市市场监督管理局：经营场所与申报不符', '市消防救援支队：疏散通道不符合要求']);
    expect(d.current.notices.at(-1)?.kind).toBe('refused');
    expect(d.current.notices.at(-1)?.body).toContain('行政复议');
    expect(certificatesToIssue(d.current)).toEqual([]);
    expect(pendingTimers(d.current)).toEqual([]);
  });

  it('every matter approved: approved, as before', () => {
    const d = acceptedCase();
    for (const id of [FOOD, AD_LEAD, AD_TRAFFIC, FIRE]) d.run(approve(id), T_REVIEW);
    const last = d.run(approve(SEWAGE), T_REVIEW);
    expect(types(last)).toEqual([
      'opinion_given',
      'matter_decided',
      'case_approved',
      'notice_sent',
      ...Array<string>(5).fill('certificate_issued'),
    ]);
    expect(d.current.status).toBe('approved');
    expect(d.current.notices.at(-1)?.kind).toBe('approved');
    expect(d.current.certificates.map((c) => c.matter)).toEqual(RESTAURANT.map((m) => m.code));
  });

  it('the same approvals give the same events under both rules (only refusals differ)', () => {
    const a = acceptedCase(2);
    const b = acceptedCase(1);
    for (const id of [FOOD, AD_LEAD, AD_TRAFFIC, FIRE, SEWAGE]) {
      expect(types(a.run(approve(id), T_REVIEW))).toEqual(types(b.run(approve(id), T_REVIEW)));
    }
  });

  it("a refused matter's supplement request leaves the consolidated notice; the other matters' requests go out", () => {
    const d = acceptedCase();
    // the ad's lead asks for the structure safety report; SAMR asks for the food safety rules again
    d.run(askSupplement(AD_LEAD, ['AD_STRUCTURE_SAFETY']), T_REVIEW);
    d.run(askSupplement(FOOD, ['FOOD_SAFETY_RULES']), T_REVIEW);
    d.run(approve(FIRE), T_REVIEW);
    d.run(approve(SEWAGE), T_REVIEW);
    // the last open task refuses its matter: the lead's request is cancelled with it, SAMR's is sent alone
    const events = d.run(refuse(AD_TRAFFIC, '设置位置遮挡交通信号灯'), T_REVIEW);
    expect(types(events)).toEqual([
      'opinion_given',
      'matter_decided',
      'task_cancelled',
      'clock_paused',
      'notice_sent',
      'supplement_requested',
    ]);
    const notice = d.current.notices.at(-1)!;
    expect(notice.kind).toBe('supplement');
    expect(notice.items?.map((i) => i.code)).toEqual(['FOOD_SAFETY_RULES']);
    expect(d.current.status).toBe('awaiting_supplement');
    expect(statusOf(d.current, AD_LEAD)).toBe('cancelled');

    // supplied: SAMR reviews again and approves; the case ends partially approved
    d.run(
      command('supply_materials', { materials: ['FOOD_SAFETY_RULES'], channel: 'online' }, applicantActor),
      cst('2026-09-24 10:00'),
    );
    expect(statusOf(d.current, FOOD)).toBe('open');
    const last = d.run(approve(FOOD), cst('2026-09-24 11:00'));
    expect(types(last)).toEqual([
      'opinion_given',
      'matter_decided',
      'case_partially_approved',
      'notice_sent',
      ...Array<string>(4).fill('certificate_issued'),
    ]);
    expect(matterResults(d.current).map((r) => [r.matter, r.outcome])).toEqual([
      ['BUSINESS_REGISTRATION', 'approved'],
      ['FOOD_BUSINESS_LICENCE', 'approved'],
      ['OUTDOOR_AD_PERMIT', 'refused'],
      ['FIRE_SAFETY_INSPECTION', 'approved'],
      ['SEWAGE_DISCHARGE_PERMIT', 'approved'],
    ]);
  });

  it('within an escalated matter nothing changes: the higher level decides, its refusal refuses the matter', () => {
    const escalated = snapshot('LABOUR_DISPATCH_LICENCE');
    const food = snapshot('FOOD_BUSINESS_LICENCE');
    const materials = [
      ...new Set([...escalated.materials, ...food.materials].filter((m) => m.required).map((m) => m.code)),
    ];
    const d = acceptedCase(2, [escalated, food], materials);
    const district = task('LABOUR_DISPATCH_LICENCE', 'DISTRICT_HRSS');
    const city = task('LABOUR_DISPATCH_LICENCE', 'HRSS');
    // the lower level's refusal is an opinion, not a decision: the higher level opens
    expect(types(d.run(refuse(district, '注册资本不足'), T_REVIEW))).toEqual(['opinion_given', 'task_opened']);
    expect(d.current.outcomes.LABOUR_DISPATCH_LICENCE).toBe('pending');
    d.run(refuse(city, '注册资本未达到法定要求'), T_REVIEW);
    expect(d.current.outcomes.LABOUR_DISPATCH_LICENCE).toBe('refused');
    expect(d.current.status).toBe('in_review');
    d.run(approve(FOOD), T_REVIEW);
    expect(d.current.status).toBe('partially_approved');
    expect(d.current.reasons).toEqual(['市人力资源和社会保障局：注册资本未达到法定要求']);
  });
  it('within a joint matter nothing changes: a co-department refusal is an opinion, the lead decides', () => {
    const joint = snapshot('CONSTRUCTION_COMPLETION_ACCEPTANCE');
    const food = snapshot('FOOD_BUSINESS_LICENCE');
    const materials = [
      ...new Set([...joint.materials, ...food.materials].filter((m) => m.required).map((m) => m.code)),
    ];
    const d = acceptedCase(2, [joint, food], materials);
    const housing = task('CONSTRUCTION_COMPLETION_ACCEPTANCE', 'HOUSING');
    d.run(refuse(task('CONSTRUCTION_COMPLETION_ACCEPTANCE', 'NATURAL_RESOURCES'), '规划核实未通过'), T_REVIEW);
    expect(d.current.outcomes.CONSTRUCTION_COMPLETION_ACCEPTANCE).toBe('pending');
    d.run(approve(task('CONSTRUCTION_COMPLETION_ACCEPTANCE', 'CIVIL_AIR_DEFENCE')), T_REVIEW);
    expect(statusOf(d.current, housing)).toBe('open');
    d.run(refuse(FOOD, '经营场所与申报不符'), T_REVIEW);
    expect(d.current.status).toBe('in_review');
    // the lead approves with the co-department's refusal in front of it: the matter is approved, the case partly
    d.run(approve(housing), T_REVIEW);
    expect(d.current.outcomes).toEqual({
      CONSTRUCTION_COMPLETION_ACCEPTANCE: 'approved',
      FOOD_BUSINESS_LICENCE: 'refused',
    });
    expect(d.current.status).toBe('partially_approved');
    expect(d.current.reasons).toEqual(['市市场监督管理局：经营场所与申报不符']);
    expect(d.current.certificates.map((c) => c.matter)).toEqual(['CONSTRUCTION_COMPLETION_ACCEPTANCE']);
  });

  it('容缺: a partially approved case withholds its certificates until the missing material arrives', () => {
    const d = new Driver();
    const materials = ALL_REQUIRED.filter((c) => c !== 'WATER_QUALITY_REPORT');
    d.run(submitCommand(RESTAURANT, materials, { theme: THEME, rules: 2 }), T_SUBMIT);
    d.run(
      command(
        'decide_acceptance',
        { decision: 'accept_with_deficiencies', deficiencies: ['WATER_QUALITY_REPORT'] },
        clerk('clerk-01'),
      ),
      T_ACCEPT,
    );
    d.run(refuse(AD_TRAFFIC, '设置位置遮挡交通信号灯'), T_REVIEW);
    for (const id of [FOOD, FIRE, SEWAGE]) d.run(approve(id), T_REVIEW);
    expect(d.current.status).toBe('partially_approved');
    expect(Object.keys(d.current.deadlines).sort()).toEqual(['deficienciesDue', 'deliveryDue']);
    expect(certificatesToIssue(d.current)).toEqual([]);
    d.run(command('supply_materials', { materials: ['WATER_QUALITY_REPORT'] }, applicantActor), T_DELIVER);
    expect(d.current.certificates.map((c) => c.matter)).toEqual([
      'BUSINESS_REGISTRATION',
      'FOOD_BUSINESS_LICENCE',
      'FIRE_SAFETY_INSPECTION',
      'SEWAGE_DISCHARGE_PERMIT',
    ]);
  });
});

describe('rules 1 (no `rules` in the submission: cases in flight, committed histories)', () => {
  it('one refusal still refuses the whole case and cancels every open task', () => {
    const d = acceptedCase(1);
    d.run(approve(FOOD), T_REVIEW);
    const events = d.run(refuse(AD_TRAFFIC, '设置位置遮挡交通信号灯'), T_REVIEW);
    expect(types(events)).toEqual([
      'opinion_given',
      'matter_decided',
      'task_cancelled',
      'task_cancelled',
      'task_cancelled',
      'case_refused',
      'notice_sent',
    ]);
    expect(d.current.status).toBe('refused');
    expect(d.current.outcomes.FIRE_SAFETY_INSPECTION).toBe('cancelled');
    expect(certificatesToIssue(d.current)).toEqual([]);
  });

  it("an escalated matter's snapshot from before `higherLevelLimitDays` keeps the promised limit for the higher level", () => {
    const { higherLevelLimitDays: _dropped, ...old } = snapshot('LABOUR_DISPATCH_LICENCE');
    const d = new Driver();
    d.run(
      submitCommand(
        [old],
        old.materials.filter((m) => m.required).map((m) => m.code),
      ),
      T_SUBMIT,
    );
    d.run(accept, T_ACCEPT);
    d.run(approve(task('LABOUR_DISPATCH_LICENCE', 'DISTRICT_HRSS')), T_REVIEW);
    const higher = d.current.tasks.find((t) => t.department === 'HRSS')!;
    expect(higher.due).toBe(addWorkingDays('2026-09-22', old.promisedLimitDays));
    const current = snapshot('LABOUR_DISPATCH_LICENCE');
    const e = new Driver();
    e.run(
      submitCommand(
        [current],
        old.materials.filter((m) => m.required).map((m) => m.code),
      ),
      T_SUBMIT,
    );
    e.run(accept, T_ACCEPT);
    e.run(approve(task('LABOUR_DISPATCH_LICENCE', 'DISTRICT_HRSS')), T_REVIEW);
    expect(e.current.tasks.find((t) => t.department === 'HRSS')!.due).toBe(addWorkingDays('2026-09-22', 10));
  });
});

describe('escalated matters (上报件): the limits cover both stages', () => {
  const labour = (catalogue: Catalogue): Matter => catalogue.matters.find((m) => m.code === 'LABOUR_DISPATCH_LICENCE')!;

  it('the demo catalogue passes: 40 statutory, 30 promised >= 20 (第43条) + 10 (the higher level)', () => {
    const catalogue = loadDemoCatalogue();
    const m = labour(catalogue);
    expect([m.statutoryLimitDays, m.promisedLimitDays, m.higherLevelLimitDays]).toEqual([40, 30, 10]);
    expect(ESCALATED_REVIEW_DAYS).toBe(20);
    expect(catalogueProblems(catalogue)).toEqual([]);
    for (const matter of catalogue.matters) expect(escalationProblems(matter)).toEqual([]);
  });

  it('refuses a promised limit shorter than its stages, naming the matter, the limit and the stages', () => {
    const catalogue = loadDemoCatalogue();
    labour(catalogue).promisedLimitDays = 29;
    expect(catalogueProblems(catalogue)).toEqual([
      'LABOUR_DISPATCH_LICENCE: promised limit 29 working days is shorter than its two stages: ' +
        '20 of lower-level review (第43条) + 10 of the higher level = 30',
    ]);
  });

  it('refuses the old demo data (statutory 20, promised 15): both limits, with a clear message', () => {
    const catalogue = loadDemoCatalogue();
    Object.assign(labour(catalogue), { statutoryLimitDays: 20, promisedLimitDays: 15 });
    const problems = catalogueProblems(catalogue);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('statutory limit 20 working days is shorter than its two stages');
    expect(problems[1]).toContain('promised limit 15 working days is shorter than its two stages');
  });

  it("requires the higher level's own limit, a positive integer", () => {
    const catalogue = loadDemoCatalogue();
    delete labour(catalogue).higherLevelLimitDays;
    expect(catalogueProblems(catalogue)).toEqual([
      "LABOUR_DISPATCH_LICENCE: an escalated matter needs higherLevelLimitDays, the higher level's own limit (a positive integer)",
    ]);
    labour(catalogue).higherLevelLimitDays = 0;
    expect(catalogueProblems(catalogue)).toHaveLength(1);
    labour(catalogue).higherLevelLimitDays = 2.5;
    expect(catalogueProblems(catalogue)).toHaveLength(1);
  });

  it('requires a lower level besides the lead; refuses a higher-level limit on a matter that is not escalated', () => {
    const catalogue = loadDemoCatalogue();
    labour(catalogue).departments = [{ code: 'HRSS', lead: true }];
    catalogue.matters.find((m) => m.code === 'FOOD_BUSINESS_LICENCE')!.higherLevelLimitDays = 5;
    expect(catalogueProblems(catalogue)).toEqual([
      'FOOD_BUSINESS_LICENCE: higherLevelLimitDays is only for an escalated matter',
      'LABOUR_DISPATCH_LICENCE: an escalated matter needs a lower-level department besides the lead (higher level)',
    ]);
  });

  it("the higher level's task is due after its own limit, within the case's promised due", () => {
    const escalated = snapshot('LABOUR_DISPATCH_LICENCE');
    const d = new Driver();
    d.run(
      submitCommand(
        [escalated],
        escalated.materials.filter((m) => m.required).map((m) => m.code),
      ),
      T_SUBMIT,
    );
    d.run(accept, T_ACCEPT);
    const district = d.current.tasks.find((t) => t.department === 'DISTRICT_HRSS')!;
    expect(district.due).toBe(addWorkingDays('2026-09-18', 20));
    // the lower level takes all its 20 days: the higher level's due is then exactly the case's promised due
    d.run(approve(district.id), cst(`${district.due} 10:00`));
    const higher = d.current.tasks.find((t) => t.department === 'HRSS')!;
    expect(higher.due).toBe(addWorkingDays(district.due, 10));
    expect(higher.due).toBe(d.current.deadlines.promisedDue);
    expect(higher.due <= d.current.deadlines.statutoryDue!).toBe(true);
  });
});

describe('急办件: a supervisor marks a case urgent', () => {
  it('records `marked_urgent` by the supervisor, with the reason; the state keeps who, when and why', () => {
    const d = acceptedCase();
    const events = d.run(urgent(), T_REVIEW);
    expect(events).toEqual([
      {
        type: 'marked_urgent',
        at: new Date(T_REVIEW).toISOString(),
        actor: { kind: 'supervisor', id: 'supervisor-01' },
        data: { reason: '重大招商项目，限期开业', by: 'supervisor-01' },
      },
    ]);
    expect(d.current.urgent).toEqual({
      reason: '重大招商项目，限期开业',
      by: 'supervisor-01',
      at: new Date(T_REVIEW).toISOString(),
    });
    expect(d.current.status).toBe('in_review'); // nothing else changes
    expect(replay(d.log)).toEqual(d.current);
  });

  it('may be marked before acceptance; the reason is trimmed and required (422)', () => {
    const d = new Driver();
    d.run(submitCommand(RESTAURANT, ALL_REQUIRED, { rules: 2 }), T_SUBMIT);
    expect(violationOf(d.attempt(urgent('  '), T_SUBMIT))).toMatchObject({ status: 422, code: 'reason_required' });
    d.run(urgent('  领导批示  '), T_SUBMIT);
    expect(d.current.urgent?.reason).toBe('领导批示');
  });

  it('is marked once: a second mark is already_urgent (409)', () => {
    const d = acceptedCase();
    d.run(urgent(), T_REVIEW);
    expect(violationOf(d.attempt(urgent('再次标记', 'supervisor-02'), T_REVIEW))).toMatchObject({
      status: 409,
      code: 'already_urgent',
    });
  });

  it('not on a finished case (409), nor on a case that does not exist (404)', () => {
    const d = acceptedCase();
    d.run(refuse(FOOD, '不符合条件'), T_REVIEW);
    for (const id of [AD_LEAD, AD_TRAFFIC, FIRE, SEWAGE]) d.run(approve(id), T_REVIEW);
    expect(d.current.status).toBe('partially_approved');
    expect(violationOf(d.attempt(urgent(), T_DELIVER))).toMatchObject({ status: 409, code: 'already_decided' });
    expect(violationOf(decideAt(undefined, urgent(), T_DELIVER))).toMatchObject({
      status: 404,
      code: 'case_not_found',
    });
  });
});
