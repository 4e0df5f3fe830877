/**
 * Real case paths for the audit tests, driven through decide + evolve as the workflow does: every deadline timer
 * that falls due before a command fires first (at its due instant); certificates come in the approving step.
 * The result is the record as PostgreSQL would hold it: events with sequence numbers and chain.
 */
import { pendingTimers } from '../../rules/caseDecisions.ts';
import type { CaseEvent, CaseState } from '../../rules/caseModel.ts';
import { extendChain, type ChainHead } from '../../integrity/hashChain.ts';
import type { MatterSnapshot } from '../../rules/catalogue.ts';
import { Driver, cst, snapshot, submitCommand, themeSnapshots, type TestCommand } from './fixtures.ts';
import { applicantActor, clerk, command, head, reviewer, system } from '../support/commands.ts';

export const CASE_NO = 'YM-2026-000001';
const AD = snapshot('OUTDOOR_AD_PERMIT');
const JOINT = snapshot('CONSTRUCTION_COMPLETION_ACCEPTANCE');
const ESCALATED = snapshot('LABOUR_DISPATCH_LICENCE');
const IMMEDIATE = snapshot('BUSINESS_REGISTRATION');

const required = (m: MatterSnapshot) => m.materials.filter((x) => x.required).map((x) => x.code);
const taskId = (matter: MatterSnapshot, department: string) => `${CASE_NO}-${matter.code}-${department}`;

export interface RecordRow {
  seq: number;
  type: string;
  at: string;
  actor: unknown;
  data: unknown;
  prevHash: string | null;
  hash: string | null;
}

export class CasePath {
  readonly driver = new Driver();

  /** Fire every timer due by `untilMs`, earliest first, at its due instant (never before the last event). */
  fireTimers(untilMs: number): void {
    for (;;) {
      const next = pendingTimers(this.driver.state)
        .filter((t) => t.dueAt <= untilMs)
        .sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!next) return;
      const last = this.driver.state ? Date.parse(this.driver.state.lastEventAt) : 0;
      this.step(command('timer_fired', { timerId: next.id }, system), Math.max(next.dueAt, last));
    }
  }

  /** A command at a China wall-clock time, after the timers due before it. */
  run(command: TestCommand, wallClock: string): this {
    const ms = cst(wallClock);
    this.fireTimers(ms);
    this.step(command, ms);
    return this;
  }

  private step(command: TestCommand, ms: number): void {
    this.driver.run(command, ms);
  }

  get state(): CaseState {
    return this.driver.current;
  }

  get events(): CaseEvent[] {
    return this.driver.log;
  }

  /** The record as stored: sequence numbers and the hash chain, and the head the engine holds. */
  record(): { rows: RecordRow[]; head: ChainHead } {
    const { chained, head } = extendChain(CASE_NO, undefined, 1, this.driver.log);
    return {
      rows: chained.map((e) => ({
        seq: e.seq,
        type: e.type,
        at: e.at,
        actor: e.actor,
        data: e.data,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
      head,
    };
  }
}

const submit = (matters: MatterSnapshot[], materials: string[], extra = {}) =>
  submitCommand(matters, materials, { caseNo: CASE_NO, ...extra });

/**
 * Outdoor advertising permit: two departments ask for material (one consolidated notice, clock paused two working
 * days), an expert review (paused four), a 10-day extension, approval with its certificate, pickup.
 */
export function fullReviewPath(): CasePath {
  const cm = taskId(AD, 'CITY_MANAGEMENT');
  const tp = taskId(AD, 'TRAFFIC_POLICE');
  const reason = '需补充说明';
  return new CasePath()
    .run(submit([AD], required(AD)), '2026-07-06 10:00')
    .run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), '2026-07-06 11:00')
    .run(
      command(
        'give_opinion',
        { taskId: cm, decision: 'supplement', materials: ['AD_STRUCTURE_SAFETY'], reason },
        reviewer('cm-01'),
      ),
      '2026-07-07 10:00',
    )
    .run(
      command(
        'give_opinion',
        { taskId: tp, decision: 'supplement', materials: ['AD_DESIGN_DRAWING'], reason },
        reviewer('tp-01'),
      ),
      '2026-07-07 11:00',
    )
    .run(
      command('supply_materials', { materials: ['AD_STRUCTURE_SAFETY', 'AD_DESIGN_DRAWING'] }, applicantActor),
      '2026-07-09 10:00',
    )
    .run(
      command(
        'start_special_procedure',
        { taskId: cm, procedure: 'expert_review', expectedWorkingDays: 5, reason: '大型招牌需专家评审' },
        reviewer('cm-01'),
      ),
      '2026-07-10 10:00',
    )
    .run(
      command('request_extension', { department: 'TRAFFIC_POLICE', reason: '需现场踏勘' }, reviewer('tp-01')),
      '2026-07-13 10:00',
    )
    .run(
      command('decide_extension', { extensionId: `${CASE_NO}-X1`, decision: 'approve' }, head('tp-head')),
      '2026-07-13 11:00',
    )
    .run(
      command('end_special_procedure', { taskId: cm, procedureId: `${CASE_NO}-P1` }, reviewer('cm-01')),
      '2026-07-16 10:00',
    )
    .run(command('give_opinion', { taskId: tp, decision: 'approve' }, reviewer('tp-01')), '2026-07-17 10:00')
    .run(command('give_opinion', { taskId: cm, decision: 'approve' }, reviewer('cm-01')), '2026-07-17 11:00')
    .run(command('deliver', { method: 'pickup' }, clerk('clerk-02')), '2026-07-20 10:00');
}

