/**
 * Issue the certificate (电子证照) of one approved matter into the certificate library. The natural key
 * (case, matter) makes a retried issuance return the certificate already issued instead of a second one.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { certificates } from '../db/schema.ts';
import type { Certificate } from '../rules/caseModel.ts';

export async function issueCertificate(
  db: Database,
  request: Omit<Certificate, 'certificateNo'> & { caseNo: string },
): Promise<Certificate> {
  const year = request.issuedOn.slice(0, 4);
  const [inserted] = await db
    .insert(certificates)
    .values({
      certificateNo: sql`${'ZZ' + year}::text || lpad(nextval('certificate_no_seq')::text, 8, '0')`,
      serial: sql`currval('certificate_no_seq')`,
      ...request,
    })
    .onConflictDoNothing({ target: [certificates.caseNo, certificates.matter] })
    .returning();
  const row =
    inserted ??
    (
      await db
        .select()
        .from(certificates)
        .where(and(eq(certificates.caseNo, request.caseNo), eq(certificates.matter, request.matter)))
    )[0];
  if (!row) throw new Error(`certificate for ${request.caseNo}/${request.matter} neither inserted nor found`);
  return {
    certificateNo: row.certificateNo,
    matter: row.matter,
    name: row.name,
    holderName: row.holderName,
    holderIdNumber: row.holderIdNumber,
    issuedOn: row.issuedOn,
  };
}
