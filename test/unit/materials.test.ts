/**
 * missingMaterials = the content of the one-time notice (一次性告知). Expected lists are read off the demo catalogue
 * (db/seed/catalogue.json) by hand; see the comment on each test.
 */
import { describe, expect, it } from 'vitest';
import { missingMaterials } from '../../rules/materials.ts';
import type { MissingMaterial } from '../../rules/notices.ts';
import { snapshot, themeSnapshots } from './fixtures.ts';

const byCode = (list: MissingMaterial[]) => new Map(list.map((m) => [m.code, m]));
const codes = (list: MissingMaterial[]) => list.map((m) => m.code).sort();

describe('missingMaterials', () => {
  it('lists every required material of 企业开办一件事 once, with every matter that needs it', () => {
    // START_BUSINESS = 企业设立登记 + 公章刻制备案 + 新办纳税人涉税事项办理 + 单位参保登记. Required materials:
    //   企业设立登记: COMPANY_REGISTRATION_APPLICATION, ARTICLES_OF_ASSOCIATION, APPLICANT_ID, PREMISES_PROOF
    //   公章刻制备案: SEAL_FILING_FORM, BUSINESS_LICENCE, APPLICANT_ID
    //   新办纳税人:   BUSINESS_LICENCE, APPLICANT_ID, FINANCE_STAFF_ID   (PREMISES_PROOF optional here)
    //   单位参保登记: SOCIAL_INSURANCE_FORM, BUSINESS_LICENCE, APPLICANT_ID
    // BUSINESS_LICENCE is issued by 企业设立登记 (in the same application), so it is not asked for.
    // AGENT_AUTHORISATION is optional everywhere.
    const missing = missingMaterials(themeSnapshots('START_BUSINESS'), []);
    expect(codes(missing)).toEqual(
      [
        'APPLICANT_ID',
        'ARTICLES_OF_ASSOCIATION',
        'COMPANY_REGISTRATION_APPLICATION',
        'FINANCE_STAFF_ID',
        'PREMISES_PROOF',
        'SEAL_FILING_FORM',
        'SOCIAL_INSURANCE_FORM',
      ].sort(),
    );
    const map = byCode(missing);
    expect(map.get('APPLICANT_ID')?.matters.sort()).toEqual(
      ['企业设立登记', '公章刻制备案', '新办纳税人涉税事项办理', '单位参保登记'].sort(),
    );
    // required by 企业设立登记 only; optional for 新办纳税人涉税事项办理, so that matter is not named
    expect(map.get('PREMISES_PROOF')?.matters).toEqual(['企业设立登记']);
    expect(map.get('APPLICANT_ID')?.name).toBe('申请人身份证明（自然人居民身份证或法定代表人、负责人身份证明）');
  });

  it('lists a material required by two matters once, naming both', () => {
    // 公章刻制备案 and 新办纳税人涉税事项办理 both require BUSINESS_LICENCE and APPLICANT_ID; 企业设立登记 (which
    // issues the licence) is not part of this application, so the licence is asked for.
    const missing = missingMaterials([snapshot('SEAL_ENGRAVING_FILING'), snapshot('TAXPAYER_SETUP')], []);
    expect(codes(missing)).toEqual(['APPLICANT_ID', 'BUSINESS_LICENCE', 'FINANCE_STAFF_ID', 'SEAL_FILING_FORM']);
    const map = byCode(missing);
    expect(map.get('BUSINESS_LICENCE')).toEqual({
      code: 'BUSINESS_LICENCE',
      name: '营业执照',
      matters: ['公章刻制备案', '新办纳税人涉税事项办理'],
    });
    expect(map.get('APPLICANT_ID')?.matters).toEqual(['公章刻制备案', '新办纳税人涉税事项办理']);
    expect(map.get('SEAL_FILING_FORM')?.matters).toEqual(['公章刻制备案']);
  });

  it('never lists optional materials', () => {
    // 户外广告: AD_STRUCTURE_SAFETY and AGENT_AUTHORISATION are optional.
    const missing = missingMaterials([snapshot('OUTDOOR_AD_PERMIT')], []);
    expect(codes(missing)).toEqual([
      'AD_DESIGN_DRAWING',
      'BUSINESS_LICENCE',
      'OUTDOOR_AD_APPLICATION',
      'OWNER_CONSENT',
    ]);
  });

  it('never lists provided materials, and is empty when everything required is provided', () => {
    const matters = [snapshot('SEAL_ENGRAVING_FILING'), snapshot('TAXPAYER_SETUP')];
    const missing = missingMaterials(matters, ['BUSINESS_LICENCE', 'FINANCE_STAFF_ID']);
    expect(codes(missing)).toEqual(['APPLICANT_ID', 'SEAL_FILING_FORM']);
    expect(
      missingMaterials(matters, ['BUSINESS_LICENCE', 'FINANCE_STAFF_ID', 'APPLICANT_ID', 'SEAL_FILING_FORM']),
    ).toEqual([]);
    // any iterable works, and extra (unrelated or optional) materials do no harm
    expect(
      missingMaterials(
        matters,
        new Set(['BUSINESS_LICENCE', 'FINANCE_STAFF_ID', 'APPLICANT_ID', 'SEAL_FILING_FORM', 'AGENT_AUTHORISATION']),
      ),
    ).toEqual([]);
  });

  it('does not ask for a certificate that a matter of the same application issues (开办餐馆一件事)', () => {
    // OPEN_RESTAURANT bundles 企业设立登记, which issues BUSINESS_LICENCE, so none of the four matters that require
    // the licence asks for it. FIRE_ACCEPTANCE_PROOF is issued by CONSTRUCTION_COMPLETION_ACCEPTANCE, which is not
    // in the theme, so it is still asked for.
    const matters = themeSnapshots('OPEN_RESTAURANT');
    expect(matters.map((m) => m.code)).toContain('BUSINESS_REGISTRATION');
    const missing = missingMaterials(matters, []);
    const map = byCode(missing);
    expect(map.has('BUSINESS_LICENCE')).toBe(false);
    expect(map.get('FIRE_ACCEPTANCE_PROOF')?.matters).toEqual(['公众聚集场所投入使用、营业前消防安全检查']);
    // Required, de-duplicated: 企业设立登记 4 + 食品经营 3 new (APPLICANT_ID, PREMISES_PROOF shared) + 户外广告 3
    // + 消防 4 + 排水 4 = 18.
    expect(codes(missing)).toEqual(
      [
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
      ].sort(),
    );
    expect(map.get('PREMISES_PROOF')?.matters).toEqual(['企业设立登记', '食品经营许可']);

    // Without 企业设立登记 the licence is asked for, once, naming the four matters that require it.
    const withoutRegistration = matters.filter((m) => m.code !== 'BUSINESS_REGISTRATION');
    expect(byCode(missingMaterials(withoutRegistration, [])).get('BUSINESS_LICENCE')?.matters).toEqual([
      '食品经营许可',
      '户外广告及招牌设施设置审批',
      '公众聚集场所投入使用、营业前消防安全检查',
      '城镇污水排入排水管网许可',
    ]);
  });

  it('is empty for no matters', () => {
    expect(missingMaterials([], ['APPLICANT_ID'])).toEqual([]);
  });
});
