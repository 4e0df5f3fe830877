/**
 * Content-addressed storage of uploaded files: each content is kept once, under its SHA-256, and read back only when
 * its bytes still have that hash. Implemented by a folder (folderStore.ts) and by S3-compatible object storage
 * (s3Store.ts).
 */
import { createHash } from 'node:crypto';

export type Sha256 = string;

export const sha256Of = (bytes: Uint8Array): Sha256 => createHash('sha256').update(bytes).digest('hex');

const isSha256 = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);

/** What the store holds under a hash: the content, nothing, or bytes that are no longer that content. */
export type StoredState = 'ok' | 'missing' | 'mismatch';

export interface FileStore {
  /** Where contents live, for logs and the audit (a folder path or `s3://bucket`). */
  readonly location: string;
  /** Store `bytes` under their hash (once: an intact copy already there is kept); `created` is false then. */
  put(bytes: Buffer): Promise<{ sha256: Sha256; created: boolean }>;
  /** The content, checked against its hash; `missing` / `mismatch` otherwise (never the damaged bytes). */
  get(sha256: Sha256): Promise<{ state: 'ok'; bytes: Buffer } | { state: 'missing' | 'mismatch' }>;
  exists(sha256: Sha256): Promise<boolean>;
  /** Reads the whole content and compares its hash: what the audit reports. */
  verify(sha256: Sha256): Promise<StoredState>;
  /** Removes the content (when no file row names it any more); absent already is fine. */
  remove(sha256: Sha256): Promise<void>;
}

/** Guards every path and key built from a hash: nothing else ever names a stored object. */
export function assertSha256(value: string): void {
  if (!isSha256(value)) throw new Error(`not a SHA-256 hex digest: ${value.slice(0, 80)}`);
}
