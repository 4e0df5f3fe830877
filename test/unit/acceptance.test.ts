/**
 * rules/decisions/acceptance.ts: acceptance with deficiencies (容缺受理), commitments (告知承诺) and the certificate
 * library.
 * Driven through decide + evolve at fixed instants on real matters of the demo catalogue (./lifecycleFixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { evolve } from '../../rules/caseModel.ts';
import { certificatesToIssue, outstandingMaterials, pendingTimers } from '../../rules/caseDecisions.ts';
import { endOfChinaDay } from '../../rules/workingDays.ts';
import {
  Driver,
  deepFreeze,
  eventsOf,
  submitCommand,
  types,
  violationOf,
  decideAt,
  type TestCommand,
  given,
} from './fixtures.ts';
import {
  AD,
  AD_MATERIALS,
  AD_CITY,
  AD_TRAFFIC,
  nameOf,
  T_SUBMIT,
  T_ACCEPT,
  at,
  accept,
  approve,
  askFor,
  supply,
  fire,
  acceptedCase,
  only,
} from './lifecycleFixtures.ts';
import { clerk, command } from '../support/commands.ts';

describe('容缺受理 (accept with deficiencies)', () => {
  const WITHOUT_DRAWING = AD_MATERIALS.filter((c) => c !== 'AD_DESIGN_DRAWING');
  const acceptDeficient = (deficiencies?: string[], deficienciesDue?: string): TestCommand =>
    command(
      'decide_acceptance',
      {
        decision: 'accept_with_deficiencies',
        ...(deficiencies ? { deficiencies } : {}),
        ...(deficienciesDue ? { deficienciesDue } : {}),
      },
      clerk('clerk-01'),
    );

  function received(materials = WITHOUT_DRAWING): Driver {
    const d = new Driver();
    d.run(submitCommand([AD], materials), T_SUBMIT);
    return d;
  }

  /** Accepted Mon 07-06 with AD_DESIGN_DRAWING missing, both departments approve Wed 07-08. */
  function approvedDeficient(): Driver {
    const d = received();
    d.run(acceptDeficient(['AD_DESIGN_DRAWING']), T_ACCEPT);
    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    return d;
  }

  it('the deficiencies must be exactly the missing required materials', () => {
    const d = received();
    given(...d.log)
      .when(acceptDeficient(), T_ACCEPT)
      .refused({
        code: 'deficiencies_required',
        status: 422,
      });
    given(...d.log)
      .when(acceptDeficient(['AD_DESIGN_DRAWING', 'OWNER_CONSENT']), T_ACCEPT)
      .refused({
        code: 'not_deficient',
        status: 422,
        field: 'deficiencies',
      });
    given(...d.log)
      .when(acceptDeficient(['AD_DESIGN_DRAWING'], '2026-07-06'), T_ACCEPT)
      .refused({
        code: 'due_in_past',
        status: 422,
      });
    // a day that does not exist would make the case's later deadline computations throw (the case could never move)
    for (const impossible of ['2099-13-45', '2027-02-30']) {
      given(...d.log)
        .when(acceptDeficient(['AD_DESIGN_DRAWING'], impossible), T_ACCEPT)
        .refused({
          code: 'invalid_date',
          status: 422,
          field: 'deficienciesDue',
        });
    }
    const two = received(WITHOUT_DRAWING.filter((c) => c !== 'OWNER_CONSENT'));
    const v = violationOf(two.attempt(acceptDeficient(['AD_DESIGN_DRAWING']), T_ACCEPT));
    expect(v).toMatchObject({ code: 'materials_missing', status: 409 });
    expect(v.message).toContain(nameOf(AD, 'OWNER_CONSENT'));
  });

  it('accepted with a deficiency due date; approved, but no certificate until the material arrives', () => {
    const d = received();
    const events = d.run(acceptDeficient(['AD_DESIGN_DRAWING']), T_ACCEPT);
    // supplementLimitDays 10: Mon 07-06 + 10 = Mon 07-20
    expect(only(events, 'accepted').data).toMatchObject({
      deficiencies: ['AD_DESIGN_DRAWING'],
      deficienciesDue: '2026-07-20',
    });
    expect(d.current.deficiencies).toEqual(['AD_DESIGN_DRAWING']);
    expect(d.current.deadlines).toEqual({
      statutoryDue: '2026-08-03',
      promisedDue: '2026-07-20',
      deficienciesDue: '2026-07-20',
    });

    d.run(approve(AD_CITY), at('2026-07-08'));
    d.run(approve(AD_TRAFFIC), at('2026-07-08', '11:00'));
    let state = d.current;
    expect(state.status).toBe('approved');
    // Wed 07-08 + 10 = Wed 07-22
    expect(state.deadlines).toEqual({ deliveryDue: '2026-07-22', deficienciesDue: '2026-07-20' });
    expect(certificatesToIssue(state)).toEqual([]);
    given(...d.log)
      .when(command('deliver', { method: 'pickup' }, clerk('c')), at('2026-07-09'))
      .refused({
        code: 'certificates_withheld',
        status: 409,
      });
    // yellow 3 working days before: Fri 07-17 for delivery, Wed 07-15 for the deficiencies
    expect(pendingTimers(state)).toEqual([
      { id: 'delivery:yellow:2026-07-22', dueAt: endOfChinaDay('2026-07-17') },
      { id: 'delivery:red:2026-07-22', dueAt: endOfChinaDay('2026-07-22') },
      { id: 'deficiencies:yellow:2026-07-20', dueAt: endOfChinaDay('2026-07-15') },
      { id: 'deficiencies:red:2026-07-20', dueAt: endOfChinaDay('2026-07-20') },
    ]);

    const supplied = d.run(supply(['AD_DESIGN_DRAWING']), at('2026-07-13'));
    expect(types(supplied)).toEqual(['materials_supplied', 'certificate_issued']);
    state = d.current;
    expect(state.deficiencies).toEqual([]);
    expect(state.deadlines).toEqual({ deliveryDue: '2026-07-22' });
    expect(state.visits).toBe(2);
    expect(state.certificates.map((c) => c.matter)).toEqual(['OUTDOOR_AD_PERMIT']);
    expect(d.attempt(fire('deficiencies:red:2026-07-20'), endOfChinaDay('2026-07-20'))).toEqual({
      ok: true,
      events: [],
    });
  });

  it('`deficiencies:red:<due>` after the due date terminates the case with a notice', () => {
    const d = approvedDeficient();
    expect(d.attempt(fire('deficiencies:red:2026-07-20'), endOfChinaDay('2026-07-20') - 1)).toEqual({
      ok: true,
      events: [],
    });
    const { events, state } = given(...d.log)
      .when(fire('deficiencies:red:2026-07-20'), endOfChinaDay('2026-07-20'))
      .then(['deadline_warning', 'terminated', 'notice_sent']);
    expect(events[0]!.data).toEqual({ deadline: 'deficiencies', level: 'red', due: '2026-07-20' });
    expect(state.status).toBe('terminated');
    expect(state.reasons[0]).toContain(nameOf(AD, 'AD_DESIGN_DRAWING'));
    expect(state.notices.at(-1)?.kind).toBe('terminated');
    expect(state.notices.at(-1)?.body).toContain(nameOf(AD, 'AD_DESIGN_DRAWING'));
    expect(certificatesToIssue(state)).toEqual([]);
    expect(pendingTimers(state)).toEqual([]);
  });

  it('the deficiency timer also ends a case still under review, cancelling its tasks', () => {
    const d = received();
    d.run(acceptDeficient(['AD_DESIGN_DRAWING'], '2026-07-10'), T_ACCEPT);
    const events = d.run(fire('deficiencies:red:2026-07-10'), endOfChinaDay('2026-07-10'));
    expect(types(events)).toEqual([
      'deadline_warning',
      'task_cancelled',
      'task_cancelled',
      'terminated',
      'notice_sent',
    ]);
    expect(d.current.outcomes).toEqual({ OUTDOOR_AD_PERMIT: 'cancelled' });
  });

  // evolve must never change the state it folds into (here: deficienciesDue of the previous state's deadlines).
  it('supplying the last deficiency does not mutate the state it is folded into', () => {
    const d = approvedDeficient();
    const frozen = deepFreeze(structuredClone(d.current));
    const events = eventsOf(decideAt(frozen, supply(['AD_DESIGN_DRAWING']), at('2026-07-13')));
    const next = events.reduce(evolve, frozen);
    expect(next.deadlines).toEqual({ deliveryDue: '2026-07-22' });
    expect(frozen.deadlines).toEqual({ deliveryDue: '2026-07-22', deficienciesDue: '2026-07-20' });
  });
});

