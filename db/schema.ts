/**
 * PostgreSQL schema. `case_events` is the legal record of every case (append-only, enforced by a trigger in the
 * migrations); `cases` and `review_tasks` are read models the workflow keeps for lists and inboxes.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { Actor, CaseState } from '../rules/caseModel.ts';
import type { Matter } from '../rules/catalogue.ts';

export const caseNoSequence = pgSequence('case_no_seq', { startWith: 1 });

export const departments = pgTable('departments', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
});

export const materials = pgTable('materials', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  issuedByMatter: text('issued_by_matter'),
});

export const matters = pgTable('matters', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  catalogueVersion: integer('catalogue_version').notNull(),
  definition: jsonb('definition').$type<Matter>().notNull(),
});

export const themes = pgTable('themes', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  matters: jsonb('matters').$type<string[]>().notNull(),
});

/** One row per `Idempotency-Key` of `POST /applications`: a retry finds its case here. */
export const applicationRequests = pgTable('application_requests', {
  idempotencyKey: text('idempotency_key').primaryKey(),
  caseNo: text('case_no').notNull().unique(),
  queryCode: text('query_code').notNull(),
  requestHash: text('request_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const cases = pgTable(
  'cases',
  {
    caseNo: text('case_no').primaryKey(),
    queryCode: text('query_code').notNull(),
    status: text('status').notNull(),
    applicantIdNumber: text('applicant_id_number').notNull(),
    applicantName: text('applicant_name').notNull(),
    window: text('window').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull(),
    acceptedOn: date('accepted_on'),
    statutoryDue: date('statutory_due'),
    promisedDue: date('promised_due'),
    lastSeq: integer('last_seq').notNull(),
    /** 急办件: marked urgent by a supervisor. */
    urgent: boolean('urgent').notNull().default(false),
    snapshot: jsonb('snapshot').$type<CaseState>().notNull(),
  },
  (t) => [index('cases_status_idx').on(t.status, t.promisedDue), index('cases_applicant_idx').on(t.applicantIdNumber)],
);

export const caseEvents = pgTable(
  'case_events',
  {
    caseNo: text('case_no').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    actor: jsonb('actor').$type<Actor>().notNull(),
    data: jsonb('data').notNull(),
    /** The hash chain (rules/hashChain.ts): the previous event's hash and this event's. */
    prevHash: text('prev_hash'),
    hash: text('hash'),
    recordedAt: timestamp('recorded_at', { withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [primaryKey({ columns: [t.caseNo, t.seq] })],
);

export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: text('id').primaryKey(),
    caseNo: text('case_no').notNull(),
    matter: text('matter').notNull(),
    department: text('department').notNull(),
    status: text('status').notNull(),
    openedOn: date('opened_on').notNull(),
    due: date('due').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'string' }),
    /** The task's case is urgent (急办件): the task comes first in every inbox. */
    urgent: boolean('urgent').notNull().default(false),
  },
  (t) => [
    index('review_tasks_inbox_idx').on(t.department, t.status, t.due),
    index('review_tasks_case_idx').on(t.caseNo),
  ],
);

/** The certificate library (电子证照库): one certificate per approved matter of a case. */
export const certificates = pgTable(
  'certificates',
  {
    certificateNo: text('certificate_no').primaryKey(),
    caseNo: text('case_no').notNull(),
    matter: text('matter').notNull(),
    name: text('name').notNull(),
    holderName: text('holder_name').notNull(),
    holderIdNumber: text('holder_id_number').notNull(),
    issuedOn: date('issued_on').notNull(),
    issuerCode: text('issuer_code'),
    issuerName: text('issuer_name'),
    /** Ed25519 over rules/certificateSignature.ts's payload, base64; keyId names the key (its fingerprint). */
    signature: text('signature'),
    keyId: text('key_id'),
    /** 注销: set when the issuing department revokes it (the event is in the case's record). */
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
    revokedBy: text('revoked_by'),
    revocationReason: text('revocation_reason'),
  },
  (t) => [
    unique('certificates_case_matter_key').on(t.caseNo, t.matter),
    index('certificates_holder_idx').on(t.holderIdNumber),
  ],
);
