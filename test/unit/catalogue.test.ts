/** The matter catalogue (事项目录): consistency checks and the snapshot a case keeps. */
import { describe, expect, it } from 'vitest';
import { catalogueProblems, snapshotMatter, type Catalogue, type Matter } from '../../rules/catalogue.ts';
import { loadDemoCatalogue } from './fixtures.ts';

/** A fresh, mutable copy of the demo catalogue. */
function demo(): Catalogue {
  return loadDemoCatalogue();
}

function matterOf(catalogue: Catalogue, code: string): Matter {
  const matter = catalogue.matters.find((m) => m.code === code);
  if (!matter) throw new Error(`no matter ${code}`);
  return matter;
}

describe('catalogueProblems', () => {
  it('finds nothing wrong with the demo catalogue', () => {
    const catalogue = demo();
    expect(catalogue.matters.length).toBeGreaterThan(0);
    expect(catalogueProblems(catalogue)).toEqual([]);
  });

  it('reports a matter with two lead departments', () => {
    const catalogue = demo();
    // 户外广告: CITY_MANAGEMENT leads, TRAFFIC_POLICE co-reviews. Make both leads.
    const traffic = matterOf(catalogue, 'OUTDOOR_AD_PERMIT').departments.find((d) => d.code === 'TRAFFIC_POLICE');
    if (!traffic) throw new Error('fixture changed');
    traffic.lead = true;
    const problems = catalogueProblems(catalogue);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('OUTDOOR_AD_PERMIT');
    expect(problems[0]).toContain('2 lead');
  });

  it('reports a matter with no lead department', () => {
    const catalogue = demo();
    matterOf(catalogue, 'FOOD_BUSINESS_LICENCE').departments[0]!.lead = false;
    const problems = catalogueProblems(catalogue);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('FOOD_BUSINESS_LICENCE');
    expect(problems[0]).toContain('0 lead');
  });

  it('reports an unknown department code', () => {
    const catalogue = demo();
    matterOf(catalogue, 'CONSTRUCTION_COMPLETION_ACCEPTANCE').departments.push({ code: 'NO_SUCH_DEPT', lead: false });
    const problems = catalogueProblems(catalogue);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('CONSTRUCTION_COMPLETION_ACCEPTANCE');
    expect(problems[0]).toContain('NO_SUCH_DEPT');
  });

  it('reports an unknown department even when it is the lead (two problems on one matter are both reported)', () => {
    const catalogue = demo();
    const matter = matterOf(catalogue, 'SEWAGE_DISCHARGE_PERMIT');
    matter.departments = [
      { code: 'WATER', lead: true },
      { code: 'WATER_BOARD', lead: true },
    ];
    const problems = catalogueProblems(catalogue);
    expect(problems).toHaveLength(2);
    expect(problems.some((p) => p.includes('WATER_BOARD'))).toBe(true);
    expect(problems.some((p) => p.includes('2 lead'))).toBe(true);
  });

  it('reports unknown materials, a promised limit above the statutory one, bad issuing matters and theme members', () => {
    const catalogue = demo();
    matterOf(catalogue, 'FIRE_SAFETY_INSPECTION').materials.push({ code: 'NO_SUCH_MATERIAL', required: true });
    matterOf(catalogue, 'FOOD_BUSINESS_LICENCE').promisedLimitDays = 11; // statutory is 10
    catalogue.materials.push({ code: 'GHOST_CERT', name: '幽灵证照', issuedByMatter: 'NO_SUCH_MATTER' });
    catalogue.themes[0]!.matters.push('NO_SUCH_THEME_MATTER');
    const problems = catalogueProblems(catalogue);
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.includes('FIRE_SAFETY_INSPECTION') && p.includes('NO_SUCH_MATERIAL'))).toBe(true);
    expect(problems.some((p) => p.includes('FOOD_BUSINESS_LICENCE') && p.includes('promised'))).toBe(true);
    expect(problems.some((p) => p.includes('GHOST_CERT') && p.includes('NO_SUCH_MATTER'))).toBe(true);
    expect(problems.some((p) => p.includes(catalogue.themes[0]!.code) && p.includes('NO_SUCH_THEME_MATTER'))).toBe(
      true,
    );
  });

  it('accepts a promised limit equal to the statutory one', () => {
    const catalogue = demo();
    matterOf(catalogue, 'FOOD_BUSINESS_LICENCE').promisedLimitDays = 10;
    expect(catalogueProblems(catalogue)).toEqual([]);
  });

  // Otherwise decideAt() would open two review tasks with the same id `${caseNo}-${matter}-${department}`.
  it('reports a matter that lists the same department twice', () => {
    const catalogue = demo();
    matterOf(catalogue, 'OUTDOOR_AD_PERMIT').departments.push({ code: 'TRAFFIC_POLICE', lead: false });
    expect(catalogueProblems(catalogue)).not.toEqual([]);
  });
});

describe('snapshotMatter', () => {
  it('copies the matter with department and material names resolved and the catalogue version', () => {
    const catalogue = demo();
    const snap = snapshotMatter(catalogue, matterOf(catalogue, 'OUTDOOR_AD_PERMIT'));
    expect(snap.code).toBe('OUTDOOR_AD_PERMIT');
    expect(snap.name).toBe('户外广告及招牌设施设置审批');
    expect(snap.kind).toBe('promised');
    expect(snap.catalogueVersion).toBe(catalogue.version);
    expect(snap.departments).toEqual([
      { code: 'CITY_MANAGEMENT', name: '市城市管理局', lead: true },
      { code: 'TRAFFIC_POLICE', name: '市公安局交通警察支队', lead: false },
    ]);
    expect(snap.statutoryLimitDays).toBe(20);
    expect(snap.promisedLimitDays).toBe(10);
    expect(snap.supplementLimitDays).toBe(10);
    expect(snap.result).toEqual({ type: 'licence', name: '户外广告及招牌设施设置许可证' });
    const licence = snap.materials.find((m) => m.code === 'BUSINESS_LICENCE');
    expect(licence).toEqual({
      code: 'BUSINESS_LICENCE',
      required: true,
      name: '营业执照',
      issuedByMatter: 'BUSINESS_REGISTRATION',
    });
    const drawing = snap.materials.find((m) => m.code === 'AD_DESIGN_DRAWING');
    expect(drawing).toEqual({
      code: 'AD_DESIGN_DRAWING',
      required: true,
      name: '设施设计效果图、设置位置示意图及规格尺寸说明',
    });
    expect(drawing).not.toHaveProperty('issuedByMatter');
    expect(snap.materials.find((m) => m.code === 'OWNER_CONSENT')?.commitmentAllowed).toBe(true);
    // the service guide and fees are not part of what a case keeps
    expect(snap).not.toHaveProperty('guide');
    expect(snap).not.toHaveProperty('fee');
  });

  it('is independent of later changes to the catalogue (a case keeps the version it was received with)', () => {
    const catalogue = demo();
    const snap = snapshotMatter(catalogue, matterOf(catalogue, 'FOOD_BUSINESS_LICENCE'));
    catalogue.departments.find((d) => d.code === 'SAMR')!.name = '改名后的部门';
    expect(snap.departments[0]!.name).toBe('市市场监督管理局');
  });
});
