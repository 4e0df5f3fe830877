/** Electronic materials without the stack: content checks, file names, settings, and the folder store's contract. */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../api/auth/personalData.ts';
import { cleanFileName, maskFileName, MAX_FILE_NAME_LENGTH } from '../../files/fileName.ts';
import { folderStore } from '../../files/folderStore.ts';
import { jpegProblem, pngProblem } from '../../files/images.ts';
import { inspectFile } from '../../files/inspect.ts';
import { pruneInterval } from '../../files/orphanPrune.ts';
import { readSettings } from '../../infra/config.ts';

const fileSettings = (env: Record<string, string>) => readSettings(env).files;
import type { FileStore } from '../../files/store.ts';
import { fileStoreContract } from '../support/fileStoreContract.ts';
import { encryptedPdf, minimalPdf, minimalPng, ownerEncryptedPdf, tinyJpeg } from '../support/files.ts';

const options = { maxBytes: 1024 * 1024, field: 'file', label: '上传的文件' };
const refusal = (bytes: Buffer, maxBytes = options.maxBytes) =>
  inspectFile(bytes, { ...options, maxBytes }).then(
    () => undefined,
    (error: { status: number; code: string; field: string; message: string }) => ({
      status: error.status,
      code: error.code,
      field: error.field,
      message: error.message,
    }),
  );

describe('the content decides the type', () => {
  it('PDF (with its page count), PNG and JPEG are accepted; the bytes are left as they were', async () => {
    const pdf = minimalPdf(3);
    const copy = Buffer.from(pdf);
    expect(await inspectFile(pdf, options)).toEqual({ contentType: 'application/pdf', pages: 3 });
    expect(pdf.equals(copy)).toBe(true);
    expect(await inspectFile(minimalPng(4), options)).toEqual({ contentType: 'image/png' });
    expect(await inspectFile(tinyJpeg(), options)).toEqual({ contentType: 'image/jpeg' });
  });

  it.each([
    ['HTML', Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ['an executable (PE)', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(300)])],
    ['an executable (ELF)', Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(300)])],
    ['a ZIP archive', Buffer.from('504b0304140000000800000000000000000000000000000000000000', 'hex')],
    ['a GIF/JavaScript polyglot', Buffer.from('GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1);//', 'latin1')],
    ['plain text', Buffer.from('营业执照复印件')],
    ['HTML with a PDF after it', Buffer.concat([Buffer.from('<html>'), minimalPdf()])],
  ])('%s: 415 unsupported_file_type naming the field', async (_name, bytes) => {
    expect(await refusal(bytes)).toMatchObject({ status: 415, code: 'unsupported_file_type', field: 'file' });
  });

  it('empty: 400; over the limit: 413 (exactly at it is fine)', async () => {
    expect(await refusal(Buffer.alloc(0))).toMatchObject({ status: 400, code: 'empty_file', field: 'file' });
    const pdf = minimalPdf();
    expect(await refusal(pdf, pdf.length - 1)).toMatchObject({ status: 413, code: 'file_too_large' });
    expect(await refusal(pdf, pdf.length)).toBeUndefined();
  });

  it('an encrypted PDF (with or without a user password), a broken or truncated one: 422 naming the file', async () => {
    expect(await refusal(encryptedPdf())).toMatchObject({ status: 422, code: 'encrypted_pdf', field: 'file' });
    expect(await refusal(ownerEncryptedPdf())).toMatchObject({ status: 422, code: 'encrypted_pdf' });
    const broken = await refusal(Buffer.from('%PDF-1.7\n1 0 obj garbage'));
    expect(broken).toMatchObject({ status: 422, code: 'unreadable_pdf', field: 'file' });
    expect(broken?.message).toContain('上传的文件');
    const pdf = minimalPdf(2);
    expect(await refusal(pdf.subarray(0, pdf.length - 200))).toMatchObject({ status: 422, code: 'unreadable_pdf' });
  });

  it('a PNG or JPEG that does not hold together, or carries something after it: 422', async () => {
    const png = minimalPng();
    expect(pngProblem(png)).toBeUndefined();
    expect(pngProblem(png.subarray(0, png.length - 12))).toMatch(/IEND/);
    const badCrc = Buffer.from(png);
    badCrc[20] = (badCrc[20] as number) ^ 1;
    expect(pngProblem(badCrc)).toMatch(/校验和/);
    const withZip = Buffer.concat([png, Buffer.from('504b030414', 'hex')]);
    expect(await refusal(withZip)).toMatchObject({ status: 422, code: 'invalid_image' });
    const jpeg = tinyJpeg();
    expect(jpegProblem(jpeg)).toBeUndefined();
    expect(jpegProblem(jpeg.subarray(0, jpeg.length - 2))).toMatch(/结束标记/);
    expect(await refusal(jpeg.subarray(0, 200))).toMatchObject({ status: 422, code: 'invalid_image' });
    expect(await refusal(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ status: 422 });
  });
});

