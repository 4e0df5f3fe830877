/**
 * PostgreSQL schema. `case_events` is the legal record of every case (append-only, enforced by a trigger in the
 * migrations); `cases` and `review_tasks` are read models the workflow keeps for lists and inboxes.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Actor, CaseState } from '../rules/caseModel.ts';
import type { Matter } from '../rules/catalogue.ts';
import type { Contribution } from '../rules/supervision.ts';

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
    /**
     * The chain head as of the last step, signed with the centre's key (integrity/hashChain.ts `headPayload`): the audit's
     * fallback once the engine no longer keeps a closed case's history.
     */
    headSeq: integer('head_seq'),
    headHash: text('head_hash'),
    headSignature: text('head_signature'),
    /** The key that signed the head; null: signed before keys rotated, i.e. by the original key. */
    headKeyId: text('head_key_id'),
    /** When the head was signed, if not at its event's time (a backfill); not covered by the signature. */
    headSignedAt: timestamp('head_signed_at', { withTimezone: true, mode: 'string' }),
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
    /** The hash chain (integrity/hashChain.ts): the previous event's hash and this event's. */
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
    /** Ed25519 over integrity/certificateSignature.ts's payload, base64; keyId names the key (its fingerprint). */
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

/**
 * 电子监察 read models (rules/supervision.ts, kept by activities/recordCase.ts). One fact row per case: what
 * supervision and the window ledger (台帐) read, with the case's current contribution to the daily rollups.
 */
export const supervisionCases = pgTable(
  'supervision_cases',
  {
    caseNo: text('case_no').primaryKey(),
    window: text('window').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull(),
    receivedOn: date('received_on').notNull(),
    acceptedOn: date('accepted_on'),
    decidedOn: date('decided_on'),
    closedOn: date('closed_on'),
    status: text('status').notNull(),
    immediate: boolean('immediate').notNull(),
    onTime: boolean('on_time'),
    withinStatutory: boolean('within_statutory'),
    sameDay: boolean('same_day'),
    visits: integer('visits').notNull(),
    workingDays: integer('working_days'),
    promisedDue: date('promised_due'),
    statutoryDue: date('statutory_due'),
    dueOn: date('due_on'),
    nearDueAfter: date('near_due_after'),
    warningLevel: text('warning_level'),
    warningRank: integer('warning_rank').notNull(),
    warningDeadline: text('warning_deadline'),
    warningDue: date('warning_due'),
    warningAt: timestamp('warning_at', { withTimezone: true, mode: 'string' }),
    holderDepartments: text('holder_departments').array().notNull(),
    holderPairs: text('holder_pairs').array().notNull(),
    departments: text('departments').array().notNull(),
    matters: text('matters').array().notNull(),
    departmentMatters: text('department_matters').array().notNull(),
    matterNames: text('matter_names').array().notNull(),
    applicantName: text('applicant_name').notNull(),
    applicantIdMasked: text('applicant_id_masked').notNull(),
    urgent: boolean('urgent').notNull(),
    contribution: jsonb('contribution').$type<Contribution[]>().notNull(),
    lastSeq: integer('last_seq').notNull(),
  },
  (t) => [
    index('supervision_cases_ledger_idx').on(t.window, t.receivedOn, t.receivedAt),
    index('supervision_cases_alerts_idx')
      .on(t.warningRank.desc(), t.warningDue, t.caseNo)
      .where(sql`${t.warningRank} > 0`),
    index('supervision_cases_due_idx')
      .on(t.dueOn)
      .where(sql`${t.dueOn} IS NOT NULL`),
  ],
);

/**
 * Daily sums of the cases' contributions, at every grain of (window, department, matter): `grain` names the keys
 * that are set ('' = all cases, 'w', 'd', 'm', 'wd', 'wm', 'dm', 'wdm'); a key not in the grain is ''. The same sums
 * per month are rows whose grain is prefixed 'M' ('M', 'Mw', …) and whose day is the month's first.
 */
const rollupKeys = {
  grain: text('grain').notNull(),
  day: date('day').notNull(),
  window: text('window').notNull(),
  department: text('department').notNull(),
  matter: text('matter').notNull(),
};

export const supervisionDaily = pgTable(
  'supervision_daily',
  {
    ...rollupKeys,
    received: integer('received').notNull().default(0),
    urgent: integer('urgent').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    decided: integer('decided').notNull().default(0),
    approved: integer('approved').notNull().default(0),
    partiallyApproved: integer('partially_approved').notNull().default(0),
    refused: integer('refused').notNull().default(0),
    onTime: integer('on_time').notNull().default(0),
    withinStatutory: integer('within_statutory').notNull().default(0),
    atMostOneVisit: integer('at_most_one_visit').notNull().default(0),
    immediateDecided: integer('immediate_decided').notNull().default(0),
    sameDay: integer('same_day').notNull().default(0),
    withdrawn: integer('withdrawn').notNull().default(0),
    notAccepted: integer('not_accepted').notNull().default(0),
    terminated: integer('terminated').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.day, t.window, t.department, t.matter] }),
    // + covering indexes (grain, day / department, matter, day / window, day) INCLUDE the measures: migration 0007
  ],
);

