/**
 * rules/decisions/materialFiles.ts and the fold: files handed in per material are recorded in `received` and
 * `materials_supplied` (hashes included) only when there are any, and 原件已核 at submission or later.
 */
import { describe, expect, it } from 'vitest';
import { decide, type CaseCommand } from '../../rules/caseDecisions.ts';
import type { MaterialFile } from '../../rules/caseModel.ts';
import { caseMaterials } from '../../api/caseView.ts';
import { Driver, eventsOf, submitCommand, violationOf } from './fixtures.ts';
import { AD, AD_MATERIALS, T_SUBMIT, T_ACCEPT, at, accept, only, supply } from './lifecycleFixtures.ts';

const file = (material: string, n: number, pages?: number): MaterialFile => ({
  material,
  id: `file${String(n).padStart(18, '0')}`,
  sha256: String(n).repeat(64).slice(0, 64),
  contentType: pages ? 'application/pdf' : 'image/png',
  size: 1000 + n,
  ...(pages ? { pages } : {}),
});

const clerk = { kind: 'clerk' as const, id: 'clerk1', role: 'clerk', window: 'W01' };
const originalSeen = (material: string, atMs: number): CaseCommand => ({
  type: 'mark_original_seen',
  data: { material },
  meta: { actor: clerk, at: new Date(atMs).toISOString() },
});

describe('files in the record', () => {
  it('a submission without files records exactly what it did before files existed (no files, no originalsSeen)', () => {
    const d = new Driver();
    const [received] = d.run(submitCommand([AD], AD_MATERIALS), T_SUBMIT);
    expect(received?.data).not.toHaveProperty('files');
    expect(received?.data).not.toHaveProperty('originalsSeen');
    expect(d.current).not.toHaveProperty('materialFiles');
    expect(d.current).not.toHaveProperty('originalsSeen');
  });

  it('a submission with files records each with its hash; the state and the view keep them per material', () => {
    const files = [file('OUTDOOR_AD_APPLICATION', 1, 3), file('BUSINESS_LICENCE', 2)];
    const d = new Driver();
    d.run(submitCommand([AD], AD_MATERIALS, { files, originalsSeen: ['BUSINESS_LICENCE'] }), T_SUBMIT);
    const received = only(d.log, 'received');
    expect(received.data.files).toEqual(files);
    expect(received.data.originalsSeen).toEqual(['BUSINESS_LICENCE']);
    const view = caseMaterials(d.current, new Map([[files[0]!.id, '申请表_13800138000.pdf']]));
    const application = view.find((m) => m.code === 'OUTDOOR_AD_APPLICATION');
    expect(application).toMatchObject({ provided: true, originalSeen: false, required: true });
    expect(application?.files).toEqual([
      {
        id: files[0]!.id,
        sha256: files[0]!.sha256,
        contentType: 'application/pdf',
        size: 1001,
        pages: 3,
        fileName: '申请表_13800138000.pdf',
      },
    ]);
    const licence = view.find((m) => m.code === 'BUSINESS_LICENCE');
    expect(licence).toMatchObject({ originalSeen: true });
    expect(licence?.files[0]).not.toHaveProperty('fileName');
  });

  it('a file of a material not handed in, or an original of one, is refused', () => {
    const d = new Driver();
    const stray = d.attempt(
      submitCommand([AD], ['OUTDOOR_AD_APPLICATION'], { files: [file('OWNER_CONSENT', 3)] }),
      T_SUBMIT,
    );
    expect(violationOf(stray)).toMatchObject({ code: 'material_not_handed_in', field: 'materials', status: 422 });
    const original = d.attempt(
      submitCommand([AD], ['OUTDOOR_AD_APPLICATION'], { originalsSeen: ['OWNER_CONSENT'] }),
      T_SUBMIT,
    );
    expect(violationOf(original).code).toBe('material_not_handed_in');
  });

  it('a supplement with files appends them to the material; one without records none', () => {
    const d = new Driver();
    d.run(
      submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'], { files: [file('AD_DESIGN_DRAWING', 4)] }),
      T_SUBMIT,
    );
    d.run({ type: 'decide_acceptance', decision: 'supplement', clerkId: 'clerk-01' }, T_ACCEPT);
    const plain = d.attempt(supply(['BUSINESS_LICENCE']), at('2026-07-07'));
    expect(eventsOf(plain)[0]?.data).not.toHaveProperty('files');
    const more = [file('BUSINESS_LICENCE', 5), file('OWNER_CONSENT', 6, 1)];
    d.run(supply(['BUSINESS_LICENCE', 'OWNER_CONSENT'], { files: more }), at('2026-07-07'));
    expect(only(d.log, 'materials_supplied').data.files).toEqual(more);
    expect(d.current.materialFiles?.map((f) => f.material)).toEqual([
      'AD_DESIGN_DRAWING',
      'BUSINESS_LICENCE',
      'OWNER_CONSENT',
    ]);
    expect(d.current.status).toBe('received');
  });
});

describe('原件已核 (original seen) later', () => {
  it('a clerk marks a material handed in: event original_seen, the state remembers it', () => {
    const d = new Driver();
    d.run(submitCommand([AD], AD_MATERIALS), T_SUBMIT);
    const events = eventsOf(decide(d.state, originalSeen('BUSINESS_LICENCE', T_ACCEPT)));
    expect(events.map((e) => [e.type, e.data, e.actor.id])).toEqual([
      ['original_seen', { materials: ['BUSINESS_LICENCE'] }, 'clerk1'],
    ]);
    for (const e of events) d.record(e);
    expect(d.current.originalsSeen).toEqual(['BUSINESS_LICENCE']);
    expect(violationOf(decide(d.state, originalSeen('BUSINESS_LICENCE', T_ACCEPT)))).toMatchObject({
      code: 'original_already_seen',
      status: 409,
    });
  });

  it('refused for a material not handed in, one the case does not need, or a finished case', () => {
    const d = new Driver();
    d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION']), T_SUBMIT);
    expect(violationOf(decide(d.state, originalSeen('OWNER_CONSENT', T_ACCEPT)))).toMatchObject({
      code: 'material_not_provided',
      field: 'code',
      status: 409,
    });
    expect(violationOf(decide(d.state, originalSeen('FOOD_SAFETY_RULES', T_ACCEPT)))).toMatchObject({
      code: 'unknown_material',
      status: 422,
    });
    d.run({ type: 'decide_acceptance', decision: 'reject', reason: '不属于本机关职权', clerkId: 'clerk-01' }, T_ACCEPT);
    expect(violationOf(decide(d.state, originalSeen('OUTDOOR_AD_APPLICATION', T_ACCEPT))).code).toBe('already_decided');
  });

  it('accept is unaffected by files: the same events with or without them after the received event', () => {
    const plain = new Driver();
    plain.run(submitCommand([AD], AD_MATERIALS), T_SUBMIT);
    const withFiles = new Driver();
    withFiles.run(submitCommand([AD], AD_MATERIALS, { files: [file('OWNER_CONSENT', 7)] }), T_SUBMIT);
    expect(withFiles.run(accept, T_ACCEPT)).toEqual(plain.run(accept, T_ACCEPT));
  });
});
