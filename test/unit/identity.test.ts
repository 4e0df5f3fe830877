import { describe, expect, it } from 'vitest';
import {
  idNumberProblem,
  maskIdNumber,
  maskPhone,
  phoneProblem,
  residentIdCheckDigit,
  usccCheckChar,
} from '../../rules/identity.ts';
import { randomResidentId, randomUscc } from '../support/identity.ts';

const today = '2026-11-22';

describe('居民身份证 (GB 11643)', () => {
  it("accepts the standard's worked example and numbers with a computed check digit", () => {
    expect(idNumberProblem('resident_id', '11010519491231002X', today)).toBeUndefined();
    expect(idNumberProblem('resident_id', '11010519491231002x', today)).toBeUndefined();
    for (let i = 0; i < 50; i++) expect(idNumberProblem('resident_id', randomResidentId(), today)).toBeUndefined();
  });

  it('computes the check digit, X for 10', () => {
    expect(residentIdCheckDigit('11010519491231002')).toBe('X');
  });

  it('refuses a wrong check digit, length, characters, region and birth date, saying which', () => {
    expect(idNumberProblem('resident_id', '110105194912310021', today)).toMatch(/校验码/);
    expect(idNumberProblem('resident_id', '1101051949123100', today)).toMatch(/18 位/);
    expect(idNumberProblem('resident_id', '11010519491231A02X', today)).toMatch(/数字/);
    expect(idNumberProblem('resident_id', `99${'0105194912310021'}`, today)).toMatch(/地址码/);
    const feb30 = '110105' + '19850230' + '001';
    expect(idNumberProblem('resident_id', feb30 + residentIdCheckDigit(feb30), today)).toMatch(/出生日期/);
    const future = '110105' + '20301010' + '001';
    expect(idNumberProblem('resident_id', future + residentIdCheckDigit(future), today)).toMatch(/出生日期/);
    const old = '110105' + '18800101' + '001';
    expect(idNumberProblem('resident_id', old + residentIdCheckDigit(old), today)).toMatch(/出生日期/);
  });
});

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts published codes and generated ones', () => {
    expect(idNumberProblem('uscc', '91350100M000100Y43', today)).toBeUndefined();
    expect(idNumberProblem('uscc', '91110108551385082Q', today)).toBeUndefined();
    for (let i = 0; i < 50; i++) expect(idNumberProblem('uscc', randomUscc(), today)).toBeUndefined();
  });

  it('computes the check character over the 31-character set', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('refuses a wrong check character, forbidden letters, a non-numeric region and a wrong length', () => {
    expect(idNumberProblem('uscc', '91350100M000100Y44', today)).toMatch(/校验码/);
    expect(idNumberProblem('uscc', '91350100M000100I43', today)).toMatch(/不允许的字符“I”/);
    expect(idNumberProblem('uscc', '9135A100M000100Y43', today)).toMatch(/行政区划码/);
    expect(idNumberProblem('uscc', '91350100M000100Y4', today)).toMatch(/18 位/);
  });
});

describe('other documents', () => {
  it('checks the shape of passports and 港澳台 permits, and 居住证 like an identity card', () => {
    expect(idNumberProblem('passport', 'E12345678', today)).toBeUndefined();
    expect(idNumberProblem('passport', 'E1234', today)).toBeUndefined();
    expect(idNumberProblem('passport', 'E12-45678', today)).toMatch(/字母或数字/);
    expect(idNumberProblem('hk_macao_permit', 'H12345678', today)).toBeUndefined();
    expect(idNumberProblem('hk_macao_permit', 'X12345678', today)).toMatch(/H 或 M/);
    expect(idNumberProblem('taiwan_permit', '12345678', today)).toBeUndefined();
    expect(idNumberProblem('taiwan_permit', '1234567', today)).toMatch(/8 位/);
    const hk = '810000' + '19900101' + '002';
    expect(idNumberProblem('hmt_residence_permit', hk + residentIdCheckDigit(hk), today)).toBeUndefined();
    const mainland = '110105' + '19900101' + '002';
    expect(idNumberProblem('hmt_residence_permit', mainland + residentIdCheckDigit(mainland), today)).toMatch(/81/);
    const foreign = '931586' + '19900101' + '002';
    expect(
      idNumberProblem('foreign_permanent_resident', foreign + residentIdCheckDigit(foreign), today),
    ).toBeUndefined();
  });
});

describe('phone numbers and masking', () => {
  it('accepts mobiles (with or without +86) and landlines with area code; refuses others', () => {
    for (const ok of ['13812345678', '+86 138 1234 5678', '010-12345678', '0755-1234567', '021-12345678#123']) {
      expect(phoneProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ['12812345678', '1381234567', '12345678', 'abc', '138123456789']) {
      expect(phoneProblem(bad), bad).toMatch(/手机号码/);
    }
  });

  it('keeps the first 3 and last 4 characters of an id number and a phone', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
