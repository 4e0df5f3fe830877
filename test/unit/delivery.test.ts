/**
 * rules/decisions/delivery.ts: delivery (送达) and visits (最多跑一次).
 * Driven through decide + evolve at fixed instants on real matters of the demo catalogue (./lifecycleFixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { certificatesToIssue, pendingTimers } from '../../rules/caseDecisions.ts';
import { replay, type CaseEvent } from '../../rules/caseModel.ts';
import {
  Driver,
  cst,
  deepFreeze,
  decideAt,
  submitCommand,
  types,
  violationOf,
  type TestCommand,
  given,
} from './fixtures.ts';
import {
  AD,
  AD_MATERIALS,
  AD_CITY,
  AD_TRAFFIC,
  T_SUBMIT,
  T_ACCEPT,
  at,
  approve,
  supply,
  acceptedCase,
  adCase,
  approvedWithCertificate,
} from './lifecycleFixtures.ts';
import { clerk, command, reviewer } from '../support/commands.ts';
import type { CommandData } from '../../rules/caseDecisions.ts';

describe('delivery (送达) and visits (最多跑一次)', () => {
  function approvedAd(channel: 'window' | 'online' = 'window'): Driver {
    const d = acceptedCase([AD], AD_MATERIALS, { channel });
    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    return d;
  }
  const pickup: TestCommand = command('deliver', { method: 'pickup' }, clerk('clerk-02'));

  it('not before approval; not before the certificate; pickup counts a visit; only once', () => {
    const d = adCase();
    given(...d.log)
      .when(pickup, at('2026-07-07'))
      .refused({ code: 'not_decided', status: 409 });
    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    // 同步发证: the approving step issued the certificate
    expect(d.current.certificates.map((c) => [c.certificateNo, c.matter, c.issuedOn])).toEqual([
      ['ZZYM-2026-000001-01', 'OUTDOOR_AD_PERMIT', '2026-07-08'],
    ]);
    expect(certificatesToIssue(d.current)).toEqual([]);
    given(...d.log)
      .when(command('deliver', { method: 'post' }, clerk('c')), at('2026-07-09'))
      .refused({
        code: 'tracking_number_required',
        status: 422,
        field: 'trackingNumber',
      });
    given(...d.log)
      .when(command('deliver', { method: 'post', trackingNumber: ' ' }, clerk('c')), at('2026-07-09'))
      .refused({ code: 'tracking_number_required' });

    expect(d.current.visits).toBe(1);
    const events = d.run(pickup, at('2026-07-13'));
    expect(types(events)).toEqual(['delivered']);
    expect(events[0]!.data).toEqual({ method: 'pickup', on: '2026-07-13', by: 'clerk-02' });
    const state = d.current;
    expect(state.delivery).toEqual({ method: 'pickup', on: '2026-07-13', by: 'clerk-02' });
    expect(state.visits).toBe(2);
    expect(state.deadlines).toEqual({});
    expect(pendingTimers(state)).toEqual([]);
    given(...d.log)
      .when(pickup, at('2026-07-14'))
      .refused({ code: 'already_delivered', status: 409 });
  });

  it('an online application delivered by post needs no visit at all', () => {
    const d = approvedAd('online');
    expect(d.log[0]!.data).toMatchObject({ channel: 'online' });
    expect(d.current.visits).toBe(0);
    d.run(command('deliver', { method: 'post', trackingNumber: 'SF1234567890' }, clerk('clerk-02')), at('2026-07-09'));
    expect(d.current.delivery).toEqual({
      method: 'post',
      trackingNumber: 'SF1234567890',
      on: '2026-07-09',
      by: 'clerk-02',
    });
    expect(d.current.visits).toBe(0);
  });

  it('visits: window submission 1, online 0; a supplement at the window +1, online or by post +0', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION'], { channel: 'online' }), T_SUBMIT);
    expect(d.current.visits).toBe(0);
    d.run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), T_ACCEPT);
    d.run(supply(['BUSINESS_LICENCE'], { channel: 'post' }), at('2026-07-07'));
    expect(d.current.visits).toBe(0);
    d.run(supply(['AD_DESIGN_DRAWING'], { channel: 'online' }), at('2026-07-08'));
    expect(d.current.visits).toBe(0);
    d.run(supply(['OWNER_CONSENT']), at('2026-07-09'));
    expect(d.current.visits).toBe(1);
    expect(d.log.at(-1)!.data).toMatchObject({ channel: 'window', receivedOn: '2026-07-09' });
  });
});

const CERT = 'ZZYM-2026-000001-01';

const revoke = (overrides: Partial<CommandData['revoke_certificate']> = {}): TestCommand =>
  command(
    'revoke_certificate',
    { certificateNo: CERT, department: 'CITY_MANAGEMENT', reason: '以欺骗手段取得许可，依法撤销', ...overrides },
    reviewer('cm-head'),
  );

describe('revoke_certificate (注销)', () => {
  it('the issuing department revokes it: one event, the certificate marked, nothing else changes', () => {
    const d = approvedWithCertificate();
    d.run(command('deliver', { method: 'pickup' }, clerk('clerk-02')), cst('2026-07-09 10:00'));
    const before = deepFreeze(d.current);
    // a finished, delivered case still takes it: the certificate outlives the case
    const { state: after } = given(...d.log)
      .when(revoke(), cst('2027-01-05 15:00'))
      .then([
        {
          type: 'certificate_revoked',
          actor: { kind: 'reviewer', id: 'cm-head' },
          data: {
            certificateNo: CERT,
            department: 'CITY_MANAGEMENT',
            reason: '以欺骗手段取得许可，依法撤销',
            by: 'cm-head',
          },
          at: '2027-01-05T07:00:00.000Z',
        },
      ]);
    d.run(revoke(), cst('2027-01-05 15:00'));
    expect(after.certificates[0]!.revoked).toEqual({
      at: '2027-01-05T07:00:00.000Z',
      department: 'CITY_MANAGEMENT',
      by: 'cm-head',
      reason: '以欺骗手段取得许可，依法撤销',
    });
    expect({ ...after, certificates: before.certificates, seq: before.seq, lastEventAt: before.lastEventAt }).toEqual(
      before,
    );
    // a revoked certificate is not issued again
    expect(certificatesToIssue(after)).toEqual([]);
    // replaying the log gives the same state
    expect(replay(d.log as CaseEvent[])).toEqual(after);
  });

  it('another department: 403 not_issuing_department naming the field; nothing recorded', () => {
    const d = approvedWithCertificate();
    given(...d.log)
      .when(revoke({ department: 'TRAFFIC_POLICE' }), cst('2026-07-10 10:00'))
      .refused({
        status: 403,
        code: 'not_issuing_department',
        field: 'department',
      });
    expect(violationOf(d.attempt(revoke({ department: 'SAMR' }), cst('2026-07-10 10:00'))).status).toBe(403);
  });

  it('unknown certificate 404, already revoked 409, blank reason 422', () => {
    const d = approvedWithCertificate();
    given(...d.log)
      .when(revoke({ certificateNo: 'ZZ-NOPE' }), cst('2026-07-10 10:00'))
      .refused({
        status: 404,
        code: 'certificate_not_found',
        field: 'certificateNo',
      });
    given(...d.log)
      .when(revoke({ reason: '  ' }), cst('2026-07-10 10:00'))
      .refused({
        status: 422,
        code: 'reason_required',
        field: 'reason',
      });
    d.run(revoke(), cst('2026-07-10 10:00'));
    given(...d.log)
      .when(revoke(), cst('2026-07-11 10:00'))
      .refused({
        status: 409,
        code: 'certificate_already_revoked',
      });
  });

  it('no case: 404 case_not_found', () => {
    expect(violationOf(decideAt(undefined, revoke(), cst('2026-07-10 10:00'))).code).toBe('case_not_found');
  });
});
