/**
 * Settings of electronic materials (电子材料), read from the environment in one place: the size limit, how long an
 * unattached upload is kept, and where contents are stored (a folder in the data directory, or S3-compatible object
 * storage when S3_BUCKET is set).
 */
import path from 'node:path';

export const DEFAULT_FILE_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_FILE_ORPHAN_HOURS = 24;

export interface S3Settings {
  /** Omitted: the client's default for the region (AWS itself). */
  endpoint?: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`: what most self-hosted servers need. */
  forcePathStyle: boolean;
}

export interface FileSettings {
  maxBytes: number;
  orphanHours: number;
  /** Where stored contents go: a local folder, or S3 when configured. */
  storage: { kind: 'folder'; dir: string } | ({ kind: 's3' } & S3Settings);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${text}"`);
  return value;
}

export function fileSettings(env: NodeJS.ProcessEnv): FileSettings {
  const maxBytes = positive(env, 'FILE_MAX_BYTES', DEFAULT_FILE_MAX_BYTES);
  if (!Number.isInteger(maxBytes)) throw new Error(`FILE_MAX_BYTES must be a whole number of bytes`);
  const orphanHours = positive(env, 'FILE_ORPHAN_HOURS', DEFAULT_FILE_ORPHAN_HOURS);
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) {
    return { maxBytes, orphanHours, storage: { kind: 'folder', dir: path.join(env.DATA_DIR || '.data', 'files') } };
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too');
  }
  const endpoint = env.S3_ENDPOINT?.trim();
  return {
    maxBytes,
    orphanHours,
    storage: {
      kind: 's3',
      ...(endpoint ? { endpoint } : {}),
      bucket,
      accessKeyId,
      secretAccessKey,
      region: env.S3_REGION?.trim() || 'us-east-1',
      // Self-hosted servers rarely resolve bucket subdomains: path style unless told otherwise, when an endpoint is set.
      forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE === 'true' : Boolean(endpoint),
    },
  };
}
