/**
 * Append a handler's events to the case's legal record, file issued certificates in the certificate library and
 * bring the read models up to date: one SQL statement (data-modifying CTEs), so it is atomic and costs a single
 * round trip to PostgreSQL (measured: round trips, not SQL, dominate a step's cost on these machines).
 * The engine may run this more than once (a retry, a worker crash before its result is recorded): events are keyed
 * by (case, sequence number), certificates by (case, matter), and the read models are upserts of the same snapshot,
 * so a retry changes nothing. A retry whose events differ from the stored ones (their hashes differ) is refused, the
 * whole statement undone: keeping the first events while the workflow chains onto the second would later read as
 * tampering that never happened.
 */
import { sign } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client.ts';
import { supervisionCtes } from '../db/supervision.ts';
import type { SigningKey } from '../infra/signingKey.ts';
import { certificatePayload } from '../integrity/certificateSignature.ts';
import { headPayload } from '../integrity/hashChain.ts';
import type { CaseEvent, CaseState } from '../rules/caseModel.ts';
import { departmentConcerned } from '../rules/ratings.ts';
import { chinaDate } from '../rules/workingDays.ts';

/** An event with its place in the case's hash chain (computed by the workflow, integrity/hashChain.ts). */
export type ChainedCaseEvent = CaseEvent & { seq?: number; prevHash?: string; hash?: string };

export async function recordCase(
  db: Database,
  key: SigningKey,
  events: ChainedCaseEvent[],
  state: CaseState,
): Promise<void> {
  if (events.length === 0) return;
  const firstSeq = state.seq - events.length + 1;
  const rows = events.map((e, i) => ({
    seq: e.seq ?? firstSeq + i,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data,
    prevHash: e.prevHash ?? null,
    hash: e.hash ?? null,
  }));
  const last = rows.at(-1);
  await writeCaseRecord(db, key, state, rows, last?.hash && last.seq ? { seq: last.seq, hash: last.hash } : undefined);
}

type EventRow = {
  seq: number;
  type: string;
  at: string;
  actor: unknown;
  data: unknown;
  prevHash: string | null;
  hash: string | null;
};

/**
 * The recording statement: the step's event rows (none when a case is backfilled from its record), the certificates
 * they issue, and every read model from `state`, with the chain head `head` signed by `key`.
 */
