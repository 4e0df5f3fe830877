/**
 * Settings of electronic materials (电子材料): the size limit, how long an unattached upload is kept, and where
 * contents are stored (a folder in the data directory, or S3-compatible object storage when S3_BUCKET is set). Read
 * and checked with the rest of the configuration in infra/config.ts.
 */

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