/** Cases decided per day and number of working days from acceptance to decision: the median's histogram. */
export const supervisionDailyDays = pgTable(
  'supervision_daily_days',
  {
    ...rollupKeys,
    workingDays: integer('working_days').notNull(),
    decided: integer('decided').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.day, t.window, t.department, t.matter, t.workingDays] }),
    // + covering indexes like supervision_daily's: migration 0007
  ],
);

/** 好差评: one rating per case (read model; the rating itself is an event in the case's record). */
export const ratings = pgTable(
  'ratings',
  {
    caseNo: text('case_no').primaryKey(),
    level: text('level').notNull(),
    channel: text('channel').notNull(),
    ratedOn: date('rated_on').notNull(),
    /** valid / appealed / voided: a voided rating counts in no figure. */
    status: text('status').notNull(),
    department: text('department').notNull(),
    window: text('window').notNull(),
    comment: text('comment'),
  },
  (t) => [index('ratings_rated_on_idx').on(t.ratedOn), index('ratings_department_idx').on(t.department, t.ratedOn)],
);

/** 整改: the follow-up a bad rating opens, in the owning department's list and under supervision. */
export const followUps = pgTable(
  'follow_ups',
  {
    id: text('id').primaryKey(),
    caseNo: text('case_no').notNull(),
    department: text('department').notNull(),
    level: text('level').notNull(),
    openedOn: date('opened_on').notNull(),
    due: date('due').notNull(),
    status: text('status').notNull(),
    repliedOn: date('replied_on'),
    /** The latest deadline warning (yellow / red), if any. */
    warning: text('warning'),
  },
  (t) => [index('follow_ups_department_idx').on(t.department, t.status, t.due)],
);

/** Staff accounts (rules/access.ts roles). Applicants have none: they use the case number and query code. */
export const users = pgTable('users', {
  username: text('username').primaryKey(),
  displayName: text('display_name').notNull(),
  role: text('role').notNull(),
  /** A clerk's window (W01…). */
  window: text('window'),
  /** A reviewer's or head's department code. */
  department: text('department'),
  /** scrypt hash in PHC-like form (api/auth/passwords.ts). */
  passwordHash: text('password_hash').notNull(),
  /** AB岗: the colleague who stands in when this reviewer is away. */
  backup: text('backup'),
  away: boolean('away').notNull().default(false),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Signed-in sessions: only the SHA-256 of the token is stored, so a leaked table signs nobody in. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_username_idx').on(t.username)],
);

/** Every read of a full case record by staff (个人信息保护法): who, when, which case, through which view. */
export const staffReads = pgTable(
  'staff_reads',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    username: text('username').notNull(),
    role: text('role').notNull(),
    department: text('department'),
    caseNo: text('case_no').notNull(),
    view: text('view').notNull(),
  },
  (t) => [index('staff_reads_case_idx').on(t.caseNo, t.at), index('staff_reads_user_idx').on(t.username, t.at)],
);

/**
 * Uploaded files (电子材料): the content is in the file store under `sha256` (files/store.ts), stored once however many
 * rows name it. A row is uploaded by a staff member (`uploadedBy`) or by an applicant for their case (`uploaderCase`),
 * and belongs to no case (`caseNo` null) until a submission or supplement attaches it; rows never attached are pruned
 * after FILE_ORPHAN_HOURS.
 */
