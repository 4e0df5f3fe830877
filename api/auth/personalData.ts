/**
 * 个人信息保护法: id and phone numbers masked for roles that do not need them, and every staff read of a full case
 * record logged (who, when, which case, which view) for auditors.
 */
import type { Database } from '../../db/client.ts';
import { staffReads } from '../../db/schema.ts';
import { seesPersonalData, type StaffUser } from '../../rules/access.ts';
import { maskIdNumber, maskPhone } from '../../rules/identity.ts';

const ID_KEYS = new Set(['idNumber', 'holderIdNumber', 'applicantIdNumber']);
const PHONE_KEYS = new Set(['phone', 'contactPhone']);

/** A deep copy with every id and phone number masked; an applicant actor's id (their id number) likewise. */
export function maskPersonalData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => maskPersonalData(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const applicantActor = source.kind === 'applicant' && typeof source.id === 'string';
  return Object.fromEntries(
    Object.entries(source).map(([key, item]) => {
      if (typeof item === 'string' && (ID_KEYS.has(key) || (applicantActor && key === 'id'))) {
        return [key, maskIdNumber(item)];
      }
      if (typeof item === 'string' && PHONE_KEYS.has(key)) return [key, maskPhone(item)];
      return [key, maskPersonalData(item)];
    }),
  ) as T;
}

/** The value as this reader may see it: whole for those who need it (rules/access.ts), masked for the others. */
export function forReader<T>(user: StaffUser | undefined, value: T): T {
  return seesPersonalData(user?.role ?? 'applicant') ? value : maskPersonalData(value);
}

export async function logStaffRead(db: Database, user: StaffUser, caseNo: string, view: string): Promise<void> {
  await db.insert(staffReads).values({
    username: user.username,
    role: user.role,
    department: user.department ?? null,
    caseNo,
    view,
  });
}