describe('file names', () => {
  it('keep the last path segment only, without control or format characters, NUL or lone surrogates', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\张三\\营业执照.pdf')).toBe('营业执照.pdf');
    expect(cleanFileName('a\u0000b\u0007c.pdf')).toBe('abc.pdf');
    expect(cleanFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanFileName('x\ud800y.png')).toBe('x\ufffdy.png');
    expect(cleanFileName('..')).toBe('');
    expect(cleanFileName(undefined)).toBe('');
    expect([...cleanFileName('名'.repeat(5000))].length).toBe(MAX_FILE_NAME_LENGTH);
    expect(cleanFileName('😀'.repeat(300))).toBe('😀'.repeat(MAX_FILE_NAME_LENGTH));
  });

  it('masking hides id and mobile numbers inside a name, as elsewhere', () => {
    expect(maskFileName('身份证_11010519491231002X_正面.jpg')).toBe('身份证_110***********002X_正面.jpg');
    expect(maskFileName('联系人13812345678.pdf')).toBe('联系人138****5678.pdf');
    expect(maskFileName('营业执照2026.pdf')).toBe('营业执照2026.pdf');
  });

  it('every JSON answer to a role that does not see personal data masks file names (fileName, originalName)', () => {
    const view = { materials: [{ code: 'ID_CARD', files: [{ id: 'x', fileName: '张三13812345678.jpg' }] }] };
    expect(maskPersonalData(view)).toEqual({
      materials: [{ code: 'ID_CARD', files: [{ id: 'x', fileName: '张三138****5678.jpg' }] }],
    });
    expect(maskPersonalData({ originalName: '11010519491231002X.pdf' })).toEqual({
      originalName: '110***********002X.pdf',
    });
  });
});

describe('settings (infra/config.ts, files)', () => {
  it('defaults: 20 MiB, 24 hours, the folder DATA_DIR/files', () => {
    expect(fileSettings({ DATA_DIR: '/srv/yimen' })).toEqual({
      maxBytes: 20 * 1024 * 1024,
      orphanHours: 24,
      storage: { kind: 'folder', dir: '/srv/yimen/files' },
    });
    expect(fileSettings({}).storage).toMatchObject({ kind: 'folder' });
    expect(fileSettings({}).storage).toHaveProperty('dir', expect.stringMatching(/\.data\/files$/));
  });

  it('S3 when a bucket is named; path style by default with an endpoint; refuses half a configuration', () => {
    const s3 = { S3_BUCKET: 'materials', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' };
    expect(fileSettings({ ...s3, S3_ENDPOINT: 'http://127.0.0.1:7070', FILE_MAX_BYTES: '1000' })).toEqual({
      maxBytes: 1000,
      orphanHours: 24,
      storage: {
        kind: 's3',
        endpoint: 'http://127.0.0.1:7070',
        bucket: 'materials',
        accessKeyId: 'k',
        secretAccessKey: 's',
        region: 'us-east-1',
        forcePathStyle: true,
      },
    });
    expect(fileSettings({ ...s3, S3_REGION: 'cn-north-1' }).storage).toMatchObject({
      region: 'cn-north-1',
      forcePathStyle: false,
    });
    expect(fileSettings({ ...s3, S3_ENDPOINT: 'https://oss', S3_FORCE_PATH_STYLE: 'false' }).storage).toMatchObject({
      forcePathStyle: false,
    });
    expect(() => fileSettings({ S3_BUCKET: 'materials' })).toThrow(/S3_ACCESS_KEY_ID/);
    expect(() => fileSettings({ FILE_MAX_BYTES: '-1' })).toThrow(/FILE_MAX_BYTES/);
    expect(() => fileSettings({ FILE_MAX_BYTES: '1.5' })).toThrow(/FILE_MAX_BYTES/);
    expect(() => fileSettings({ FILE_ORPHAN_HOURS: 'soon' })).toThrow(/FILE_ORPHAN_HOURS/);
    expect(fileSettings({ FILE_ORPHAN_HOURS: '0.5' }).orphanHours).toBe(0.5);
  });

  it('the orphan prune runs every quarter of the age, between 1 second and 10 minutes', () => {
    expect(pruneInterval(24)).toBe(10 * 60_000);
    expect(pruneInterval(0.1)).toBe(90_000);
    expect(pruneInterval(0.0001)).toBe(1_000);
  });
});

describe('the folder store', () => {
  let dir: string;
  let store: FileStore;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'file-store-'));
    store = folderStore(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function contents(): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true });
    const found: string[] = [];
    for (const entry of entries) {
      if (entry.startsWith('tmp')) continue;
      if ((await stat(path.join(dir, entry))).isFile()) found.push(entry);
    }
    return found;
  }

  fileStoreContract(() => ({
    store,
    damage: (sha256, bytes) => writeFile(path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256), bytes),
    count: async () => (await contents()).length,
  }));

  it('lays contents out as ab/cd/<sha256> and leaves no temporary file behind', async () => {
    const { sha256 } = await store.put(Buffer.from('layout'));
    expect(await contents()).toContain(path.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256));
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });
});
