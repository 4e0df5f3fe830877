/**
 * Append a handler's events to the case's legal record, file issued certificates in the certificate library and
 * bring the read models up to date, in one transaction.
 * Restate may run this more than once before its result is journaled: events are keyed by (case, sequence number)
 * and the read models are upserts of the same snapshot, so a retry changes nothing.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { caseEvents, cases, certificates, reviewTasks } from '../db/schema.ts';
import type { CaseEvent, CaseState } from '../rules/caseModel.ts';

export async function recordCase(db: Database, events: CaseEvent[], state: CaseState): Promise<void> {
  if (events.length === 0) return;
  const firstSeq = state.seq - events.length + 1;
  await db.transaction(async (tx) => {
    await tx
      .insert(caseEvents)
      .values(
        events.map((event, i) => ({
          caseNo: state.caseNo,
          seq: firstSeq + i,
          type: event.type,
          at: event.at,
          actor: event.actor,
          data: event.data,
        })),
      )
      .onConflictDoNothing();
    const issued = events.flatMap((e) => (e.type === 'certificate_issued' ? [e.data] : []));
    if (issued.length > 0) {
      // The certificate library (电子证照库): one row per (case, matter), whatever the retries.
      await tx
        .insert(certificates)
        .values(issued.map((c) => ({ ...c, caseNo: state.caseNo })))
        .onConflictDoNothing();
    }
    const row = {
      caseNo: state.caseNo,
      queryCode: state.queryCode,
      status: state.status,
      applicantIdNumber: state.applicant.idNumber,
      applicantName: state.applicant.name,
      window: state.receivedBy.window,
      receivedAt: state.receivedAt,
      acceptedOn: state.acceptedOn ?? null,
      statutoryDue: state.deadlines.statutoryDue ?? null,
      promisedDue: state.deadlines.promisedDue ?? null,
      lastSeq: state.seq,
      snapshot: state,
    };
    await tx
      .insert(cases)
      .values(row)
      .onConflictDoUpdate({ target: cases.caseNo, set: row, setWhere: sql`${cases.lastSeq} <= ${state.seq}` });
    if (state.tasks.length > 0) {
      await tx
        .insert(reviewTasks)
        .values(
          state.tasks.map((t) => ({
            id: t.id,
            caseNo: state.caseNo,
            matter: t.matter,
            department: t.department,
            status: t.status,
            openedOn: t.openedOn,
            due: t.due,
            decidedAt: t.decidedAt ?? null,
          })),
        )
        .onConflictDoUpdate({
          target: reviewTasks.id,
          set: { status: sql`excluded.status`, due: sql`excluded.due`, decidedAt: sql`excluded.decided_at` },
        });
    }
  });
}
