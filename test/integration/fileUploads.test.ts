/**
 * Electronic materials over HTTP against the real stack (its file store is the folder DATA_DIR/files): uploads
 * checked by content, stored once by hash, served only to those who may read them; hostile multipart input answered
 * 4xx in the error shape, never 500.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDatabase } from '../../db/client.ts';
import { folderStore } from '../../files/folderStore.ts';
import { checkCaseFiles } from '../../files/records.ts';
import { encryptedPdf, minimalPdf, minimalPng, ownerEncryptedPdf, tinyJpeg } from '../support/files.ts';
import { applicationBody, caseInReview, client, login, newKey } from './http.ts';
import { errorShape, freshAddress, multipartBody, send, upload, type RawReply } from './uploadClient.ts';

const apiUrl = inject('apiUrl');
const storeDir = path.join(inject('dataDir'), 'files');
const api = client(apiUrl);
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storedPath = (hash: string) => path.join(storeDir, hash.slice(0, 2), hash.slice(2, 4), hash);
const token = (username: string) => login(apiUrl, username);
/** Distinct bytes per test: content is stored once, so sharing it between tests would couple them. */
let serial = 0;
const uniquePdf = (pages = 1) => minimalPdf(pages, `fileUploads ${Date.now()} ${serial++}`);

async function asClerk(file: Buffer, options: Parameters<typeof upload>[2] = {}) {
  return upload(apiUrl, file, { token: await token('clerk1'), ...options });
}

function get(id: string, options: { username?: string; queryCode?: string } = {}) {
  return (async () =>
    send(apiUrl, 'GET', `/files/${id}`, {
      headers: {
        ...(options.username ? { authorization: `Bearer ${await token(options.username)}` } : {}),
        ...(options.queryCode ? { 'x-query-code': options.queryCode } : {}),
      },
      from: freshAddress(),
    }))();
}

function refused(reply: RawReply, status: number, code: string, field?: string) {
  expect(reply.status, reply.bytes.toString().slice(0, 300)).toBe(status);
  const body = errorShape(reply);
  expect(body.code).toBe(code);
  if (field !== undefined) expect(body.field).toBe(field);
  expect(body.message).toMatch(/\p{Script=Han}/u);
  return body;
}

/** A received case (not yet accepted) and its query code. */
async function receivedCase() {
  const reply = await api.as('clerk1').post('/applications', applicationBody(), { 'idempotency-key': newKey() });
  expect(reply.status).toBe(201);
  return { caseNo: reply.body.caseNo as string, queryCode: reply.body.queryCode as string };
}

