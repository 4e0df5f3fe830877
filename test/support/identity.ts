/** Valid identity numbers for tests and the benchmark (random body, the check character computed by the rules). */
import { randomInt } from 'node:crypto';
import { residentIdCheckDigit, usccCheckChar } from '../../rules/identity.ts';

/** A 统一社会信用代码: 91 (enterprise) + a Beijing region code + 9 random organisation digits + the check character. */
export function randomUscc(): string {
  const body = `91110000${Array.from({ length: 9 }, () => randomInt(10)).join('')}`;
  return body + usccCheckChar(body);
}

/** A 居民身份证 number born on the given day (default 1985-06-15), random sequence. */
export function randomResidentId(birth = '19850615'): string {
  const body = `110105${birth}${String(randomInt(1000)).padStart(3, '0')}`;
  return body + residentIdCheckDigit(body);
}
