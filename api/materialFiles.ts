/**
 * The materials of a submission or supplement as the command carries them: codes, the files named for each (read
 * from the files table, so the hashes go into the recorded event) and the originals a clerk saw. Files are attached
 * to the case once the workflow has accepted the command.
 */
import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { files } from '../db/schema.ts';
import type { MaterialFile } from '../rules/caseModel.ts';
import { attachFiles } from '../files/records.ts';
import { ApiError } from './errors.ts';
import type { Static, MaterialEntry } from './schemas.ts';

export type MaterialInput = string | Static<typeof MaterialEntry>;

/** Each entry in the object form (a bare code is paper handed in: no files, original not marked). */
export function materialEntries(materials: MaterialInput[]): Array<Static<typeof MaterialEntry>> {
  return materials.map((m) => (typeof m === 'string' ? { code: m } : m));
}

/** Who may name a file: its uploader (a clerk by username, an applicant by the case they uploaded for). */
export interface FileOwner {
  username?: string;
  caseNo?: string;
}

export interface HandedIn {
  materials: string[];
  files: MaterialFile[];
  originalsSeen: string[];
}

/**
 * Reads every named file and checks the submitter may hand it in: it exists, was uploaded by them, and is attached to
 * no case or to this one (a retry). Anything else is 422 `file_not_found` naming the entry, the same answer whether the
 * file does not exist or belongs to someone else.
 */
export async function resolveMaterials(
  db: Database,
  materials: MaterialInput[],
  owner: FileOwner,
  caseNo?: string,
): Promise<HandedIn> {
  const entries = materialEntries(materials);
  const ids = entries.flatMap((e) => e.files ?? []);
  const rows = ids.length ? await db.select().from(files).where(inArray(files.id, ids)) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const named = new Set<string>();
  const found: MaterialFile[] = [];
  entries.forEach((entry, i) => {
    (entry.files ?? []).forEach((id, j) => {
      const field = `materials[${i}].files[${j}]`;
      if (named.has(id)) throw new ApiError(422, 'file_listed_twice', `文件 ${id} 在材料中重复出现`, field);
      named.add(id);
      const row = byId.get(id);
      const mine =
        row &&
        ((owner.username !== undefined && row.uploadedBy === owner.username) ||
          (owner.caseNo !== undefined && row.uploaderCase === owner.caseNo));
      const free = row && (row.caseNo === null || (caseNo !== undefined && row.caseNo === caseNo));
      if (!row || !mine || !free) {
        throw new ApiError(422, 'file_not_found', `材料 ${entry.code} 的文件 ${id} 不存在或不可使用`, field);
      }
      found.push({
        material: entry.code,
        id: row.id,
        sha256: row.sha256,
        contentType: row.contentType,
        size: row.size,
        ...(row.pages === null ? {} : { pages: row.pages }),
      });
    });
  });
  return {
    materials: entries.map((e) => e.code),
    files: found,
    originalsSeen: [...new Set(entries.filter((e) => e.originalSeen).map((e) => e.code))],
  };
}

/** The command's fields for the files and originals, present only when there are any. */
export function handedInFields(handedIn: HandedIn) {
  return {
    ...(handedIn.files.length ? { files: handedIn.files } : {}),
    ...(handedIn.originalsSeen.length ? { originalsSeen: handedIn.originalsSeen } : {}),
  };
}

/** Marks the files attached to the case (idempotent: a retry attaches nothing twice). */
export async function attachHandedIn(db: Database, caseNo: string, handedIn: HandedIn): Promise<void> {
  await attachFiles(
    db,
    caseNo,
    handedIn.files.map((f) => f.id),
  );
}
