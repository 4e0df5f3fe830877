/**
 * rules/caseModel.ts: the case as a fold of its events. A long case folded at once equals the state built step by
 * step; the demo matters the hand-counted dates rest on.
 */
import { describe, expect, it } from 'vitest';
import { replay } from '../../rules/caseModel.ts';
import {
  DEFAULT_WARNING_DAYS,
  DELIVERY_LIMIT_DAYS,
  ESCALATED_REVIEW_DAYS,
  pendingTimers,
} from '../../rules/caseDecisions.ts';
import type { MatterSnapshot } from '../../rules/catalogue.ts';
import { endOfChinaDay } from '../../rules/workingDays.ts';
import { Driver, fold, submitCommand } from './fixtures.ts';
import {
  CASE_NO,
  JOINT,
  ESCALATED,
  AD,
  JOINT_MATERIALS,
  ESCALATED_MATERIALS,
  AD_MATERIALS,
  HOUSING,
  NATURAL_RESOURCES,
  CIVIL_AIR_DEFENCE,
  AD_CITY,
  AD_TRAFFIC,
  at,
  accept,
  approve,
  askFor,
  supply,
  fire,
  taskOf,
} from './lifecycleFixtures.ts';
import { clerk, command, head, reviewer } from '../support/commands.ts';

describe('the demo matters used here', () => {
  it('match the catalogue data the hand-counted dates rest on', () => {
    const summary = (m: MatterSnapshot) => [
      m.kind,
      m.departments.map((x) => `${x.code}${x.lead ? '*' : ''}`),
      m.statutoryLimitDays,
      m.promisedLimitDays,
      m.supplementLimitDays,
      m.warningDays,
    ];
    expect(summary(JOINT)).toEqual(['joint', ['HOUSING*', 'NATURAL_RESOURCES', 'CIVIL_AIR_DEFENCE'], 45, 15, 15, 3]);
    expect(summary(ESCALATED)).toEqual(['escalated', ['DISTRICT_HRSS', 'HRSS*'], 40, 30, 10, 3]);
    expect(ESCALATED.higherLevelLimitDays).toBe(10);
    expect(summary(AD)).toEqual(['promised', ['CITY_MANAGEMENT*', 'TRAFFIC_POLICE'], 20, 10, 10, 3]);
    expect(AD.materials.filter((m) => m.commitmentAllowed).map((m) => m.code)).toEqual(['OWNER_CONSENT']);
    expect(AD.materials.find((m) => m.code === 'AD_STRUCTURE_SAFETY')?.required).toBe(false);
    for (const [matter, materials] of [
      [JOINT, JOINT_MATERIALS],
      [ESCALATED, ESCALATED_MATERIALS],
      [AD, AD_MATERIALS],
    ] as const) {
      expect(matter.materials.filter((m) => m.required).map((m) => m.code)).toEqual(materials);
    }
    expect([ESCALATED_REVIEW_DAYS, DELIVERY_LIMIT_DAYS, DEFAULT_WARNING_DAYS]).toEqual([20, 10, 3]);
  });
});

