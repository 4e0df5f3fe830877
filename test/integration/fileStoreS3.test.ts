/**
 * The S3 file store against a real S3-compatible server that this file starts itself: Versity's gateway over a
 * folder (infra/versitygw.ts; built once into the user's cache). The store's contract directly, then a stack of its
 * own configured with S3_*: uploads land in the bucket once per content, and unattached uploads are pruned after
 * FILE_ORPHAN_HOURS, their content only when no other file names it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileStore } from '../../files/openStore.ts';
import { s3Store, type S3Store } from '../../files/s3Store.ts';
import type { S3Settings } from '../../files/settings.ts';
import { freePort } from '../../infra/ports.ts';
import { waitUntil } from '../../infra/processes.ts';
import { findVersitygw, startVersitygw, type RunningVersitygw } from '../../infra/versitygw.ts';
import { fileStoreContract } from '../support/fileStoreContract.ts';
import { minimalPdf } from '../support/files.ts';
import { checkExport } from '../../integrity/exportCheck.ts';
import { applicationBody, client as apiClient, login, newKey } from './http.ts';
import { useOwnStack } from './ownStack.ts';
import { upload } from './uploadClient.ts';

const port = await freePort();
const keys = { accessKeyId: 'yimen-files-test', secretAccessKey: 'yimen-files-test-secret' };
const settings = (bucket: string): S3Settings => ({
  endpoint: `http://127.0.0.1:${port}`,
  bucket,
  ...keys,
  region: 'us-east-1',
  forcePathStyle: true,
});
/** Short enough to watch the server prune, long enough for the other tests' uploads to be read back first. */
const ORPHAN_HOURS = 0.003; // 10.8 s; the prune runs every 2.7 s

let gateway: RunningVersitygw | undefined;
let gatewayDir: string | undefined;
let client: S3Client;

beforeAll(async () => {
  gatewayDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-versitygw-'));
  // The first run on a machine builds the gateway (about 5 minutes on 2 cores); later runs find it in the cache.
  gateway = await startVersitygw({
    binary: await findVersitygw(),
    dataDir: path.join(gatewayDir, 'root'),
    port,
    ...keys,
  });
  client = s3Store(settings('x')).client;
  for (const bucket of ['contract', 'materials']) await client.send(new CreateBucketCommand({ Bucket: bucket }));
}, 15 * 60_000);

// Registered after the gateway's beforeAll, so it starts once the bucket exists (the API checks it at start-up).
const own = useOwnStack('files-s3', {
  S3_ENDPOINT: `http://127.0.0.1:${port}`,
  S3_BUCKET: 'materials',
  S3_ACCESS_KEY_ID: keys.accessKeyId,
  S3_SECRET_ACCESS_KEY: keys.secretAccessKey,
  FILE_ORPHAN_HOURS: String(ORPHAN_HOURS),
});

afterAll(async () => {
  await gateway?.stop();
  if (gatewayDir) await rm(gatewayDir, { recursive: true, force: true });
});

async function keysIn(bucket: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the S3 store against versitygw', () => {
  let store: S3Store;
  beforeAll(() => {
    store = s3Store(settings('contract'));
  });

  fileStoreContract(() => ({
    store,
    damage: async (hash, bytes) => {
      await client.send(new PutObjectCommand({ Bucket: 'contract', Key: `sha256/${hash}`, Body: bytes }));
    },
    count: async () => (await keysIn('contract')).length,
  }));

  it('a bucket that is not there, or keys that are wrong, stop start-up with a message naming the settings', async () => {
    await expect(
      openFileStore({ maxBytes: 1, orphanHours: 1, storage: { kind: 's3', ...settings('nope') } }),
    ).rejects.toThrow(/S3 bucket "nope".*S3_ENDPOINT, S3_BUCKET/);
    const wrongKeys = { ...settings('contract'), secretAccessKey: 'wrong' };
    await expect(openFileStore({ maxBytes: 1, orphanHours: 1, storage: { kind: 's3', ...wrongKeys } })).rejects.toThrow(
      /not usable/,
    );
  });
});

