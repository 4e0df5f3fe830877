/**
 * Every material a real file, over HTTP against the real stack: files named in submissions and supplements go into
 * the recorded events with their hashes and are attached to the case; readers of the case read them; the audit
 * reports a damaged or missing file; the export carries the files and `verify-export` checks each against its hash.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { minimalPng } from '../support/files.ts';
import { applicationBody, client, login, newKey } from './http.ts';
import { scansFor, uniqueScan } from './materialUploads.ts';
import { freshAddress, send, upload } from './uploadClient.ts';

const apiUrl = inject('apiUrl');
const storeDir = path.join(inject('dataDir'), 'files');
const api = client(apiUrl);
const clerk = api.as('clerk1');
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'case-files-test-'));
afterAll(async () => {
  await sql.end();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storedPath = (hash: string) => path.join(storeDir, hash.slice(0, 2), hash.slice(2, 4), hash);
const AD_REQUIRED = ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];

async function clerkUpload(bytes: Buffer, filename: string, username = 'clerk1') {
  const reply = await upload(apiUrl, bytes, { token: await login(apiUrl, username), filename });
  expect(reply.status, reply.bytes.toString()).toBe(201);
  return reply.json as { id: string; sha256: string; size: number; contentType: string; pages?: number };
}

function readFileAs(id: string, who: { username?: string; queryCode?: string }) {
  return (async () =>
    send(apiUrl, 'GET', `/files/${id}`, {
      headers: {
        ...(who.username ? { authorization: `Bearer ${await login(apiUrl, who.username)}` } : {}),
        ...(who.queryCode ? { 'x-query-code': who.queryCode } : {}),
      },
      from: freshAddress(),
    }))();
}

const submit = (body: Record<string, unknown>, key = newKey()) =>
  clerk.post('/applications', 'applicant' in body ? body : applicationBody(body), { 'idempotency-key': key });

/** A case received at the window with two scans (one original seen) and two papers. */
async function caseWithScans() {
  const pdf = uniqueScan(2);
  const png = minimalPng(4, [Math.floor(Math.random() * 256), 7, 9]);
  const form = await clerkUpload(pdf, '申请表_110101199003077777.pdf');
  const licence = await clerkUpload(png, '营业执照.png');
  const key = newKey();
  const body = applicationBody({
    materials: [
      { code: 'OUTDOOR_AD_APPLICATION', files: [form.id] },
      { code: 'BUSINESS_LICENCE', files: [licence.id], originalSeen: true },
      'AD_DESIGN_DRAWING',
      'OWNER_CONSENT',
    ],
  });
  const reply = await submit(body, key);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return { reply, key, body, form, licence, pdf, png, caseNo: reply.body.caseNo as string };
}