describe('replay of a long case', () => {
  it('replay(all events) deep-equals the incrementally folded state', () => {
    // An online application for two matters (joint + promised), a one-time notice, supplements by post and at
    // the window, acceptance, a department supplement round, a special procedure, an extension, warnings,
    // opinions at both stages, certificates, delivery by post.
    const d = new Driver();
    d.run(
      submitCommand([JOINT, AD], ['COMPLETION_ACCEPTANCE_APPLICATION', 'OUTDOOR_AD_APPLICATION'], {
        channel: 'online',
        commitments: ['OWNER_CONSENT'],
      }),
      at('2026-07-06', '09:00'),
    );
    d.run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), at('2026-07-06', '15:00'));
    d.run(supply(['BUSINESS_LICENCE', 'COMPLETION_REPORT'], { channel: 'post' }), at('2026-07-08'));
    d.run(
      supply(['PLANNING_SURVEY_REPORT', 'FIRE_ACCEPTANCE_DOCS', 'CONSTRUCTION_ARCHIVE_RECEIPT', 'AD_DESIGN_DRAWING']),
      at('2026-07-09'),
    );
    expect(d.current.status).toBe('received');
    d.run(accept, at('2026-07-10'));
    // Fri 07-10 + 45 (9 weeks) = Fri 09-11; + 15 = Fri 07-31
    expect(d.current.deadlines).toEqual({ statutoryDue: '2026-09-11', promisedDue: '2026-07-31' });

    d.run(askFor(NATURAL_RESOURCES, ['PLANNING_SURVEY_REPORT'], '测绘报告缺少签章'), at('2026-07-13'));
    d.run(askFor(AD_TRAFFIC, ['AD_STRUCTURE_SAFETY'], '需结构安全证明'), at('2026-07-13', '11:00'));
    d.run(approve(CIVIL_AIR_DEFENCE), at('2026-07-14'));
    d.run(approve(AD_CITY), at('2026-07-14', '11:00'));
    expect(d.current.status).toBe('awaiting_supplement');
    d.run(supply(['PLANNING_SURVEY_REPORT', 'AD_STRUCTURE_SAFETY'], { channel: 'online' }), at('2026-07-16'));
    expect(d.current.clock.pausedWorkingDays).toBe(2);

    d.run(
      command(
        'start_special_procedure',
        { taskId: NATURAL_RESOURCES, procedure: 'inspection', expectedWorkingDays: 3, reason: '现场核验规划条件' },
        reviewer('nr-1'),
      ),
      at('2026-07-17'),
    );
    d.run(
      command('request_extension', { department: 'HOUSING', reason: '联合验收需协调' }, reviewer('h-1')),
      at('2026-07-20'),
    );
    d.run(
      command('decide_extension', { extensionId: `${CASE_NO}-X1`, decision: 'approve' }, head('head')),
      at('2026-07-21'),
    );
    d.run(
      command('end_special_procedure', { taskId: NATURAL_RESOURCES, procedureId: `${CASE_NO}-P1` }, reviewer('nr-1')),
      at('2026-07-22'),
    );
    // paused 2 + 3 (07-20, 21, 22), extended by 15: 07-10 + 15 + 5 + 15 = 07-10 + 35 = Fri 08-28
    expect(d.current.deadlines.promisedDue).toBe('2026-08-28');

    d.run(approve(NATURAL_RESOURCES), at('2026-07-23'));
    d.run(approve(AD_TRAFFIC), at('2026-07-23', '11:00'));
    expect(taskOf(d.current, HOUSING).status).toBe('open');
    // yellow 3 working days before Fri 08-28: end of Tue 08-25
    expect(pendingTimers(d.current)[0]).toEqual({ id: 'review:yellow:2026-08-28', dueAt: endOfChinaDay('2026-08-25') });
    d.run(fire('review:yellow:2026-08-28'), endOfChinaDay('2026-08-25'));
    d.run(approve(HOUSING), at('2026-08-26'));
    expect(d.current.status).toBe('approved');
    // Wed 08-26 + 10 = Wed 09-09
    expect(d.current.deadlines).toEqual({ deliveryDue: '2026-09-09' });
    d.run(command('deliver', { method: 'post', trackingNumber: 'EMS0001' }, clerk('clerk-02')), at('2026-08-27'));

    const state = d.current;
    expect(state.certificates).toHaveLength(2);
    expect(state.visits).toBe(1); // one supplement at the window
    expect(state.notices.map((n) => n.kind)).toEqual([
      'supplement',
      'accepted',
      'supplement',
      'special_procedure',
      'extension',
      'approved',
    ]);
    const replayed = replay(d.log);
    expect(replayed).toEqual(state);
    expect(replayed?.seq).toBe(d.log.length);
    // and every prefix replays to the state as it was then
    const prefix = d.log.slice(0, 20);
    expect(replay(prefix)).toEqual(fold(undefined, prefix));
  });
});