describe('a stack storing its files in S3', () => {
  const token = () => login(own.stack.apiUrl, 'clerk1');

  it('an upload lands in the bucket under its hash, byte for byte, once per content; GET serves it', async () => {
    const pdf = minimalPdf(2, `s3 ${Date.now()}`);
    const first = await upload(own.stack.apiUrl, pdf, { token: await token() });
    const second = await upload(own.stack.apiUrl, Buffer.from(pdf), { token: await token() });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.json).toMatchObject({ sha256: sha256(pdf), pages: 2, contentType: 'application/pdf' });
    expect(second.json.id).not.toBe(first.json.id);
    expect((await keysIn('materials')).filter((k) => k === `sha256/${sha256(pdf)}`)).toHaveLength(1);
    const object = await client.send(new GetObjectCommand({ Bucket: 'materials', Key: `sha256/${sha256(pdf)}` }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(pdf)).toBe(true);
    const served = await fetch(`${own.stack.apiUrl}/files/${first.json.id}`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('unattached uploads are pruned after FILE_ORPHAN_HOURS; content another file still names is kept', async () => {
    const lonely = minimalPdf(1, `lonely ${Date.now()}`);
    const shared = minimalPdf(1, `shared ${Date.now()}`);
    const orphan = await upload(own.stack.apiUrl, lonely, { token: await token() });
    const attached = await upload(own.stack.apiUrl, shared, { token: await token() });
    const orphanTwin = await upload(own.stack.apiUrl, shared, { token: await token() });
    expect([orphan.status, attached.status, orphanTwin.status]).toEqual([201, 201, 201]);
    // attaching belongs to submissions and supplements; here the row is marked attached directly
    await own.sql`UPDATE files SET case_no = 'SQ20990101000001' WHERE id = ${attached.json.id as string}`;
    const ids = [orphan.json.id as string, attached.json.id as string, orphanTwin.json.id as string];
    await waitUntil(async () => (await own.sql`SELECT id FROM files WHERE id IN ${own.sql(ids)}`).length === 1, {
      what: 'the orphan prune',
      timeoutMs: 60_000,
    });
    expect((await own.sql`SELECT id FROM files WHERE id IN ${own.sql(ids)}`).map((r) => r.id)).toEqual([
      attached.json.id,
    ]);
    const stored = await keysIn('materials');
    expect(stored).not.toContain(`sha256/${sha256(lonely)}`);
    expect(stored).toContain(`sha256/${sha256(shared)}`);
    // the pruned upload is gone for its uploader too
    const gone = await fetch(`${own.stack.apiUrl}/files/${orphan.json.id}`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(gone.status).toBe(404);
  });

  it('a case’s files in S3: submitted, read, audited (a replaced object is damaged), exported and checked', async () => {
    const api = apiClient(own.stack.apiUrl);
    const pdf = minimalPdf(1, `s3 case ${Date.now()}`);
    const scan = await upload(own.stack.apiUrl, pdf, { token: await token(), filename: '申请表.pdf' });
    expect(scan.status).toBe(201);
    const submitted = await api
      .as('clerk1')
      .post(
        '/applications',
        applicationBody({ materials: [{ code: 'OUTDOOR_AD_APPLICATION', files: [scan.json.id] }] }),
        {
          'idempotency-key': newKey(),
        },
      );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const caseNo = submitted.body.caseNo as string;
    const view = await api.as('reviewer.TRAFFIC_POLICE').get(`/applications/${caseNo}`);
    expect(view.body.materials[0].files[0]).toMatchObject({ id: scan.json.id, sha256: sha256(pdf) });
    const auditor = api.as('auditor1');
    expect((await auditor.get(`/applications/${caseNo}/audit`)).body).toMatchObject({
      intact: true,
      files: { checked: 1 },
    });
    const good = await auditor.get(`/applications/${caseNo}/export`);
    expect(checkExport(good.body)).toMatchObject({ intact: true, files: 1 });

    await client.send(
      new PutObjectCommand({
        Bucket: 'materials',
        Key: `sha256/${sha256(pdf)}`,
        Body: Buffer.concat([pdf, Buffer.from('!')]),
      }),
    );
    const audit = await auditor.get(`/applications/${caseNo}/audit`);
    expect(audit.body.intact).toBe(false);
    expect(audit.body.files.problems).toEqual([
      expect.objectContaining({ kind: 'file_damaged', fileId: scan.json.id }),
    ]);
    const later = checkExport((await auditor.get(`/applications/${caseNo}/export`)).body);
    expect(!later.intact && later.problem.kind).toBe('file_missing');
  });
});