describe('告知承诺 and the certificate library', () => {
  it('a commitment stands in for a commitmentAllowed material; acceptance needs no document for it', () => {
    const d = new Driver();
    const materials = AD_MATERIALS.filter((c) => c !== 'OWNER_CONSENT');
    const events = d.run(submitCommand([AD], materials, { commitments: ['OWNER_CONSENT', 'OWNER_CONSENT'] }), T_SUBMIT);
    expect(only(events, 'received').data).toMatchObject({ commitments: ['OWNER_CONSENT'], channel: 'window' });
    expect(d.current.commitments).toEqual(['OWNER_CONSENT']);
    expect(d.current.materialsProvided).not.toContain('OWNER_CONSENT');
    expect(outstandingMaterials(d.current)).toEqual([]);
    d.run(accept, T_ACCEPT);
    expect(d.current.status).toBe('in_review');
  });

  it('a commitment for a material that does not allow one: commitment_not_allowed (422)', () => {
    const v = violationOf(
      decideAt(undefined, submitCommand([AD], AD_MATERIALS, { commitments: ['AD_DESIGN_DRAWING'] }), T_SUBMIT),
    );
    expect(v).toMatchObject({ code: 'commitment_not_allowed', status: 422, field: 'commitments' });
  });

  it('a supplement may be answered by a commitment where allowed, and only there', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE']), T_SUBMIT);
    d.run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), T_ACCEPT);
    expect(d.current.notices[0]!.items?.map((i) => i.code)).toEqual(['AD_DESIGN_DRAWING', 'OWNER_CONSENT']);
    given(...d.log)
      .when(supply([], { commitments: ['AD_DESIGN_DRAWING'] }), at('2026-07-07'))
      .refused({
        code: 'commitment_not_allowed',
        status: 422,
      });
    const events = d.run(supply(['AD_DESIGN_DRAWING'], { commitments: ['OWNER_CONSENT'] }), at('2026-07-07'));
    // complete: back to the clerk with a fresh 5 working days (Tue 07-07 + 5 = Tue 07-14)
    expect(events[0]!.data).toEqual({
      materials: ['AD_DESIGN_DRAWING'],
      commitments: ['OWNER_CONSENT'],
      channel: 'window',
      receivedOn: '2026-07-07',
      acceptanceDue: '2026-07-14',
    });
    expect(d.current.status).toBe('received');
    expect(d.current.commitments).toEqual(['OWNER_CONSENT']);
    d.run(accept, at('2026-07-08'));
    expect(d.current.status).toBe('in_review');
  });

  it('materials from the certificate library count as provided and never appear in a notice', () => {
    const d = new Driver();
    const fromLibrary = [{ material: 'BUSINESS_LICENCE', certificateNo: 'ZZ2026-000123-01' }];
    const events = d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'OWNER_CONSENT'], { fromLibrary }), T_SUBMIT);
    expect(only(events, 'received').data.fromLibrary).toEqual(fromLibrary);
    expect(outstandingMaterials(d.current).map((m) => m.code)).toEqual(['AD_DESIGN_DRAWING']);
    d.run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), T_ACCEPT);
    const notice = d.current.notices[0]!;
    expect(notice.items?.map((i) => i.code)).toEqual(['AD_DESIGN_DRAWING']);
    expect(notice.body).not.toContain('营业执照');
    d.run(supply(['AD_DESIGN_DRAWING']), at('2026-07-07'));
    d.run(accept, at('2026-07-07', '11:00'));
    expect(d.current.status).toBe('in_review');
  });

  // 上一环节已收取的材料不再重复提交; 能用电子证照的不要求复印件: a library material is never asked for.
  it('a department cannot put a certificate-library material into the consolidated notice', () => {
    const d = acceptedCase([AD], ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'], {
      fromLibrary: [{ material: 'BUSINESS_LICENCE', certificateNo: 'ZZ2026-000123-01' }],
    });
    const request = d.attempt(askFor(AD_CITY, ['BUSINESS_LICENCE'], '请提交营业执照复印件'), at('2026-07-07'));
    expect(violationOf(request)).toMatchObject({ status: 409, code: 'material_in_library' });
    d.run(approve(AD_TRAFFIC), at('2026-07-07', '11:00'));
    const asked = d.current.notices.flatMap((n) => n.items ?? []).map((i) => i.code);
    expect(asked).not.toContain('BUSINESS_LICENCE');
  });
});
