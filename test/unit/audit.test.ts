/**
 * The auditor's re-derivation (integrity/audit.ts) on real paths driven through the rules: an untouched record reports
 * nothing; each recorded date, pause, extension or warning edited is reported with what was recorded and derived.
 */
import { describe, expect, it } from 'vitest';
import { rederive, type DerivationProblem } from '../../integrity/audit.ts';
import type { CaseState } from '../../rules/caseModel.ts';
import { addWorkingDays, workingDaysBetween } from '../../rules/workingDays.ts';
import {
  deemedAcceptancePath,
  escalatedPath,
  fullReviewPath,
  immediatePath,
  inReviewPath,
  jointRefusedPath,
  themePartlyApprovedPath,
  type CasePath,
  type RecordRow,
} from './auditPaths.ts';

const paths: Array<[string, () => CasePath]> = [
  ['supplements, special procedure, extension, delivery', fullReviewPath],
  ['acceptance supplement, deemed acceptance, warnings, late decision', deemedAcceptancePath],
  ['escalated (上报件)', escalatedPath],
  ['joint extended by 15 and refused', jointRefusedPath],
  ['immediate (即办件) posted', immediatePath],
  ['in review', inReviewPath],
  ['a theme under rules 2, partly approved across the National Day holiday', themePartlyApprovedPath],
];

function rows(path: CasePath): RecordRow[] {
  return structuredClone(path.record().rows);
}

/** The first event of a type (optionally matching a predicate), to edit. */
function find(record: RecordRow[], type: string, where: (d: any) => boolean = () => true): RecordRow & { data: any } {
  const row = record.find((r) => r.type === type && where(r.data));
  if (!row) throw new Error(`no ${type} in the record`);
  return row as RecordRow & { data: any };
}

const kinds = (problems: DerivationProblem[]) => problems.map((p) => `${p.seq ?? '-'}:${p.kind}:${p.field}`);

describe('an untouched record re-derives without a problem', () => {
  it.each(paths)('%s', (_name, build) => {
    const path = build();
    const derivation = rederive(path.record().rows, path.state);
    expect(derivation.problems).toEqual([]);
    expect(derivation.state).toEqual(path.state);
  });

  it('the paths cover what the re-derivation checks', () => {
    const all = paths.flatMap(([, build]) => build().events.map((e) => e.type));
    for (const type of [
      'received',
      'supplement_requested',
      'materials_supplied',
      'accepted',
      'deemed_accepted',
      'task_opened',
      'clock_paused',
      'clock_resumed',
      'special_procedure_started',
      'special_procedure_ended',
      'extension_requested',
      'extension_decided',
      'deadline_warning',
      'case_approved',
      'case_refused',
      'certificate_issued',
      'delivered',
    ]) {
      expect(all, type).toContain(type);
    }
    const full = fullReviewPath();
    // The pauses really span working days, so the calendar is exercised.
    const resumed = full.events.filter((e) => e.type === 'clock_resumed').map((e) => e.data);
    expect(resumed).toEqual([
      expect.objectContaining({ reason: 'supplement', pausedWorkingDays: 2 }),
      expect.objectContaining({ pausedWorkingDays: 4 }),
    ]);
    expect(full.state.deadlines).toEqual({});
    expect(full.state.timeliness?.statutoryDue).toBe(addWorkingDays('2026-07-06', 20 + 2 + 4 + 10));
  });
});

