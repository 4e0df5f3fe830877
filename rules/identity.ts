/**
 * Identity documents and phone numbers of applicants (申请人身份证件). A wrong number caught at the window costs a
 * minute; one caught at certificate issuance costs the applicant another visit. Pure.
 */
import type { IsoDate } from './workingDays.ts';

export const ID_TYPES = [
  'resident_id',
  'uscc',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'hmt_residence_permit',
  'foreign_permanent_resident',
] as const;
export type IdType = (typeof ID_TYPES)[number];

export const idTypeNames: Record<IdType, string> = {
  resident_id: '居民身份证',
  uscc: '统一社会信用代码',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
  hmt_residence_permit: '港澳台居民居住证',
  foreign_permanent_resident: '外国人永久居留身份证',
};

/** Which document types each kind of applicant may use: a person never has a credit code, an organisation only one. */
export const idTypesFor = {
  person: ID_TYPES.filter((t) => t !== 'uscc'),
  organisation: ['uscc'] as IdType[],
} as const;

export const defaultIdType = (applicant: 'person' | 'organisation'): IdType =>
  applicant === 'person' ? 'resident_id' : 'uscc';

// GB 11643-1999: weights 2^(17-i) mod 11, check value 0..10 mapped to this table.
const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';
/** Province-level codes (the first two digits of a 居民身份证); 81/82/83 are used by 港澳台居民居住证. */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]); // prettier-ignore

export function residentIdCheckDigit(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (RESIDENT_WEIGHTS[i] as number), 0);
  return RESIDENT_CHECK[sum % 11] as string;
}

// GB 32100-2015: 31 characters (no I, O, S, V, Z); weights 3^i mod 31; check = 31 - sum mod 31.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string {
  const sum = [...first17].reduce((acc, c, i) => acc + USCC_CHARS.indexOf(c) * (USCC_WEIGHTS[i] as number), 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31] as string;
}

/** Why a number is wrong, in Chinese for the clerk; undefined when it is valid. */
export function idNumberProblem(type: IdType, raw: string, today: IsoDate): string | undefined {
  const name = idTypeNames[type];
  const value = raw.trim().toUpperCase();
  switch (type) {
    case 'resident_id':
    case 'hmt_residence_permit':
    case 'foreign_permanent_resident':
      return eighteenDigitProblem(type, value, today);
    case 'uscc': {
      if (value.length !== 18) return `${name}应为 18 位，实际为 ${value.length} 位`;
      const bad = [...value].find((c) => !USCC_CHARS.includes(c));
      if (bad !== undefined) return `${name}含有不允许的字符“${bad}”（不使用 I、O、S、V、Z）`;
      if (!/^\d{6}$/.test(value.slice(2, 8))) return `${name}第 3 至 8 位应为登记管理机关行政区划码（数字）`;
      if (usccCheckChar(value.slice(0, 17)) !== value[17]) return `${name}校验码不正确，请核对`;
      return undefined;
    }
    case 'passport':
      return /^[A-Z0-9]{5,17}$/.test(value) ? undefined : `${name}号码应为 5 至 17 位字母或数字`;
    case 'hk_macao_permit':
      return /^[HM]\d{8}(\d{2})?$/.test(value) ? undefined : `${name}号码应为 H 或 M 开头加 8 位（或 10 位）数字`;
    case 'taiwan_permit':
      return /^(\d{8}|\d{10}[A-Z]?)$/.test(value) ? undefined : `${name}号码应为 8 位数字（旧版 10 位）`;
  }
}

function eighteenDigitProblem(type: IdType, value: string, today: IsoDate): string | undefined {
  const name = idTypeNames[type];
  if (value.length !== 18) return `${name}号码应为 18 位，实际为 ${value.length} 位`;
  if (!/^\d{17}[\dX]$/.test(value)) return `${name}号码前 17 位应为数字，最后一位为数字或 X`;
  if (type === 'foreign_permanent_resident' ? value[0] !== '9' : !PROVINCES.has(value.slice(0, 2))) {
    return `${name}号码的地址码不正确`;
  }
  if (type === 'hmt_residence_permit' && !['81', '82', '83'].includes(value.slice(0, 2))) {
    return `${name}号码应以 81、82 或 83 开头`;
  }
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!realDate(birth) || birth < '1900-01-01' || birth > today) {
    return `${name}号码中的出生日期 ${value.slice(6, 14)} 不是有效日期`;
  }
  if (residentIdCheckDigit(value.slice(0, 17)) !== value[17]) return `${name}号码校验码不正确，请核对`;
  return undefined;
}

function realDate(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

/** Mainland mobile (11 digits from 13–19, optional +86) or a landline with area code (optional extension). */
export function phoneProblem(raw: string): string | undefined {
  const value = raw.replace(/[\s-]/g, '');
  if (/^(\+?86)?1[3-9]\d{9}$/.test(value)) return undefined;
  if (/^0\d{2,3}\d{7,8}(#\d{1,6}|转\d{1,6})?$/.test(value)) return undefined;
  return '联系电话应为 11 位手机号码或带区号的固定电话';
}

/** An id number as shown to those who do not need it whole: the first 3 and last 4 characters. */
export function maskIdNumber(value: string): string {
  if (value.length <= 7) return `${value.slice(0, 1)}${'*'.repeat(Math.max(0, value.length - 1))}`;
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

export function maskPhone(value: string): string {
  const digits = value.replace(/[\s-]/g, '');
  return digits.length < 7 ? '*'.repeat(digits.length) : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