describe('submission with files at the window', () => {
  it('records each file with its hash, attaches it, and the view lists it per material', async () => {
    const { reply, key, body, form, licence, pdf, caseNo } = await caseWithScans();
    const materials = reply.body.case.materials as any[];
    const application = materials.find((m) => m.code === 'OUTDOOR_AD_APPLICATION');
    expect(application).toMatchObject({ provided: true, required: true, originalSeen: false });
    expect(application.files).toEqual([
      {
        id: form.id,
        sha256: sha256(pdf),
        contentType: 'application/pdf',
        size: pdf.length,
        pages: 2,
        fileName: '申请表_110101199003077777.pdf',
      },
    ]);
    expect(materials.find((m) => m.code === 'BUSINESS_LICENCE')).toMatchObject({
      originalSeen: true,
      files: [{ id: licence.id, contentType: 'image/png' }],
    });
    expect(materials.find((m) => m.code === 'OWNER_CONSENT')).toMatchObject({ provided: true, files: [] });
    const [received] = await sql`SELECT data FROM case_events WHERE case_no = ${caseNo} AND seq = 1`;
    expect(received?.data.files).toEqual([
      {
        material: 'OUTDOOR_AD_APPLICATION',
        id: form.id,
        sha256: sha256(pdf),
        contentType: 'application/pdf',
        size: pdf.length,
        pages: 2,
      },
      {
        material: 'BUSINESS_LICENCE',
        id: licence.id,
        sha256: licence.sha256,
        contentType: 'image/png',
        size: licence.size,
      },
    ]);
    expect(received?.data.originalsSeen).toEqual(['BUSINESS_LICENCE']);
    const rows = await sql`SELECT id FROM files WHERE case_no = ${caseNo} ORDER BY id`;
    expect(rows.map((r) => r.id).sort()).toEqual([form.id, licence.id].sort());

    // A retry with the same key: the same case, its files (now attached to it) still accepted.
    const retried = await submit(body, key);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.body.caseNo).toBe(caseNo);

    // The supervisor does not see personal data: the id number inside the file name is masked.
    const supervised = await api.as('supervisor1').get(`/applications/${caseNo}`);
    const masked = supervised.body.materials.find((m: any) => m.code === 'OUTDOOR_AD_APPLICATION').files[0].fileName;
    expect(masked).not.toContain('110101199003077777');
    expect(masked).toMatch(/^申请表_/);
  });

  it('an online submission without a file for a required material is refused, naming the entry', async () => {
    const scans = await scansFor(apiUrl, ['OUTDOOR_AD_APPLICATION'], 'clerk1');
    const reply = await submit({ channel: 'online', materials: [...scans, 'BUSINESS_LICENCE'] });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ code: 'files_required', field: 'materials[1].files' });
    expect(reply.body.message).toMatch(/\p{Script=Han}/u);
    const all = await scansFor(apiUrl, AD_REQUIRED, 'clerk1');
    const online = await submit({ channel: 'online', materials: all });
    expect(online.status, JSON.stringify(online.body)).toBe(201);
    expect(online.body.case.visits).toBe(0);
  });

  it('a file that does not exist, is another clerk’s, or is attached to another case: 422 naming it', async () => {
    const unknown = await submit({
      materials: [{ code: 'OUTDOOR_AD_APPLICATION', files: ['AAAAAAAAAAAAAAAAAAAAAA'] }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'file_not_found', field: 'materials[0].files[0]' });
    const theirs = await clerkUpload(uniqueScan(), 'x.pdf', 'clerk2');
    const other = await submit({
      materials: ['BUSINESS_LICENCE', { code: 'OUTDOOR_AD_APPLICATION', files: [theirs.id] }],
    });
    expect(other.body).toMatchObject({ code: 'file_not_found', field: 'materials[1].files[0]' });
    const { form } = await caseWithScans();
    const attached = await submit({ materials: [{ code: 'OUTDOOR_AD_APPLICATION', files: [form.id] }] });
    expect(attached.status).toBe(422);
    expect(attached.body.code).toBe('file_not_found');
    const twice = await clerkUpload(uniqueScan(), 'y.pdf');
    const listedTwice = await submit({
      materials: [
        { code: 'OUTDOOR_AD_APPLICATION', files: [twice.id] },
        { code: 'BUSINESS_LICENCE', files: [twice.id] },
      ],
    });
    expect(listedTwice.body).toMatchObject({ code: 'file_listed_twice', field: 'materials[1].files[0]' });
  });

  it('原件已核 later: a clerk marks a material handed in; others may not; twice is a conflict', async () => {
    const { caseNo, reply } = await caseWithScans();
    const path_ = `/applications/${caseNo}/materials/OWNER_CONSENT/original-seen`;
    const reviewer = await api.as('reviewer.CITY_MANAGEMENT').post(path_, {}, { 'idempotency-key': newKey() });
    expect(reviewer.status).toBe(403);
    const applicant = await api.withCode(reply.body.queryCode).post(path_, {}, { 'idempotency-key': newKey() });
    expect([401, 403]).toContain(applicant.status);
    const marked = await clerk.post(path_, {}, { 'idempotency-key': newKey() });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.materials.find((m: any) => m.code === 'OWNER_CONSENT').originalSeen).toBe(true);
    const again = await clerk.post(path_, {}, { 'idempotency-key': newKey() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('original_already_seen');
    const notNeeded = await clerk.post(
      `/applications/${caseNo}/materials/FOOD_SAFETY_RULES/original-seen`,
      {},
      {
        'idempotency-key': newKey(),
      },
    );
    expect(notNeeded.status).toBe(422);
    expect(notNeeded.body).toMatchObject({ code: 'unknown_material', field: 'code' });
  });
});