export const files = pgTable(
  'files',
  {
    /** Random and unguessable (files/records.ts): it is the file's address in GET /files/:id. */
    id: text('id').primaryKey(),
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** A PDF's page count. */
    pages: integer('pages'),
    /** As the uploader named it, cleaned (files/fileName.ts): shown, never used as a path. */
    originalName: text('original_name').notNull(),
    uploadedBy: text('uploaded_by'),
    uploaderCase: text('uploader_case'),
    caseNo: text('case_no'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('files_sha256_idx').on(t.sha256),
    index('files_case_idx').on(t.caseNo),
    index('files_orphans_idx')
      .on(t.createdAt)
      .where(sql`${t.caseNo} IS NULL`),
    check('files_one_uploader', sql`(${t.uploadedBy} IS NULL) <> (${t.uploaderCase} IS NULL)`),
  ],
);

export const complaintNoSequence = pgSequence('complaint_no_seq', { startWith: 1 });

/**
 * 投诉 · 咨询 (rules/complaints.ts): filed on the web or typed in from a hotline call, routed to the department that
 * answers (null: the centre's supervisors), answered once. Not case events: a complaint about a case is shown beside
 * the case's timeline, never inside its legal record.
 */
export const complaints = pgTable(
  'complaints',
  {
    number: text('number').primaryKey(),
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    caseNo: text('case_no'),
    department: text('department'),
    window: text('window'),
    phone: text('phone'),
    /** The staff member who typed in a hotline call. */
    filedBy: text('filed_by'),
    filedAt: timestamp('filed_at', { withTimezone: true, mode: 'string' }).notNull(),
    filedOn: date('filed_on').notNull(),
    due: date('due').notNull(),
    status: text('status').notNull(),
    reply: text('reply'),
    repliedBy: text('replied_by'),
    repliedAt: timestamp('replied_at', { withTimezone: true, mode: 'string' }),
    repliedOn: date('replied_on'),
  },
  (t) => [
    index('complaints_department_idx').on(t.department, t.status, t.due),
    index('complaints_filed_on_idx').on(t.filedOn),
    index('complaints_case_idx')
      .on(t.caseNo)
      .where(sql`${t.caseNo} IS NOT NULL`),
  ],
);

/**
 * The hall's tickets (取号 · 叫号): one row per ticket, numbered per service line and China day. Waiting tickets are
 * called with `FOR UPDATE SKIP LOCKED` (api/queue/tickets.ts), so two windows never get the same one.
 */
export const queueTickets = pgTable(
  'queue_tickets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    day: date('day').notNull(),
    line: text('line').notNull(),
    seq: integer('seq').notNull(),
    number: text('number').notNull(),
    matter: text('matter'),
    theme: text('theme'),
    /** 老弱病残孕 and the like, chosen at the kiosk. */
    priority: boolean('priority').notNull().default(false),
    appointmentCode: text('appointment_code'),
    /** Calling order (rules/queue.ts RANKS): appointment on time 0, priority 1, ordinary 2. */
    rank: integer('rank').notNull(),
    /** waiting, called, served, no_show. */
    status: text('status').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
    calledAt: timestamp('called_at', { withTimezone: true }),
    lastCalledAt: timestamp('last_called_at', { withTimezone: true }),
    callCount: integer('call_count').notNull().default(0),
    window: text('at_window'),
    calledBy: text('called_by'),
    /** 转窗口: the window it waits for next (called there before any other ticket). */
    transferredTo: text('transferred_to'),
    servedAt: timestamp('served_at', { withTimezone: true }),
    noShowAt: timestamp('no_show_at', { withTimezone: true }),
    caseNos: jsonb('case_nos').$type<string[]>().notNull().default([]),
    kiosk: text('kiosk'),
  },
  (t) => [
    unique('queue_tickets_day_number').on(t.day, t.number),
    index('queue_tickets_waiting_idx').on(t.day, t.status, t.rank, t.takenAt),
    index('queue_tickets_taken_idx').on(t.takenAt),
    // One ticket at the window at a time: a second call before the first is finished fails here, however close.
    uniqueIndex('queue_tickets_one_called_per_window')
      .on(t.day, t.window)
      .where(sql`status = 'called'`),
  ],
);

/** The last ticket number given per service line and day: numbering restarts each China day. */
export const queueCounters = pgTable(
  'queue_counters',
  {
    day: date('day').notNull(),
    line: text('line').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.line] })],
);

/** Slots that have been booked at least once: the row booking locks to keep within the capacity. */
export const appointmentSlots = pgTable('appointment_slots', {
  id: text('id').primaryKey(),
  line: text('line').notNull(),
  day: date('day').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  capacity: integer('capacity').notNull(),
});

/** 预约: booked with a phone number; `code` is the confirmation the applicant enters at the kiosk. */
export const appointments = pgTable(
  'appointments',
  {
    code: text('code').primaryKey(),
    slotId: text('slot_id').notNull(),
    line: text('line').notNull(),
    matter: text('matter'),
    theme: text('theme'),
    day: date('day').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    phone: text('phone').notNull(),
    /** booked, cancelled, checked_in (a missed one stays booked after its slot ended). */
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    ticketNumber: text('ticket_number'),
  },
  (t) => [index('appointments_slot_idx').on(t.slotId, t.status), index('appointments_phone_idx').on(t.phone, t.endsAt)],
);
/** The centre's signing keys by id (public halves and validity; the private keys stay in the key folder). */
export const signingKeys = pgTable('signing_keys', {
  keyId: text('key_id').primaryKey(),
  publicKeyPem: text('public_key_pem').notNull(),
  /** Null: the original key, valid from the beginning. */
  validFrom: timestamp('valid_from', { withTimezone: true, mode: 'string' }),
  /** Null: the current key. */
  validUntil: timestamp('valid_until', { withTimezone: true, mode: 'string' }),
  /** Why the key replaced the one before it (null: the original key). */
  reason: text('reason'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

/** Signed checkpoints over every case's chain head (append-only, integrity/checkpoint.ts). */
export const checkpoints = pgTable('checkpoints', {
  id: serial('id').primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
  cases: integer('cases').notNull(),
  root: text('root').notNull(),
  heads: jsonb('heads').$type<Array<{ caseNo: string; seq: number; hash: string }>>().notNull(),
  keyId: text('key_id').notNull(),
  signature: text('signature').notNull(),
});
