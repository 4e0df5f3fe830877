/**
 * 个人信息保护法: id and phone numbers masked for roles that do not need them, and every staff read of a full case
 * record logged (who, when, which case, which view) for auditors.
 */
import type { Database } from '../../db/client.ts';
import { staffReads } from '../../db/schema.ts';
import { seesPersonalData, type StaffUser } from '../../rules/access.ts';
import { maskIdNumber, maskPhone } from '../../rules/identity.ts';
import { maskFileName } from '../../files/fileName.ts';

const ID_KEYS = new Set(['idNumber', 'holderIdNumber', 'applicantIdNumber']);
const PHONE_KEYS = new Set(['phone', 'contactPhone']);
/** An uploaded file's name may carry an id or phone number (身份证_1101….jpg): the numbers inside it are masked. */
const FILE_NAME_KEYS = new Set(['fileName', 'originalName']);

/**
 * A deep copy with every id and phone number masked (inside file names too); an applicant actor's id (their id
 * number) likewise.
 */
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
      if (typeof item === 'string' && FILE_NAME_KEYS.has(key)) return [key, maskFileName(item)];
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
