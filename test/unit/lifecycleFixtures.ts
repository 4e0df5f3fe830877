/**
 * Shared by the decider tests of rules/decisions/: the statutory lifecycle driven through decide + evolve at fixed
 * instants, on real matters of the demo catalogue:
 *   CONSTRUCTION_COMPLETION_ACCEPTANCE  joint      HOUSING (lead, stage 2), NATURAL_RESOURCES, CIVIL_AIR_DEFENCE
 *                                                  statutory 45, promised 15, supplement 15, warning 3
 *   LABOUR_DISPATCH_LICENCE             escalated  DISTRICT_HRSS (stage 1), HRSS (lead, stage 2)
 *                                                  statutory 40, promised 30 (20 lower level + 10 higher level),
 *                                                  supplement 10, warning 3
 *   OUTDOOR_AD_PERMIT                   promised   CITY_MANAGEMENT (lead), TRAFFIC_POLICE, both at stage 1
 *                                                  statutory 20, promised 10, supplement 10, warning 3
 *
 * Dates counted by hand on the 2026 calendar. July and August 2026 have no holiday: Mon 07-06, 07-13, 07-20, 07-27,
 * 08-03, 08-10, 08-17, 08-24, 08-31, 09-07 are 0, 5, 10, ... 45 working days after Mon 07-06.
 * Around 中秋/国庆: 09-25..09-27 and 10-01..10-07 off; Sun 09-20 and Sat 10-10 are make-up working days.
 */
import { expect } from 'vitest';
import type { CaseEvent, CaseState } from '../../rules/caseModel.ts';
import type { MatterSnapshot } from '../../rules/catalogue.ts';
import { Driver, cst, snapshot, submitCommand, type TestCommand } from './fixtures.ts';
import { applicantActor, clerk, command, reviewer, system } from '../support/commands.ts';
import type { CommandData } from '../../rules/caseDecisions.ts';

export const CASE_NO = 'YM-2026-000001';
export const JOINT = snapshot('CONSTRUCTION_COMPLETION_ACCEPTANCE');
export const ESCALATED = snapshot('LABOUR_DISPATCH_LICENCE');
export const AD = snapshot('OUTDOOR_AD_PERMIT');

export const JOINT_MATERIALS = [
  'COMPLETION_ACCEPTANCE_APPLICATION',
  'BUSINESS_LICENCE',
  'COMPLETION_REPORT',
  'PLANNING_SURVEY_REPORT',
  'FIRE_ACCEPTANCE_DOCS',
  'CONSTRUCTION_ARCHIVE_RECEIPT',
];
export const ESCALATED_MATERIALS = [
  'LABOUR_DISPATCH_APPLICATION',
  'BUSINESS_LICENCE',
  'APPLICANT_ID',
  'CAPITAL_VERIFICATION',
  'PREMISES_PROOF',
  'DISPATCH_MANAGEMENT_RULES',
];
export const AD_MATERIALS = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];

const taskId = (matter: MatterSnapshot, department: string) => `${CASE_NO}-${matter.code}-${department}`;
export const HOUSING = taskId(JOINT, 'HOUSING');
export const NATURAL_RESOURCES = taskId(JOINT, 'NATURAL_RESOURCES');
export const CIVIL_AIR_DEFENCE = taskId(JOINT, 'CIVIL_AIR_DEFENCE');
export const DISTRICT = taskId(ESCALATED, 'DISTRICT_HRSS');
export const CITY_HRSS = taskId(ESCALATED, 'HRSS');
export const AD_CITY = taskId(AD, 'CITY_MANAGEMENT');
export const AD_TRAFFIC = taskId(AD, 'TRAFFIC_POLICE');

export const nameOf = (matter: MatterSnapshot, code: string) => {
  const found = matter.materials.find((m) => m.code === code);
  if (!found) throw new Error(`${matter.code} has no material ${code}`);
  return found.name;
};

// Fixed instants (China wall-clock). Mon 2026-07-06 is the usual day of receipt and acceptance.
export const T_SUBMIT = cst('2026-07-06 09:30');
export const T_ACCEPT = cst('2026-07-06 10:00');
export const at = (day: string, time = '10:00') => cst(`${day} ${time}`);

export const accept: TestCommand = command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01'));
export const approve = (id: string, reviewerId = 'reviewer-1'): TestCommand =>
  command('give_opinion', { taskId: id, decision: 'approve' }, reviewer(reviewerId));
export const refuse = (id: string, reason: string): TestCommand =>
  command('give_opinion', { taskId: id, decision: 'refuse', reason }, reviewer('reviewer-2'));
export const askFor = (id: string, materials: string[], reason = '材料内容不符合要求'): TestCommand =>
  command('give_opinion', { taskId: id, decision: 'supplement', materials, reason }, reviewer('reviewer-3'));
export const supply = (materials: string[], extra: Partial<CommandData['supply_materials']> = {}) =>
  command('supply_materials', { materials, ...extra }, applicantActor) as TestCommand;
export const fire = (timerId: string): TestCommand => command('timer_fired', { timerId }, system);

/** A case of the given matters received at T_SUBMIT and accepted by the clerk at T_ACCEPT. */
export function acceptedCase(
  matters: MatterSnapshot[],
  materials: string[],
  extra: Partial<CommandData['submit']> = {},
): Driver {
  const d = new Driver();
  d.run(submitCommand(matters, materials, extra), T_SUBMIT);
  d.run(accept, T_ACCEPT);
  return d;
}

export const jointCase = () => acceptedCase([JOINT], JOINT_MATERIALS);
export const adCase = () => acceptedCase([AD], AD_MATERIALS);

export function taskOf(state: CaseState, id: string) {
  const task = state.tasks.find((t) => t.id === id);
  if (!task) throw new Error(`no task ${id}`);
  return task;
}

export function only<T extends CaseEvent['type']>(events: CaseEvent[], type: T): Extract<CaseEvent, { type: T }> {
  const found = events.filter((e): e is Extract<CaseEvent, { type: T }> => e.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** OUTDOOR_AD_PERMIT approved by both departments: its certificate issued in the approving step. */
export function approvedWithCertificate(): Driver {
  const d = new Driver();
  d.run(submitCommand([AD], AD_MATERIALS), cst('2026-07-06 09:00'));
  d.run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), cst('2026-07-06 09:30'));
  for (const department of ['CITY_MANAGEMENT', 'TRAFFIC_POLICE']) {
    const taskId = `${CASE_NO}-OUTDOOR_AD_PERMIT-${department}`;
    d.run(
      command('give_opinion', { taskId, decision: 'approve' }, reviewer(`${department}-r`)),
      cst('2026-07-08 10:00'),
    );
  }
  return d;
}
