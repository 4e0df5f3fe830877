/**
 * The `files` table: one row per upload, naming its content by hash. Writing a row and storing or removing its
 * content happen under a PostgreSQL advisory lock on the hash, so pruning an orphan never removes content that a
 * concurrent upload of the same bytes has just been promised.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { files } from '../db/schema.ts';
import { sha256Of, type FileStore, type Sha256, type StoredState } from './store.ts';

export type FileRow = typeof files.$inferSelect;

/** 128 random bits, URL-safe: a file's address is also its capability, so it must not be guessable. */
const newFileId = () => randomBytes(16).toString('base64url');

const isFileId = (value: string) => /^[A-Za-z0-9_-]{22}$/.test(value);

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

async function lockContent(tx: Transaction, sha256: Sha256): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`files:${sha256}`}, 0))`);
}

export interface NewFile {
  contentType: string;
  pages?: number;
  originalName: string;
  uploader: { username: string } | { caseNo: string };
}

/** Stores the content (once) and records a new row for it. */
export async function saveFile(db: Database, store: FileStore, bytes: Buffer, file: NewFile): Promise<FileRow> {
  const sha256 = sha256Of(bytes);
  return db.transaction(async (tx) => {
    await lockContent(tx, sha256);
    const stored = await store.put(bytes);
    const [row] = await tx
      .insert(files)
      .values({
        id: newFileId(),
        sha256: stored.sha256,
        contentType: file.contentType,
        size: bytes.length,
        pages: file.pages ?? null,
        originalName: file.originalName,
        uploadedBy: 'username' in file.uploader ? file.uploader.username : null,
        uploaderCase: 'caseNo' in file.uploader ? file.uploader.caseNo : null,
      })
      .returning();
    return row as FileRow;
  });
}

export async function findFile(db: Database, id: string): Promise<FileRow | undefined> {
  if (!isFileId(id)) return undefined;
  const [row] = await db.select().from(files).where(eq(files.id, id));
  return row;
}

/** Attaches unattached files to a case (a submission or supplement naming them); returns the ids attached. */
export async function attachFiles(db: Database | Transaction, caseNo: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(files)
    .set({ caseNo })
    .where(and(inArray(files.id, ids), isNull(files.caseNo)))
    .returning({ id: files.id });
  return rows.map((r) => r.id);
}

/**
 * Removes rows never attached to a case and older than `orphanHours` (by the database's clock), and the stored
 * content of each hash that no row names any more. Returns how many rows and contents went.
 */
export async function pruneOrphans(
  db: Database,
  store: FileStore,
  orphanHours: number,
  batch = 500,
): Promise<{ rows: number; contents: number }> {
  const cutoff = sql`now() - make_interval(secs => ${orphanHours * 3600})`;
  const candidates = await db
    .selectDistinct({ sha256: files.sha256 })
    .from(files)
    .where(and(isNull(files.caseNo), lt(files.createdAt, cutoff)))
    .limit(batch);
  let rows = 0;
  let contents = 0;
  for (const { sha256 } of candidates) {
    await db.transaction(async (tx) => {
      await lockContent(tx, sha256);
      const gone = await tx
        .delete(files)
        .where(and(eq(files.sha256, sha256), isNull(files.caseNo), lt(files.createdAt, cutoff)))
        .returning({ id: files.id });
      rows += gone.length;
      const [left] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(files)
        .where(eq(files.sha256, sha256));
      if ((left?.n ?? 0) === 0) {
        await store.remove(sha256);
        contents++;
      }
    });
  }
  return { rows, contents };
}

export interface FileCheck {
  id: string;
  sha256: Sha256;
  state: StoredState;
}

/**
 * Every file attached to a case, with what the store holds for it (`ok`, `missing`, `mismatch`): the audit reports
 * the ones that are not `ok`.
 */
export async function checkCaseFiles(db: Database, store: FileStore, caseNo: string): Promise<FileCheck[]> {
  const rows = await db
    .select({ id: files.id, sha256: files.sha256 })
    .from(files)
    .where(eq(files.caseNo, caseNo))
    .orderBy(files.createdAt, files.id);
  const states = new Map<Sha256, StoredState>();
  for (const { sha256 } of rows) if (!states.has(sha256)) states.set(sha256, await store.verify(sha256));
  return rows.map((row) => ({ ...row, state: states.get(row.sha256) as StoredState }));
}
