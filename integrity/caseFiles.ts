/**
 * The files a case's record names (each `received` / `materials_supplied` event's `files`, hashes sealed in the
 * chain), checked against the file store: a content missing, or whose bytes no longer have the recorded hash, is a
 * problem the audit reports. Also what the export bundles.
 */
import type { MaterialFile } from '../rules/caseModel.ts';
import type { FileStore } from '../files/store.ts';

export interface RecordedFile extends MaterialFile {
  /** The event that recorded it. */
  seq: number;
}

export interface FileProblem {
  kind: 'file_missing' | 'file_damaged';
  seq: number;
  fileId: string;
  material: string;
  sha256: string;
  message: string;
}

/** Every file the events record, in the order recorded (the same id twice is listed once). */
export function recordedFiles(events: Array<{ seq: number; type: string; data: unknown }>): RecordedFile[] {
  const seen = new Set<string>();
  const found: RecordedFile[] = [];
  for (const event of events) {
    if (event.type !== 'received' && event.type !== 'materials_supplied') continue;
    const files = (event.data as { files?: unknown } | null)?.files;
    if (!Array.isArray(files)) continue;
    for (const file of files as MaterialFile[]) {
      if (typeof file?.id !== 'string' || seen.has(file.id)) continue;
      seen.add(file.id);
      found.push({ ...file, seq: event.seq });
    }
  }
  return found;
}

/** Each recorded file whose content the store does not hold intact under the recorded hash. */
export async function checkRecordedFiles(store: FileStore, files: RecordedFile[]): Promise<FileProblem[]> {
  const states = new Map<string, Awaited<ReturnType<FileStore['verify']>>>();
  const problems: FileProblem[] = [];
  for (const file of files) {
    const valid = typeof file.sha256 === 'string' && /^[0-9a-f]{64}$/.test(file.sha256);
    let state = valid ? states.get(file.sha256) : 'missing';
    if (!state) {
      state = await store.verify(file.sha256);
      states.set(file.sha256, state);
    }
    if (state === 'ok') continue;
    problems.push({
      kind: state === 'missing' ? 'file_missing' : 'file_damaged',
      seq: file.seq,
      fileId: file.id,
      material: file.material,
      sha256: file.sha256,
      message:
        state === 'missing'
          ? `第 ${file.seq} 条事件记录的材料 ${file.material} 的文件 ${file.id} 已不在文件存储中`
          : `第 ${file.seq} 条事件记录的材料 ${file.material} 的文件 ${file.id} 内容与记录的哈希不符（已被改动或损坏）`,
    });
  }
  return problems;
}
