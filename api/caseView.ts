/** What `GET /applications/:caseNo` and the command endpoints answer with. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { caseEvents, cases, files } from '../db/schema.ts';
import type { CaseState } from '../rules/caseModel.ts';
import { ratingLevelNames } from '../rules/ratings.ts';
import type { CaseAnswer } from '../workflows/caseMessages.ts';

/** Uploaded names by file id (the names are not in the record: they are personal data, shown, never sealed). */
export type FileNames = ReadonlyMap<string, string>;

/**
 * Every material of the case's matters (once, however many matters ask for it): handed in or not, its files as the
 * record holds them (with their names when given) and whether a clerk saw the original.
 */
export function caseMaterials(state: CaseState, names: FileNames = new Map()) {
  const seen = new Set(state.originalsSeen ?? []);
  const provided = new Set(state.materialsProvided);
  const byCode = new Map<string, { code: string; name: string; required: boolean }>();
  for (const matter of state.matters) {
    for (const m of matter.materials) {
      const known = byCode.get(m.code);
      byCode.set(m.code, { code: m.code, name: m.name, required: (known?.required ?? false) || m.required });
    }
  }
  return [...byCode.values()].map((m) => ({
    ...m,
    provided: provided.has(m.code),
    originalSeen: seen.has(m.code),
    files: (state.materialFiles ?? [])
      .filter((f) => f.material === m.code)
      .map(({ material: _material, ...file }) => {
        const fileName = names.get(file.id);
        return { ...file, ...(fileName === undefined ? {} : { fileName }) } as typeof file & { fileName?: string };
      }),
  }));
}

/** The names of the case's files, for the view. */
export async function loadFileNames(db: Database, state: CaseState): Promise<FileNames> {
  const ids = (state.materialFiles ?? []).map((f) => f.id);
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: files.id, originalName: files.originalName })
    .from(files)
    .where(inArray(files.id, ids));
  return new Map(rows.map((r) => [r.id, r.originalName]));
}

/** The case view with its files' names (every answer that reads the case itself). */
export async function caseViewWithFiles(db: Database, state: CaseState) {
  return caseView(state, await loadFileNames(db, state));
}

export function caseView(state: CaseState, names?: FileNames) {
  return {
    caseNo: state.caseNo,
    status: state.status,
    /** 急办件: who marked the case urgent, when and why (null when it is not). */
    urgent: state.urgent ?? null,
    /** The decision rules the case was received under: 2 = each matter of a theme its own outcome. */
    rules: state.rulesVersion ?? 1,
    applicant: state.applicant,
    ...(state.theme ? { theme: state.theme } : {}),
    matters: state.matters.map((m) => ({
      code: m.code,
      name: m.name,
      kind: m.kind,
      outcome: state.outcomes[m.code] ?? 'pending',
      departments: m.departments,
    })),
    materialsProvided: state.materialsProvided,
    materials: caseMaterials(state, names),
    receivedAt: state.receivedAt,
    receivedBy: state.receivedBy,
    /** 首问负责: the staff member who first received the case answers the applicant's questions about it. */
    firstContact: { clerkId: state.receivedBy.clerkId, window: state.receivedBy.window },
    acceptedAt: state.acceptedOn ?? null,
    deemedAccepted: state.deemedAccepted,
    decidedAt: state.decidedAt ?? null,
    deadlines: state.deadlines,
    /** For a finished case: the due dates it had and whether it met them (限时办结). */
    timeliness: state.timeliness ?? null,
    clock: state.clock,
    warnings: state.warnings,
    visits: state.visits,
    /** 最多跑一次: at most one in-person visit. */
    atMostOneVisit: state.visits <= 1,
    delivery: state.delivery ?? null,
    extensions: state.extensions,
    specialProcedures: state.specialProcedures,
    deficiencies: state.deficiencies,
    commitments: state.commitments,
    fromLibrary: state.fromLibrary,
    tasks: state.tasks,
    notices: state.notices,
    certificates: state.certificates,
    reasons: state.reasons,
    /** 好差评 and the follow-up (整改) with the department's reply, shown to the applicant. */
    rating: state.rating ? { ...state.rating, levelName: ratingLevelNames[state.rating.level] } : null,
    followUp: state.followUp ?? null,
    lastSeq: state.seq,
  };
}

/** The case view of a command's answer. */
export function answerView(answer: CaseAnswer) {
  return caseView(answer.state);
}

export async function loadCase(db: Database, caseNo: string): Promise<CaseState | undefined> {
  const [row] = await db.select({ snapshot: cases.snapshot }).from(cases).where(eq(cases.caseNo, caseNo));
  return row?.snapshot;
}

export async function loadEvents(db: Database, caseNo: string) {
  const rows = await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(asc(caseEvents.seq));
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    at: r.at,
    actor: r.actor,
    data: r.data,
    recordedAt: r.recordedAt,
  }));
}
