/**
 * S3-compatible object storage (S3_BUCKET and friends, files/settings.ts) through the AWS SDK: one object per
 * content, keyed `sha256/<hash>`. An object appears whole or not at all, so no temporary name is needed; the SHA-256
 * is sent with each upload for the server to check on arrival, and every read is checked against it again.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3Settings } from './settings.ts';
import { assertSha256, sha256Of, type FileStore, type Sha256, type StoredState } from './store.ts';

const notFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

export interface S3Store extends FileStore {
  client: S3Client;
  /** Fails, saying which, when the bucket cannot be reached with these settings (checked at start-up). */
  checkBucket(): Promise<void>;
}

export function s3Store(settings: S3Settings): S3Store {
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Checksums only where the API requires them: not every S3-compatible server knows the SDK's default CRC32
    // trailers. Integrity is ours: the SHA-256 below, and the hash check on every read.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = settings.bucket;
  const keyOf = (sha256: Sha256) => {
    assertSha256(sha256);
    return `sha256/${sha256}`;
  };

  async function exists(sha256: Sha256): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(sha256) }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async function read(sha256: Sha256): Promise<Buffer | undefined> {
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(sha256) }));
      if (!answer.Body) return Buffer.alloc(0);
      return Buffer.from(await answer.Body.transformToByteArray());
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async function verify(sha256: Sha256): Promise<StoredState> {
    const bytes = await read(sha256);
    if (!bytes) return 'missing';
    return sha256Of(bytes) === sha256 ? 'ok' : 'mismatch';
  }

  return {
    client,
    location: `s3://${Bucket}`,
    async checkBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        throw new Error(
          `S3 bucket "${Bucket}" at ${settings.endpoint ?? 'the default endpoint'} is not usable` +
            ` (${status ?? (error as Error).message}): check S3_ENDPOINT, S3_BUCKET and the keys`,
          { cause: error },
        );
      }
    },
    async put(bytes) {
      const sha256 = sha256Of(bytes);
      // An intact copy is kept as it is (read back to be sure: a damaged object is replaced by the good bytes).
      if ((await verify(sha256)) === 'ok') return { sha256, created: false };
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: keyOf(sha256),
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
      );
      return { sha256, created: true };
    },
    async get(sha256) {
      const bytes = await read(sha256);
      if (!bytes) return { state: 'missing' };
      return sha256Of(bytes) === sha256 ? { state: 'ok', bytes } : { state: 'mismatch' };
    },
    exists,
    verify,
    async remove(sha256) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(sha256) }));
    },
  };
}
