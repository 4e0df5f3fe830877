/**
 * The files inside an exported case file (卷宗): each file the record names travels in the signed JSON as base64, and
 * the offline check hashes the decoded bytes against the hash the chain recorded for it. One self-contained document
 * keeps one signature and one reader (no archive format to trust); the cost is a third more bytes than a zip.
 */
import { createHash } from 'node:crypto';
import { recordedFiles } from './caseFiles.ts';
import type { ExportedEvent, ExportProblem } from './exportCheck.ts';

export interface ExportedFile {
  id: string;
  material: string;
  sha256: string;
  contentType: string;
  size: number;
  pages?: number;
  /** The event that recorded the file. */
  seq: number;
  /** The bytes (base64), or null when the store no longer held them intact at export time. */
  content: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first problem with the files: a recorded file absent or changed, or a file the record does not name. */
export function fileProblem(events: ExportedEvent[], files: unknown): ExportProblem | undefined {
  const list = files === undefined ? [] : files;
  if (!Array.isArray(list)) return { kind: 'malformed', field: 'files', message: '卷宗的 files 不是数组' };
  const recorded = recordedFiles(events);
  const byId = new Map<string, { entry: Record<string, unknown>; index: number }>();
  list.forEach((entry: unknown, index) => {
    if (isObject(entry) && typeof entry.id === 'string') byId.set(entry.id, { entry, index });
  });
  for (const file of recorded) {
    const found = byId.get(file.id);
    const field = found ? `files[${found.index}].content` : 'files';
    if (!found || typeof found.entry.content !== 'string') {
      return {
        kind: 'file_missing',
        seq: file.seq,
        field,
        message: `第 ${file.seq} 条事件记录的材料 ${file.material} 的文件 ${file.id} 不在卷宗中（导出时已缺失或损坏）`,
      };
    }
    const bytes = Buffer.from(found.entry.content, 'base64');
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (bytes.toString('base64') !== found.entry.content || hash !== file.sha256 || bytes.length !== file.size) {
      return {
        kind: 'file_mismatch',
        seq: file.seq,
        field,
        recorded: file.sha256,
        expected: hash,
        message: `材料 ${file.material} 的文件 ${file.id} 内容与第 ${file.seq} 条事件记录的哈希不符（文件被改动）`,
      };
    }
  }
  const named = new Set(recorded.map((f) => f.id));
  const stray = list.findIndex((entry: unknown) => !isObject(entry) || !named.has(String(entry.id)));
  if (stray >= 0) {
    return {
      kind: 'file_unrecorded',
      field: `files[${stray}]`,
      message: `卷宗中的第 ${stray + 1} 个文件不是事件记录的文件`,
    };
  }
  return undefined;
}