describe('each edited fact is reported with what was recorded and what the rules give', () => {
  it('an acceptance due date moved', () => {
    const record = rows(fullReviewPath());
    const received = find(record, 'received');
    received.data.acceptanceDue = '2026-07-31';
    const { problems } = rederive(record);
    expect(problems).toEqual([
      expect.objectContaining({
        seq: 1,
        kind: 'due_date_mismatch',
        field: 'data.acceptanceDue',
        recorded: '2026-07-31',
        derived: '2026-07-13',
      }),
    ]);
    expect(problems[0]?.message).toContain('第32条');
  });

  it('the statutory and promised due dates of the acceptance, and the notice that told the applicant', () => {
    const record = rows(fullReviewPath());
    const accepted = find(record, 'accepted');
    accepted.data.statutoryDue = '2026-09-30';
    find(record, 'notice_sent', (d) => d.kind === 'accepted').data.due = '2026-09-30';
    const { problems } = rederive(record);
    expect(kinds(problems)).toEqual([
      `${accepted.seq}:due_date_mismatch:data.statutoryDue`,
      `${accepted.seq + 1}:due_date_mismatch:data.due`,
    ]);
    expect(problems[0]).toMatchObject({ recorded: '2026-09-30', derived: addWorkingDays('2026-07-06', 20) });
  });

  it('the limits taken from the matters, and the accepted date', () => {
    const record = rows(escalatedPath());
    const accepted = find(record, 'accepted');
    accepted.data.limits = { statutory: 60, promised: 30 };
    accepted.data.acceptedOn = '2026-07-03';
    const found = kinds(rederive(record).problems);
    expect(found).toContain(`${accepted.seq}:limits_mismatch:data.limits`);
    expect(found).toContain(`${accepted.seq}:date_mismatch:data.acceptedOn`);
  });

  it('paused working days, and the read model whose due dates moved with them', () => {
    const path = fullReviewPath();
    const record = rows(path);
    const resumed = find(record, 'clock_resumed', (d) => d.reason === 'supplement');
    resumed.data.pausedWorkingDays = 7;
    const { problems, state } = rederive(record, path.state);
    expect(problems[0]).toMatchObject({
      seq: resumed.seq,
      kind: 'paused_days_mismatch',
      field: 'data.pausedWorkingDays',
      recorded: 7,
      derived: workingDaysBetween('2026-07-07', '2026-07-09'),
    });
    // The fold moved every later due date by the forged days: the untouched read model now disagrees.
    expect(kinds(problems)).toContain('-:snapshot_mismatch:snapshot.timeliness');
    expect(state?.timeliness?.statutoryDue).not.toBe(path.state.timeliness?.statutoryDue);
  });

  it('the days of an extension (第42条)', () => {
    const record = rows(jointRefusedPath());
    const requested = find(record, 'extension_requested');
    const decided = find(record, 'extension_decided');
    requested.data.days = 30;
    decided.data.days = 30;
    const problems = rederive(record).problems;
    expect(problems[0]).toMatchObject({
      seq: requested.seq,
      kind: 'extension_days_mismatch',
      recorded: 30,
      derived: 15,
    });
    // The decision matches its (forged) request; what the forged days moved is reported where it was recorded.
    expect(problems.some((p) => p.seq === decided.seq)).toBe(false);
    expect(problems).toContainEqual(
      expect.objectContaining({
        kind: 'due_date_mismatch',
        field: 'data.due',
        recorded: addWorkingDays('2026-07-06', 45 + 15),
      }),
    );
  });

  it('an extension decided for more days than were asked', () => {
    const record = rows(fullReviewPath());
    const decided = find(record, 'extension_decided');
    decided.data.days = 20;
    expect(rederive(record).problems[0]).toMatchObject({
      seq: decided.seq,
      kind: 'extension_days_mismatch',
      recorded: 20,
      derived: 10,
    });
  });

  it('a task due date, and a second stage opened with a different one', () => {
    const path = escalatedPath();
    const record = rows(path);
    const district = find(record, 'task_opened', (d) => d.department === 'DISTRICT_HRSS');
    district.data.due = '2026-12-31';
    const cityAt = record
      .map((r) => r.type === 'task_opened' && (r.data as any).department === 'HRSS')
      .lastIndexOf(true);
    const city = record[cityAt] as RecordRow & { data: any };
    const original = (path.record().rows[cityAt]?.data as any).due as string;
    city.data.due = '2026-12-31';
    const found = rederive(record).problems;
    expect(found[0]).toMatchObject({
      seq: district.seq,
      kind: 'due_date_mismatch',
      field: 'data.due',
      derived: addWorkingDays('2026-07-06', 20),
    });
    // The higher level's limit runs from the day it opened (after the district's opinion), not from acceptance.
    expect(original > addWorkingDays('2026-07-06', 1)).toBe(true);
    expect(found.find((p) => p.seq === city.seq)).toMatchObject({ kind: 'due_date_mismatch', derived: original });
  });

  it('a supplement due date and the notice that announced it', () => {
    const record = rows(deemedAcceptancePath());
    find(record, 'supplement_requested').data.due = '2026-08-31';
    find(record, 'notice_sent', (d) => d.kind === 'supplement').data.due = '2026-08-31';
    expect(rederive(record).problems.map((p) => [p.kind, p.field, p.derived])).toEqual([
      ['due_date_mismatch', 'data.due', addWorkingDays('2026-07-06', 10)],
      ['due_date_mismatch', 'data.due', addWorkingDays('2026-07-06', 10)],
    ]);
  });

  it('deemed acceptance dated from another day, or recorded before the five days ran out', () => {
    const record = rows(deemedAcceptancePath());
    const deemed = find(record, 'deemed_accepted');
    deemed.data.acceptedOn = '2026-07-06';
    deemed.at = '2026-07-14T02:00:00.000Z';
    const found = rederive(record).problems;
    expect(found).toContainEqual(
      expect.objectContaining({
        seq: deemed.seq,
        kind: 'date_mismatch',
        field: 'data.acceptedOn',
        derived: '2026-07-08',
      }),
    );
    expect(found).toContainEqual(expect.objectContaining({ seq: deemed.seq, kind: 'timing_mismatch', field: 'at' }));
  });

  it('a warning against a deadline that was not the one then current', () => {
    const record = rows(deemedAcceptancePath());
    const red = find(record, 'deadline_warning', (d) => d.deadline === 'review' && d.level === 'red');
    red.data.due = '2026-07-30';
    expect(rederive(record).problems).toEqual([
      expect.objectContaining({
        seq: red.seq,
        kind: 'warning_mismatch',
        recorded: '2026-07-30',
        derived: '2026-07-22',
      }),
    ]);
  });

  it('the delivery due date of an approval (第44条), and the day a certificate was issued', () => {
    const record = rows(immediatePath());
    find(record, 'case_approved').data.deliveryDue = '2026-07-07';
    find(record, 'certificate_issued').data.issuedOn = '2026-07-01';
    expect(rederive(record).problems.map((p) => [p.kind, p.field, p.derived])).toEqual([
      ['due_date_mismatch', 'data.deliveryDue', addWorkingDays('2026-07-06', 10)],
      ['date_mismatch', 'data.issuedOn', '2026-07-06'],
    ]);
  });

  it('the delivery due date of a partial approval, counted across the National Day holiday', () => {
    const path = themePartlyApprovedPath();
    expect(path.state.status).toBe('partially_approved');
    const record = rows(path);
    const decided = find(record, 'case_partially_approved');
    const due = decided.data.deliveryDue as string;
    expect(due).toBe(addWorkingDays('2026-10-09', 10));
    decided.data.deliveryDue = '2026-10-19';
    expect(rederive(record).problems).toEqual([
      expect.objectContaining({ seq: decided.seq, kind: 'due_date_mismatch', recorded: '2026-10-19', derived: due }),
    ]);
  });

  it('events out of time order', () => {
    const record = rows(fullReviewPath());
    const last = record.at(-1)!;
    last.at = '2026-07-01T00:00:00.000Z';
    expect(kinds(rederive(record).problems)).toContain(`${last.seq}:time_order:at`);
  });

  it('a read model that says something else', () => {
    const path = escalatedPath();
    const snapshot: CaseState = { ...path.state, status: 'refused' };
    expect(rederive(path.record().rows, snapshot).problems).toEqual([
      expect.objectContaining({
        kind: 'snapshot_mismatch',
        field: 'snapshot.status',
        recorded: 'refused',
        derived: 'approved',
      }),
    ]);
    expect(rederive(path.record().rows, null).problems).toEqual([
      expect.objectContaining({ kind: 'snapshot_mismatch', field: 'snapshot' }),
    ]);
  });

  it('the columns lists and inboxes read (cases, review_tasks)', () => {
    const path = inReviewPath();
    const s = path.state;
    const caseRow = {
      status: s.status as string,
      acceptedOn: s.acceptedOn ?? null,
      statutoryDue: s.deadlines.statutoryDue ?? null,
      promisedDue: s.deadlines.promisedDue ?? null,
      lastSeq: s.seq,
    };
    const tasks = s.tasks.map((t) => ({ id: t.id, status: t.status as string, openedOn: t.openedOn, due: t.due }));
    expect(rederive(path.record().rows, s, { caseRow, tasks }).problems).toEqual([]);

    caseRow.promisedDue = '2026-12-31';
    tasks[0]!.due = '2026-12-31';
    tasks[1]!.status = 'open';
    tasks.push({ id: 'FORGED', status: 'open', openedOn: '2026-07-06', due: '2026-07-08' });
    const found = rederive(path.record().rows, s, { caseRow, tasks: tasks.slice(1) }).problems;
    expect(found.map((p) => [p.kind, p.field])).toEqual([
      ['read_model_mismatch', 'cases.promised_due'],
      ['read_model_mismatch', `review_tasks.${s.tasks[0]!.id}`],
      ['read_model_mismatch', `review_tasks.${s.tasks[1]!.id}.status`],
      ['read_model_mismatch', 'review_tasks.FORGED'],
    ]);
    expect(found[0]).toMatchObject({ recorded: '2026-12-31', derived: s.deadlines.promisedDue });
  });

  it('edited data the calendar cannot count from is reported, not a crash', () => {
    const record = rows(fullReviewPath());
    find(record, 'received').data.matters = [];
    find(record, 'materials_supplied').data.receivedOn = 'not a date';
    const found = rederive(record).problems;
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((p) => p.kind)).toContain('unfoldable');
  });

  it('an event that does not fold is reported, and the rest still checked', () => {
    const record = rows(fullReviewPath());
    record.shift();
    const { problems } = rederive(record);
    expect(problems[0]).toMatchObject({ seq: 2, kind: 'unfoldable' });
  });
});