export async function writeCaseRecord(
  db: Database,
  key: SigningKey,
  state: CaseState,
  rows: EventRow[],
  chainHead: { seq: number; hash: string } | undefined,
  options: {
    /** A head already signed (a backfill that only rebuilds read models keeps it as it is). */
    signedHead?: { seq: number; hash: string; signature: string; keyId: string | null; signedAt: string | null };
    /** When the head is signed, if not at its own event's time (a backfill signs old heads today). */
    signedAt?: string;
  } = {},
): Promise<void> {
  const sql = db.$client;
  const events = rows as unknown as CaseEvent[];
  // Ed25519 signatures are deterministic: a retried step signs the same bytes to the same signature.
  const issued = events.flatMap((e) => {
    if (e.type !== 'certificate_issued') return [];
    const lead = state.matters.find((m) => m.code === e.data.matter)?.departments.find((d) => d.lead);
    const fields = {
      ...e.data,
      caseNo: state.caseNo,
      issuerCode: lead?.code ?? '',
      issuerName: lead?.name ?? '',
    };
    const signature = sign(null, Buffer.from(certificatePayload(fields), 'utf8'), key.privateKey).toString('base64');
    return [{ ...fields, signature, keyId: key.keyId }];
  });
  // 注销: the library row follows the event; only a row not yet revoked changes, so a retry writes nothing again.
  const revoked = events.flatMap((e) =>
    e.type === 'certificate_revoked'
      ? [{ certificateNo: e.data.certificateNo, at: e.at, department: e.data.department, reason: e.data.reason }]
      : [],
  );
  // The chain head after this step, signed: the audit's evidence once the engine has forgotten a closed case.
  const head = options.signedHead
    ? options.signedHead
    : chainHead
      ? {
          ...chainHead,
          signature: sign(null, Buffer.from(headPayload(state.caseNo, chainHead)), key.privateKey).toString('base64'),
          keyId: key.keyId,
          signedAt: options.signedAt ?? null,
        }
      : { seq: null, hash: null, signature: null, keyId: null, signedAt: null };
  // 好差评 and 整改 read models: the supervision figures and the departments' follow-up lists.
  const rating = state.rating;
  const ratingRows = rating
    ? [
        {
          level: rating.level,
          channel: rating.channel,
          ratedOn: chinaDate(Date.parse(rating.at)),
          status: rating.status,
          department: state.followUp?.department ?? departmentConcerned(state).code,
          comment: rating.comment ?? null,
        },
      ]
    : [];
  const followUp = state.followUp;
  const followUpRows =
    followUp && rating
      ? [
          {
            ...followUp,
            level: rating.level,
            repliedOn: followUp.reply?.on ?? null,
            warning:
              state.warnings.filter((w) => w.deadline === 'follow_up' && w.due === followUp.due).at(-1)?.level ?? null,
          },
        ]
      : [];
  const tasks = state.tasks.map((t) => ({
    id: t.id,
    matter: t.matter,
    department: t.department,
    status: t.status,
    openedOn: t.openedOn,
    due: t.due,
    decidedAt: t.decidedAt ?? null,
    urgent: state.urgent !== undefined,
  }));
  // A stored row whose hash differs from the step's aborts the statement (a cast that fails at run time: plain SQL
  // has no RAISE), so nothing of the step is written; the message carries the case and the first such seq.
  try {
    await sql`
    WITH conflicting AS (
      SELECT min(s.seq) AS seq
      FROM case_events s
      JOIN jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS e(seq int, hash text)
        ON s.case_no = ${state.caseNo} AND s.seq = e.seq
      WHERE s.hash <> e.hash
    ), conflict_check AS (
      SELECT (${CONFLICT_MARK}::text || seq)::int AS failed FROM conflicting WHERE seq IS NOT NULL
    ), new_events AS (
      INSERT INTO case_events (case_no, seq, type, at, actor, data, prev_hash, hash)
      SELECT ${state.caseNo}, e.seq, e.type, e.at, e.actor, e.data, e."prevHash", e.hash
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS e(seq int, type text, at timestamptz, actor jsonb, data jsonb, "prevHash" text, hash text)
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), new_certificates AS (
      INSERT INTO certificates (certificate_no, case_no, matter, name, holder_name, holder_id_number, issued_on,
                                issuer_code, issuer_name, signature, key_id)
      SELECT c."certificateNo", ${state.caseNo}, c.matter, c.name, c."holderName", c."holderIdNumber", c."issuedOn",
             c."issuerCode", c."issuerName", c.signature, c."keyId"
      FROM jsonb_to_recordset(${JSON.stringify(issued)}::jsonb)
        AS c("certificateNo" text, matter text, name text, "holderName" text, "holderIdNumber" text, "issuedOn" date,
             "issuerCode" text, "issuerName" text, signature text, "keyId" text)
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), revoked_certificates AS (
      UPDATE certificates SET revoked_at = r.at, revoked_by = r.department, revocation_reason = r.reason
      FROM jsonb_to_recordset(${JSON.stringify(revoked)}::jsonb)
        AS r("certificateNo" text, at timestamptz, department text, reason text)
      WHERE certificates.certificate_no = r."certificateNo" AND certificates.case_no = ${state.caseNo}
        AND certificates.revoked_at IS NULL
      RETURNING 1
    ), case_row AS (
      INSERT INTO cases (case_no, query_code, status, applicant_id_number, applicant_name, "window", received_at,
                         accepted_on, statutory_due, promised_due, last_seq, head_seq, head_hash, head_signature,
                         head_key_id, head_signed_at, urgent, snapshot)
      VALUES (${state.caseNo}, ${state.queryCode}, ${state.status}, ${state.applicant.idNumber},
              ${state.applicant.name}, ${state.receivedBy.window}, ${state.receivedAt}::timestamptz,
              ${state.acceptedOn ?? null}::date, ${state.deadlines.statutoryDue ?? null}::date,
              ${state.deadlines.promisedDue ?? null}::date, ${state.seq}, ${head.seq}::int, ${head.hash}::text,
              ${head.signature}::text, ${head.keyId}::text, ${head.signedAt}::timestamptz, ${state.urgent !== undefined},
              ${JSON.stringify(state)}::jsonb)
      ON CONFLICT (case_no) DO UPDATE SET
        status = excluded.status, accepted_on = excluded.accepted_on, statutory_due = excluded.statutory_due,
        promised_due = excluded.promised_due, last_seq = excluded.last_seq, head_seq = excluded.head_seq,
        head_hash = excluded.head_hash, head_signature = excluded.head_signature,
        head_key_id = excluded.head_key_id, head_signed_at = excluded.head_signed_at, urgent = excluded.urgent,
        snapshot = excluded.snapshot
      WHERE cases.last_seq <= excluded.last_seq
      RETURNING 1
    ), task_rows AS (
      INSERT INTO review_tasks (id, case_no, matter, department, status, opened_on, due, decided_at, urgent)
      SELECT t.id, ${state.caseNo}, t.matter, t.department, t.status, t."openedOn", t.due, t."decidedAt", t.urgent
      FROM jsonb_to_recordset(${JSON.stringify(tasks)}::jsonb)
        AS t(id text, matter text, department text, status text, "openedOn" date, due date, "decidedAt" timestamptz,
             urgent boolean)
      ON CONFLICT (id) DO UPDATE SET
        status = excluded.status, opened_on = excluded.opened_on, due = excluded.due, decided_at = excluded.decided_at,
        urgent = excluded.urgent
      RETURNING 1
    ), rating_row AS (
      INSERT INTO ratings (case_no, level, channel, rated_on, status, department, "window", comment)
      SELECT ${state.caseNo}, r.level, r.channel, r."ratedOn", r.status, r.department, ${state.receivedBy.window},
             r.comment
      FROM jsonb_to_recordset(${JSON.stringify(ratingRows)}::jsonb)
        AS r(level text, channel text, "ratedOn" date, status text, department text, comment text)
      ON CONFLICT (case_no) DO UPDATE SET status = excluded.status
      RETURNING 1
    ), follow_up_row AS (
      INSERT INTO follow_ups (id, case_no, department, level, opened_on, due, status, replied_on, warning)
      SELECT f.id, ${state.caseNo}, f.department, f.level, f."openedOn", f.due, f.status, f."repliedOn", f.warning
      FROM jsonb_to_recordset(${JSON.stringify(followUpRows)}::jsonb)
        AS f(id text, department text, level text, "openedOn" date, due date, status text, "repliedOn" date,
             warning text)
      ON CONFLICT (id) DO UPDATE SET
        status = excluded.status, replied_on = excluded.replied_on, warning = excluded.warning
      RETURNING 1
    )${supervisionCtes(sql, state)}
    SELECT (SELECT count(*) FROM new_events) AS events, (SELECT max(failed) FROM conflict_check) AS conflict`;
  } catch (error) {
    const seq = conflictSeq(error);
    if (seq === undefined) throw error;
    throw ApplicationFailure.create({
      type: CASE_RECORD_CONFLICT,
      nonRetryable: true,
      message: `case ${state.caseNo} seq ${seq}: the stored event differs from this step's (hash mismatch); nothing written`,
      details: [{ caseNo: state.caseNo, seq }],
    });
  }
}

/** The failure type of a step whose events differ from those already recorded under the same (case, seq). */
export const CASE_RECORD_CONFLICT = 'case_record_conflict';

const CONFLICT_MARK = 'case_record_conflict seq ';

function conflictSeq(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = new RegExp(`"${CONFLICT_MARK}(\\d+)"`).exec(message);
  return match ? Number(match[1]) : undefined;
}