/**
 * Materials missing at the window: a one-time notice, the material arrives, the clerk stays silent and the case is
 * deemed accepted (第32条) from the day the material arrived; the review runs late past both warnings.
 */
export function deemedAcceptancePath(): CasePath {
  const materials = required(AD).filter((m) => m !== 'OWNER_CONSENT');
  return new CasePath()
    .run(submit([AD], materials), '2026-07-06 10:00')
    .run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), '2026-07-06 10:30')
    .run(command('supply_materials', { materials: ['OWNER_CONSENT'] }, applicantActor), '2026-07-08 15:00')
    .run(
      command('give_opinion', { taskId: taskId(AD, 'TRAFFIC_POLICE'), decision: 'approve' }, reviewer('tp-01')),
      '2026-07-24 10:00',
    )
    .run(
      command('give_opinion', { taskId: taskId(AD, 'CITY_MANAGEMENT'), decision: 'approve' }, reviewer('cm-01')),
      '2026-07-24 11:00',
    );
}

/** 上报件: the district reviews first (20 days, 第43条), the city opens on the day it answers. */
export function escalatedPath(): CasePath {
  return new CasePath()
    .run(submit([ESCALATED], required(ESCALATED)), '2026-07-06 10:00')
    .run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), '2026-07-06 11:00')
    .run(
      command('give_opinion', { taskId: taskId(ESCALATED, 'DISTRICT_HRSS'), decision: 'approve' }, reviewer('d-01')),
      '2026-07-10 10:00',
    )
    .run(
      command('give_opinion', { taskId: taskId(ESCALATED, 'HRSS'), decision: 'approve' }, reviewer('h-01')),
      '2026-07-14 10:00',
    );
}

/** 联办件 of 45 days: extended by 15 (第42条), then refused by the lead department. */
export function jointRefusedPath(): CasePath {
  return new CasePath()
    .run(submit([JOINT], required(JOINT)), '2026-07-06 10:00')
    .run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), '2026-07-06 11:00')
    .run(
      command('request_extension', { department: 'HOUSING', reason: '联合验收需现场核验' }, reviewer('hs-01')),
      '2026-07-08 10:00',
    )
    .run(
      command('decide_extension', { extensionId: `${CASE_NO}-X1`, decision: 'approve' }, head('hs-head')),
      '2026-07-08 11:00',
    )
    .run(
      command('give_opinion', { taskId: taskId(JOINT, 'NATURAL_RESOURCES'), decision: 'approve' }, reviewer('nr-01')),
      '2026-07-09 10:00',
    )
    .run(
      command('give_opinion', { taskId: taskId(JOINT, 'CIVIL_AIR_DEFENCE'), decision: 'approve' }, reviewer('ca-01')),
      '2026-07-10 10:00',
    )
    .run(
      command(
        'give_opinion',
        { taskId: taskId(JOINT, 'HOUSING'), decision: 'refuse', reason: '竣工验收资料不全' },
        reviewer('hs-01'),
      ),
      '2026-07-13 10:00',
    );
}

/** 即办件: accepted and approved on the spot, certificate posted. */
export function immediatePath(): CasePath {
  return new CasePath()
    .run(submit([IMMEDIATE], required(IMMEDIATE), { channel: 'online' }), '2026-07-06 10:00')
    .run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), '2026-07-06 10:20')
    .run(command('deliver', { method: 'post', trackingNumber: 'SF123' }, clerk('clerk-01')), '2026-07-07 09:00');
}

/** A case in review: accepted, one department approved. */
export function inReviewPath(): CasePath {
  return new CasePath()
    .run(submit([AD], required(AD)), '2026-07-06 10:00')
    .run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), '2026-07-06 11:00')
    .run(
      command('give_opinion', { taskId: taskId(AD, 'TRAFFIC_POLICE'), decision: 'approve' }, reviewer('tp-01')),
      '2026-07-07 10:00',
    );
}

/**
 * 开办餐馆一件事 under rules 2 (each matter its own outcome): one matter refused, the rest approved on a later day;
 * the case ends partially approved with its delivery due date and certificates for the approved matters.
 */
export function themePartlyApprovedPath(): CasePath {
  const matters = themeSnapshots('OPEN_RESTAURANT');
  const materials = [...new Set(matters.flatMap(required))];
  const approve = (matter: string, department: string): TestCommand =>
    command(
      'give_opinion',
      { taskId: `${CASE_NO}-${matter}-${department}`, decision: 'approve' },
      reviewer('reviewer-1'),
    );
  return new CasePath()
    .run(
      submit(matters, materials, { theme: { code: 'OPEN_RESTAURANT', name: '开办餐馆一件事' }, rules: 2 }),
      '2026-09-18 10:00',
    )
    .run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), '2026-09-18 15:00')
    .run(approve('FOOD_BUSINESS_LICENCE', 'SAMR'), '2026-09-22 11:00')
    .run(
      command(
        'give_opinion',
        { taskId: `${CASE_NO}-OUTDOOR_AD_PERMIT-TRAFFIC_POLICE`, decision: 'refuse', reason: '设置位置遮挡交通信号灯' },
        reviewer('tp-01'),
      ),
      '2026-09-22 11:30',
    )
    .run(approve('FIRE_SAFETY_INSPECTION', 'FIRE_RESCUE'), '2026-09-28 10:00')
    .run(approve('SEWAGE_DISCHARGE_PERMIT', 'WATER'), '2026-10-09 10:00')
    .run(command('deliver', { method: 'pickup' }, clerk('clerk-02')), '2026-10-12 10:00');
}
