/** Case-number reservation per `Idempotency-Key`: the same key always leads to the same case. */
import { randomInt } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { applicationRequests } from './schema.ts';

interface Reservation {
  caseNo: string;
  queryCode: string;
  requestHash: string;
  replayed: boolean;
}

/** Case number 办件编号: `SQ` + China date + a six-digit serial, e.g. SQ20261121000042. */
export async function reserveCase(db: Database, key: string, requestHash: string, today: string): Promise<Reservation> {
  const queryCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const [inserted] = await db
    .insert(applicationRequests)
    .values({
      idempotencyKey: key,
      caseNo: sql`${'SQ' + today.replaceAll('-', '')}::text || lpad(nextval('case_no_seq')::text, 6, '0')`,
      queryCode,
      requestHash,
    })
    .onConflictDoNothing({ target: applicationRequests.idempotencyKey })
    .returning();
  if (inserted) return { ...inserted, replayed: false };
  // A retry (or a concurrent duplicate) of the same request: use the case reserved first.
  const [winner] = await db.select().from(applicationRequests).where(eq(applicationRequests.idempotencyKey, key));
  if (!winner) throw new Error(`idempotency key ${key} neither inserted nor found`);
  return { ...winner, replayed: true };
}

/** The case a key reserved earlier (a retry), if any: its files may already be attached to it. */
export async function reservedCaseNo(db: Database, key: string): Promise<string | undefined> {
  const [row] = await db
    .select({ caseNo: applicationRequests.caseNo })
    .from(applicationRequests)
    .where(eq(applicationRequests.idempotencyKey, key));
  return row?.caseNo;
}