describe('uploads are checked by content', () => {
  it('a PDF: 201 with its hash, type, size and page count; stored byte for byte under its hash', async () => {
    const pdf = uniquePdf(3);
    const reply = await asClerk(pdf, { filename: '营业执照.pdf' });
    expect(reply.status, reply.bytes.toString()).toBe(201);
    expect(reply.json).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      sha256: sha256(pdf),
      contentType: 'application/pdf',
      size: pdf.length,
      pages: 3,
    });
    expect((await readFile(storedPath(sha256(pdf)))).equals(pdf)).toBe(true);
    const [row] = await sql`SELECT * FROM files WHERE id = ${reply.json.id as string}`;
    expect(row).toMatchObject({
      sha256: sha256(pdf),
      content_type: 'application/pdf',
      pages: 3,
      original_name: '营业执照.pdf',
      uploaded_by: 'clerk1',
      uploader_case: null,
      case_no: null,
    });
    expect(Number(row?.size)).toBe(pdf.length);
  });

  it('PNG and JPEG: 201 without pages', async () => {
    const png = minimalPng(3, [serial++ % 256, 1, 2]);
    const pngReply = await asClerk(png, { filename: 'photo.png', contentType: 'image/png' });
    expect(pngReply.status).toBe(201);
    expect(pngReply.json).toEqual({
      id: expect.any(String),
      sha256: sha256(png),
      contentType: 'image/png',
      size: png.length,
    });
    const jpeg = tinyJpeg();
    const jpegReply = await asClerk(jpeg, { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(jpegReply.status).toBe(201);
    expect(jpegReply.json).toMatchObject({ contentType: 'image/jpeg', size: jpeg.length, sha256: sha256(jpeg) });
    expect(jpegReply.json.pages).toBeUndefined();
  });

  it('the name and the declared type never matter: a PDF named .jpg and declared image/jpeg is a PDF', async () => {
    const pdf = uniquePdf();
    const reply = await asClerk(pdf, { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ contentType: 'application/pdf', pages: 1 });
  });

  it.each([
    ['HTML named .pdf, declared application/pdf', '<!DOCTYPE html><script>alert(document.cookie)</script>', 'a.pdf'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', 'a.svg'],
    ['a Windows executable', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512, 1)]), 'setup.pdf'],
    ['a ZIP archive', Buffer.from('504b03041400000008000000000000000000000000000000', 'hex'), 'materials.zip'],
    ['a GIF/JavaScript polyglot', Buffer.from('GIF89a/*\x01\x00\x01\x00\x00\x00*/=alert(1)//', 'latin1'), 'a.png'],
  ])('%s: 415 unsupported_file_type, nothing recorded', async (_name, data, filename) => {
    const before = await sql`SELECT count(*)::int AS n FROM files`;
    const reply = await asClerk(Buffer.from(data), { filename, contentType: 'application/pdf' });
    refused(reply, 415, 'unsupported_file_type', 'file');
    expect(await sql`SELECT count(*)::int AS n FROM files`).toEqual(before);
  });

  it('empty: 400; over FILE_MAX_BYTES (20 MiB): 413', async () => {
    refused(await asClerk(Buffer.alloc(0)), 400, 'empty_file', 'file');
    const big = Buffer.concat([uniquePdf(), Buffer.alloc(20 * 1024 * 1024)]);
    refused(await asClerk(big), 413, 'file_too_large', 'file');
  });

  it('an encrypted PDF, with a user password or an owner password only, and a broken PDF: 422 naming the file', async () => {
    const a = refused(await asClerk(encryptedPdf()), 422, 'encrypted_pdf', 'file');
    expect(a.message).toContain('加密');
    refused(await asClerk(ownerEncryptedPdf()), 422, 'encrypted_pdf', 'file');
    refused(await asClerk(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog')), 422, 'unreadable_pdf', 'file');
  });

  it('the same content twice: two files, one stored object', async () => {
    const pdf = uniquePdf(2);
    const first = await asClerk(pdf, { filename: 'a.pdf' });
    const second = await upload(apiUrl, Buffer.from(pdf), { token: await token('clerk2'), filename: 'b.pdf' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.json.id).not.toBe(second.json.id);
    expect(second.json.sha256).toBe(first.json.sha256);
    const rows = await sql`SELECT id, original_name FROM files WHERE sha256 = ${sha256(pdf)} ORDER BY original_name`;
    expect(rows.map((r) => r.original_name)).toEqual(['a.pdf', 'b.pdf']);
    const shard = path.dirname(storedPath(sha256(pdf)));
    expect((await readdir(shard)).filter((name) => name === sha256(pdf))).toHaveLength(1);
  });
});

describe('who may read a file', () => {
  it('its uploader, with the stored type, nosniff, a sandboxing CSP and the name; anyone else: 404', async () => {
    const pdf = uniquePdf();
    const { json } = await asClerk(pdf, { filename: '申请表 (1).pdf' });
    const mine = await get(json.id, { username: 'clerk1' });
    expect(mine.status).toBe(200);
    expect(mine.bytes.equals(pdf)).toBe(true);
    expect(mine.headers['content-type']).toBe('application/pdf');
    expect(mine.headers['x-content-type-options']).toBe('nosniff');
    expect(mine.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(mine.headers['cache-control']).toBe('private, no-store');
    expect(mine.headers['content-disposition']).toBe(
      `inline; filename="___ (1).pdf"; filename*=UTF-8''${encodeURIComponent('申请表 (1).pdf')}`,
    );
    for (const other of ['clerk2', 'supervisor1', 'auditor1', 'reviewer.CITY_MANAGEMENT']) {
      refused(await get(json.id, { username: other }), 404, 'file_not_found', 'id');
    }
    refused(await get(json.id), 404, 'file_not_found', 'id');
    refused(await get('AAAAAAAAAAAAAAAAAAAAAA', { username: 'clerk1' }), 404, 'file_not_found');
  });

  it('an applicant uploads for their case with its query code and reads it back; no other applicant can', async () => {
    const mine = await receivedCase();
    const other = await receivedCase();
    const png = minimalPng(2, [serial++ % 256, 9, 9]);
    const reply = await upload(apiUrl, png, {
      caseNo: mine.caseNo,
      queryCode: mine.queryCode,
      filename: '现场照片.png',
      from: freshAddress(),
    });
    expect(reply.status, reply.bytes.toString()).toBe(201);
    const [row] =
      await sql`SELECT uploaded_by, uploader_case, case_no FROM files WHERE id = ${reply.json.id as string}`;
    expect(row).toEqual({ uploaded_by: null, uploader_case: mine.caseNo, case_no: null });
    const back = await get(reply.json.id, { queryCode: mine.queryCode });
    expect(back.status).toBe(200);
    expect(back.bytes.equals(png)).toBe(true);
    refused(await get(reply.json.id, { queryCode: other.queryCode }), 404, 'file_not_found');
    refused(await get(reply.json.id), 404, 'file_not_found');
    // not attached to the case yet: staff who may read the case cannot read the file
    refused(await get(reply.json.id, { username: 'clerk1' }), 404, 'file_not_found');
  });

  it('an applicant needs the case number and its right code: 400, 401, 404 before anything is stored', async () => {
    const mine = await receivedCase();
    const before = await sql`SELECT count(*)::int AS n FROM files`;
    const pdf = uniquePdf();
    refused(
      await upload(apiUrl, pdf, { queryCode: mine.queryCode, from: freshAddress() }),
      400,
      'missing_field',
      'caseNo',
    );
    refused(await upload(apiUrl, pdf, { caseNo: mine.caseNo, from: freshAddress() }), 401, 'query_code_required');
    refused(
      await upload(apiUrl, pdf, { caseNo: mine.caseNo, queryCode: 'WRONG1', from: freshAddress() }),
      404,
      'case_not_found',
      'caseNo',
    );
    refused(
      await upload(apiUrl, pdf, { caseNo: '../../etc', queryCode: mine.queryCode, from: freshAddress() }),
      400,
      'invalid_field',
      'caseNo',
    );
    expect(await sql`SELECT count(*)::int AS n FROM files`).toEqual(before);
    expect(await readdir(path.dirname(storedPath(sha256(pdf)))).catch(() => [])).not.toContain(sha256(pdf));
  });

  it('attached to a case: whoever may read the case (staff reads logged, names masked for supervisors); others 404', async () => {
    const { caseNo } = await caseInReview(api);
    const [{ query_code: queryCode }] =
      (await sql`SELECT query_code FROM cases WHERE case_no = ${caseNo}`) as unknown as [{ query_code: string }];
    const other = await receivedCase();
    const { json } = await asClerk(uniquePdf(), { filename: '身份证11010519491231002X.pdf' });
    await sql`UPDATE files SET case_no = ${caseNo} WHERE id = ${json.id as string}`;
    for (const reader of [
      'clerk1',
      'clerk2',
      'supervisor1',
      'auditor1',
      'reviewer.CITY_MANAGEMENT',
      'reviewer.TRAFFIC_POLICE',
    ]) {
      const reply = await get(json.id, { username: reader });
      expect(reply.status, reader).toBe(200);
      const logged = await sql`SELECT view FROM staff_reads WHERE username = ${reader} AND case_no = ${caseNo}`;
      expect(
        logged.map((r) => r.view),
        reader,
      ).toContain(`file:${json.id}`);
    }
    expect((await get(json.id, { username: 'clerk1' })).headers['content-disposition']).toContain(
      encodeURIComponent('身份证11010519491231002X.pdf'),
    );
    expect((await get(json.id, { username: 'supervisor1' })).headers['content-disposition']).toContain(
      encodeURIComponent('身份证110***********002X.pdf'),
    );
    expect((await get(json.id, { queryCode })).status).toBe(200);
    refused(await get(json.id, { username: 'reviewer.TAX' }), 404, 'file_not_found');
    refused(await get(json.id, { queryCode: other.queryCode }), 404, 'file_not_found');
    refused(await get(json.id), 404, 'file_not_found');
    // a role outside the table is refused by the table itself
    expect((await get(json.id, { username: 'admin1' })).status).toBe(403);
    // attached, the row is part of the record: it cannot change or go
    await expect(sql`DELETE FROM files WHERE id = ${json.id as string}`).rejects.toThrow(/attached to case/);
    await expect(sql`UPDATE files SET case_no = NULL WHERE id = ${json.id as string}`).rejects.toThrow(/attached/);
  });

  it('stored bytes changed behind the store: never served (500 file_damaged), served again once repaired', async () => {
    const pdf = uniquePdf();
    const { json } = await asClerk(pdf);
    const changed = Buffer.from(pdf);
    changed[20] = 0x41;
    await writeFile(storedPath(json.sha256), changed);
    const reply = await get(json.id, { username: 'clerk1' });
    expect(reply.status).toBe(500);
    expect(errorShape(reply).code).toBe('file_damaged');
    expect(reply.bytes.includes(changed.subarray(0, 40))).toBe(false);
    // uploading the good bytes again repairs the stored copy
    expect((await asClerk(pdf)).status).toBe(201);
    expect((await get(json.id, { username: 'clerk1' })).bytes.equals(pdf)).toBe(true);
  });
});

describe("the audit of a case's files (files/records.ts checkCaseFiles)", () => {
  it('reports each attached file as ok, missing or mismatch, reading the store', async () => {
    const database = createDatabase(inject('databaseUrl'), { max: 1 });
    try {
      const { caseNo } = await receivedCase();
      const [good, gone, changed] = await Promise.all(
        [uniquePdf(), uniquePdf(), uniquePdf()].map((pdf) => asClerk(pdf)),
      );
      const ids = [good, gone, changed].map((r) => r!.json.id as string);
      await sql`UPDATE files SET case_no = ${caseNo} WHERE id IN ${sql(ids)}`;
      await rm(storedPath(gone!.json.sha256));
      await writeFile(storedPath(changed!.json.sha256), 'not the pdf');
      const checks = await checkCaseFiles(database.db, folderStore(storeDir), caseNo);
      expect(Object.fromEntries(checks.map((c) => [c.id, c.state]))).toEqual({
        [ids[0]!]: 'ok',
        [ids[1]!]: 'missing',
        [ids[2]!]: 'mismatch',
      });
      refused(await get(ids[1]!, { username: 'clerk1' }), 500, 'file_missing', 'id');
    } finally {
      await database.close();
    }
  });
});

describe('rate limit', () => {
  it('applicant uploads from one address: the 11th within a minute is 429; a clerk is not limited', async () => {
    const from = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const reply = await send(apiUrl, 'POST', '/files', {
        body: Buffer.from('{}'),
        headers: { 'content-type': 'application/json' },
        from,
      });
      errorShape(reply);
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([...Array(10).fill(415), 429]);
    const clerk = freshAddress();
    for (let i = 0; i < 12; i++) {
      const reply = await upload(apiUrl, Buffer.alloc(0), { token: await token('clerk1'), from: clerk });
      expect(reply.status).toBe(400);
    }
  });
});

describe('hostile multipart input: 4xx in the error shape, never 500, nothing stored', () => {
  const send401 = async (body: Buffer, contentType: string) =>
    send(apiUrl, 'POST', '/files', {
      body,
      headers: { 'content-type': contentType, authorization: `Bearer ${await token('clerk1')}` },
    });
  let rowsBefore = 0;
  beforeAll(async () => {
    rowsBefore = ((await sql`SELECT count(*)::int AS n FROM files`)[0] as { n: number }).n;
  });

  it('not multipart at all (JSON, text, none): 415', async () => {
    refused(await send401(Buffer.from('{"file":"x"}'), 'application/json'), 415, 'unsupported_media_type');
    const plain = await send401(Buffer.from('hello'), 'text/plain');
    expect(plain.status).toBe(415);
    errorShape(plain);
  });

  it('a missing boundary, a wrong boundary, a truncated body: 400', async () => {
    const form = multipartBody([{ name: 'file', filename: 'a.pdf', data: uniquePdf() }]);
    refused(await send401(form.body, 'multipart/form-data'), 400, 'malformed_multipart', 'body');
    refused(await send401(form.body, 'multipart/form-data; boundary=not-the-one'), 400, 'malformed_multipart');
    refused(await send401(form.body, 'multipart/form-data; boundary='), 400, 'malformed_multipart');
    refused(await send401(form.body.subarray(0, form.body.length - 300), form.contentType), 400, 'malformed_multipart');
    refused(await send401(Buffer.alloc(0), form.contentType), 400, 'missing_file', 'file');
  });

  it('a body cut off mid-upload (the connection ends early): 400 and the server carries on', async () => {
    const form = multipartBody([{ name: 'file', filename: 'a.pdf', data: Buffer.alloc(200_000, 7) }]);
    const { hostname, port } = new URL(apiUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname);
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      void token('clerk1').then((t) => {
        socket.write(
          `POST /files HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${t}\r\n` +
            `Content-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`,
        );
        socket.end(form.body.subarray(0, 50_000));
      });
      setTimeout(() => socket.destroy(), 20_000).unref();
    });
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect((await get('AAAAAAAAAAAAAAAAAAAAAA', { username: 'clerk1' })).status).toBe(404);
  });

  it('thousands of parts: 413 too_many_parts; two files: 400; a file in another field or an unknown field: 400', async () => {
    const many = multipartBody(Array.from({ length: 5000 }, () => ({ name: 'caseNo', data: 'x' })));
    refused(await send401(many.body, many.contentType), 413, 'too_many_parts', 'body');
    const named = multipartBody(Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    refused(await send401(named.body, named.contentType), 400, 'unknown_field', 'f0');
    const manyFiles = multipartBody(
      Array.from({ length: 3000 }, () => ({ name: 'file', filename: 'a.pdf', data: 'x' })),
    );
    expect((await send401(manyFiles.body, manyFiles.contentType)).status).toBeGreaterThanOrEqual(400);
    const two = multipartBody([
      { name: 'file', filename: 'a.pdf', data: uniquePdf() },
      { name: 'file', filename: 'b.pdf', data: uniquePdf() },
    ]);
    refused(await send401(two.body, two.contentType), 400, 'too_many_files', 'file');
    const elsewhere = multipartBody([{ name: 'attachment', filename: 'a.pdf', data: uniquePdf() }]);
    refused(await send401(elsewhere.body, elsewhere.contentType), 400, 'unknown_field', 'attachment');
    const unknown = multipartBody([
      { name: 'owner', data: 'x' },
      { name: 'file', filename: 'a.pdf', data: uniquePdf() },
    ]);
    refused(await send401(unknown.body, unknown.contentType), 400, 'unknown_field', 'owner');
    const text = multipartBody([{ name: 'file', data: 'just text' }]);
    refused(await send401(text.body, text.contentType), 400, 'missing_file', 'file');
    const proto = multipartBody([{ name: '__proto__', data: 'x' }]);
    expect((await send401(proto.body, proto.contentType)).status).toBe(400);
  });

  it('huge, path-traversing and control-character file names: stored by hash, the name cleaned and cut', async () => {
    const long = await asClerk(uniquePdf(), { filename: `${'长'.repeat(3000)}.pdf` });
    expect(long.status).toBe(201);
    const traversing = await asClerk(uniquePdf(), { filename: '../../../../etc/passwd' });
    expect(traversing.status).toBe(201);
    const windows = await asClerk(uniquePdf(), { filename: '..\\..\\Windows\\system32\\evil.pdf' });
    const control = await asClerk(uniquePdf(), { filename: 'a\u0001b\u202ec.pdf' });
    const names = await sql`SELECT id, original_name FROM files WHERE id IN ${sql([
      long.json.id as string,
      traversing.json.id as string,
      windows.json.id as string,
      control.json.id as string,
    ])}`;
    const byId = Object.fromEntries(names.map((r) => [r.id, r.original_name as string]));
    expect([...(byId[long.json.id] ?? '')].length).toBe(200);
    expect(byId[traversing.json.id]).toBe('passwd');
    expect(byId[windows.json.id]).toBe('evil.pdf');
    expect(byId[control.json.id]).toBe('abc.pdf');
    // a name of 100 000 characters: still only a name
    const huge = await asClerk(uniquePdf(), { filename: 'x'.repeat(100_000) });
    expect(huge.status).toBe(201);
    const [row] = await sql`SELECT original_name FROM files WHERE id = ${huge.json.id as string}`;
    expect(row?.original_name).toBe('x'.repeat(200));
  });

  it('polyglots: a PNG with an archive after it is refused; a PDF carrying HTML is served only as a sandboxed PDF', async () => {
    const zipTail = Buffer.from('504b0304140000000800000000000000000000000000000000000000', 'hex');
    refused(
      await asClerk(Buffer.concat([minimalPng(2, [1, 2, 3]), zipTail]), { filename: 'a.png' }),
      422,
      'invalid_image',
    );
    const html = Buffer.from(`${uniquePdf().toString('latin1')}\n<html><script>alert(1)</script></html>\n`, 'latin1');
    const reply = await asClerk(html, { filename: 'a.html', contentType: 'text/html' });
    expect(reply.status).toBe(201);
    const served = await get(reply.json.id, { username: 'clerk1' });
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(served.headers['x-content-type-options']).toBe('nosniff');
  });

  it('random damage to a valid form (cut, bytes changed, boundary, names, parts): never 5xx, always in shape', async () => {
    const clerkToken = await token('clerk1');
    const before = ((await sql`SELECT count(*)::int AS n FROM files`)[0] as { n: number }).n;
    let accepted = 0;
    const names = fc.oneof(
      fc.constantFrom('../../x.pdf', '..\\..\\x.pdf', '%00.pdf', 'a"b.pdf', '\u202egpj.exe', '😀.pdf', ''),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          filename: names,
          fieldName: fc.constantFrom('file', 'file', 'file', 'caseNo', 'x', '__proto__', ''),
          extraFields: fc.array(fc.constantFrom('caseNo', 'queryCode', 'other'), { maxLength: 4 }),
          cut: fc.option(fc.nat(), { nil: undefined }),
          flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
          boundary: fc.constantFrom('good', 'none', 'other', 'quoted', 'long'),
        }),
        async (c) => {
          const form = multipartBody([
            ...c.extraFields.map((name) => ({ name, data: 'SQ20990101000001' })),
            { name: c.fieldName, filename: c.filename, data: uniquePdf() },
          ]);
          const body = Buffer.from(form.body);
          for (const [at, value] of c.flips) body[at % body.length] = value;
          const sent = c.cut === undefined ? body : body.subarray(0, c.cut % body.length);
          const contentType = {
            good: form.contentType,
            none: 'multipart/form-data',
            other: 'multipart/form-data; boundary=something-else',
            quoted: `multipart/form-data; boundary="${form.boundary}"`,
            long: `multipart/form-data; boundary=${'b'.repeat(300)}`,
          }[c.boundary];
          const reply = await send(apiUrl, 'POST', '/files', {
            body: sent,
            headers: { 'content-type': contentType, authorization: `Bearer ${clerkToken}` },
          });
          expect(reply.status, `${reply.status} ${reply.bytes.toString().slice(0, 200)}`).toBeLessThan(500);
          if (reply.status === 201) accepted++;
          else errorShape(reply);
        },
      ),
      { seed: 20261202, numRuns: 150, endOnFailure: true },
    );
    const after = ((await sql`SELECT count(*)::int AS n FROM files`)[0] as { n: number }).n;
    expect(after - before).toBe(accepted);
    rowsBefore += accepted;
  });

  it('nothing refused above left a row behind (only the accepted names and polyglot PDF did)', async () => {
    const [{ n }] = (await sql`SELECT count(*)::int AS n FROM files`) as unknown as [{ n: number }];
    expect(n - rowsBefore).toBe(6);
  });
});