describe('supplements with files and who reads them', () => {
  it('the applicant supplies a file with the query code; reviewers of both departments read it; others get 404', async () => {
    // Handed in without the owner's consent: the one-time notice asks for it, the applicant uploads it.
    const submitted = await submit({ materials: AD_REQUIRED.filter((c) => c !== 'OWNER_CONSENT') });
    const { caseNo, queryCode } = submitted.body as { caseNo: string; queryCode: string };
    const notice = await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'supplement' });
    expect(notice.status, JSON.stringify(notice.body)).toBe(200);

    const [scan] = await scansFor(apiUrl, ['OWNER_CONSENT'], { caseNo, queryCode });
    const applicant = api.withCode(queryCode);
    const claimsOriginal = await applicant.post(
      `/applications/${caseNo}/supplements`,
      { materials: [{ ...scan, originalSeen: true }], channel: 'online' },
      { 'idempotency-key': newKey() },
    );
    expect(claimsOriginal.status).toBe(403);
    expect(claimsOriginal.body).toMatchObject({ code: 'original_seen_clerk_only', field: 'materials[0].originalSeen' });
    const supplied = await applicant.post(
      `/applications/${caseNo}/supplements`,
      { materials: [scan], channel: 'online' },
      { 'idempotency-key': newKey() },
    );
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
    const fileId = scan!.files[0]!;
    expect(supplied.body.status).toBe('received');
    expect(supplied.body.materials.find((m: any) => m.code === 'OWNER_CONSENT').files[0]).toMatchObject({
      id: fileId,
      fileName: 'OWNER_CONSENT.pdf',
    });
    expect((await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' })).status).toBe(200);
    const event = (
      await sql`SELECT data FROM case_events WHERE case_no = ${caseNo} AND type = 'materials_supplied'`
    )[0];
    expect(event?.data.files[0]).toMatchObject({ material: 'OWNER_CONSENT', id: fileId });

    // Both departments (the lead and the co-department) read the case's files; each staff read is logged.
    for (const reader of ['reviewer.CITY_MANAGEMENT', 'reviewer.TRAFFIC_POLICE']) {
      const view = await api.as(reader).get(`/applications/${caseNo}`);
      expect(view.body.materials.find((m: any) => m.code === 'OWNER_CONSENT').files).toHaveLength(1);
      const read = await readFileAs(fileId, { username: reader });
      expect(read.status).toBe(200);
      expect(read.headers['content-type']).toBe('application/pdf');
      const logged = await sql`SELECT 1 FROM staff_reads WHERE username = ${reader} AND view = ${`file:${fileId}`}`;
      expect(logged.length).toBeGreaterThan(0);
    }
    expect((await readFileAs(fileId, { queryCode })).status).toBe(200);
    // Another applicant (another case's code), a department not on the case: the same 404 as no file.
    const otherCase = await submit({});
    expect((await readFileAs(fileId, { queryCode: otherCase.body.queryCode })).status).toBe(404);
    expect((await readFileAs(fileId, { username: 'reviewer.TAX' })).status).toBe(404);
    // The applicant cannot name a clerk's scan meant for another case.
    const clerkScan = await clerkUpload(uniqueScan(), 'z.pdf');
    const stolen = await applicant.post(
      `/applications/${caseNo}/supplements`,
      { materials: [{ code: 'OWNER_CONSENT', files: [clerkScan.id] }] },
      { 'idempotency-key': newKey() },
    );
    expect(stolen.status).toBe(422);
    expect(stolen.body).toMatchObject({ code: 'file_not_found', field: 'materials[0].files[0]' });
  });
});

function verifyExport(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'verify-export', '--', file],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('audit and export of the files', () => {
  it('the export holds the files and verifies; one changed byte in a file fails; the audit reports damage', async () => {
    const { caseNo, pdf, form } = await caseWithScans();
    const auditor = api.as('auditor1');
    const clean = await auditor.get(`/applications/${caseNo}/audit`);
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ intact: true, files: { checked: 2, problems: [] } });

    const exported = await auditor.get(`/applications/${caseNo}/export`);
    expect(exported.status).toBe(200);
    const doc = exported.body;
    expect(doc.files).toHaveLength(2);
    const entry = doc.files.find((f: any) => f.id === form.id);
    expect(Buffer.from(entry.content, 'base64').equals(pdf)).toBe(true);
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(doc));
    const passed = await verifyExport(good);
    expect(passed.code, passed.stderr + passed.stdout).toBe(0);
    expect(passed.stdout).toContain('电子材料文件 2 个');

    const bytes = Buffer.from(entry.content, 'base64');
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
    entry.content = bytes.toString('base64');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    const failed = await verifyExport(bad);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toContain('file_mismatch');

    // Damage the stored content: the audit names the file; remove it: missing.
    await writeFile(storedPath(sha256(pdf)), Buffer.concat([pdf, Buffer.from('x')]));
    const damaged = await auditor.get(`/applications/${caseNo}/audit`);
    expect(damaged.body.intact).toBe(false);
    expect(damaged.body.files.problems).toEqual([
      expect.objectContaining({ kind: 'file_damaged', fileId: form.id, material: 'OUTDOOR_AD_APPLICATION', seq: 1 }),
    ]);
    expect(damaged.body.problems).toContainEqual(expect.objectContaining({ source: 'files', kind: 'file_damaged' }));
    await rm(storedPath(sha256(pdf)));
    const missing = await auditor.get(`/applications/${caseNo}/audit`);
    expect(missing.body.files.problems).toEqual([expect.objectContaining({ kind: 'file_missing', fileId: form.id })]);
    // Exported now, the file travels without content and the check says so.
    const later = await auditor.get(`/applications/${caseNo}/export`);
    const laterFile = path.join(dir, 'later.json');
    writeFileSync(laterFile, JSON.stringify(later.body));
    const laterCheck = await verifyExport(laterFile);
    expect(laterCheck.code).toBe(1);
    expect(laterCheck.stdout + laterCheck.stderr).toContain('file_missing');
  });
});
