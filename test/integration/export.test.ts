/**
 * The case file export (卷宗) over HTTP on the real stack, checked by the offline verifier run as an
 * auditor runs it (`node --import tsx scripts/verify-export.ts FILE`, a child process: no database, no network).
 * A case goes through a one-time supplement notice, acceptance and two departmental approvals, so its file has
 * notices and a signed certificate; the untouched export verifies, and each kind of edit to the file is rejected
 * with exit 1 and the problem where it is.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { signCaseFile } from '../../api/caseExport.ts';
import { signingKeyFromPem } from '../../infra/signingKey.ts';
import { certificatePayload } from '../../integrity/certificateSignature.ts';
import type { CaseFileExport } from '../../integrity/exportCheck.ts';
import { eventHash } from '../../integrity/hashChain.ts';
import { applicationBody, caseInReview, client, newKey } from './http.ts';

const api = client(inject('apiUrl'));
const clerk = api.as('clerk1');
const auditor = api.as('auditor1');
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'export-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let files = 0;
function write(content: unknown, name = `file-${++files}.json`): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function verifyExport(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/verify-export.ts', ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const copy = (doc: CaseFileExport): CaseFileExport => JSON.parse(JSON.stringify(doc));

/** Run the verifier on an edited copy: exit 1, the problem's kind and where it is printed. */
async function rejected(doc: unknown, kind: string, where: string[], extraArgs: string[] = []) {
  const run = await verifyExport([write(doc), ...extraArgs]);
  expect(run.code, run.stdout + run.stderr).toBe(1);
  expect(run.stdout).toContain('不完整 (NOT intact)');
  expect(run.stdout).toContain(`类型 (kind): ${kind}`);
  for (const w of where) expect(run.stdout).toContain(w);
  return run.stdout;
}

/** Rewrite the chain from the first event on: what a forger with the hash function but without the key can do. */
function rechain(doc: CaseFileExport): CaseFileExport {
  let prev = '0'.repeat(64);
  doc.events = doc.events.map((e) => {
    const hash = eventHash(doc.caseNo, e, prev);
    const row = { ...e, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  return doc;
}

let caseNo: string;
let doc: CaseFileExport;
let centreKeyFile: string;
const seqOf = (type: string, nth = 0) => doc.events.filter((e) => e.type === type)[nth]?.seq as number;

beforeAll(async () => {
  const submitted = await clerk.post(
    '/applications',
    applicationBody({ materials: ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING'] }),
    { 'idempotency-key': newKey() },
  );
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  caseNo = submitted.body.caseNo;
  const steps = [
    await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'supplement' }),
    await clerk.post(`/applications/${caseNo}/supplements`, { materials: ['BUSINESS_LICENCE', 'OWNER_CONSENT'] }),
    await clerk.post(`/applications/${caseNo}/acceptance`, { decision: 'accept' }),
  ];
  for (const step of steps) expect(step.status, JSON.stringify(step.body)).toBe(200);
  const tasks = (await auditor.get(`/tasks?caseNo=${caseNo}&status=open`)).body as Array<{
    id: string;
    department: string;
  }>;
  for (const task of tasks) {
    const opinion = await api.as(`reviewer.${task.department}`).post(`/tasks/${task.id}/opinion`, {
      decision: 'approve',
    });
    expect(opinion.status, JSON.stringify(opinion.body)).toBe(200);
  }
  const reply = await auditor.get(`/applications/${caseNo}/export`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  doc = reply.body;
  // The real key, as the centre publishes it.
  const published = await api.get('/certificates/public-key');
  expect(published.status).toBe(200);
  expect(published.body.keyId).toBe(doc.publicKey.keyId);
  centreKeyFile = write(published.body.publicKeyPem, 'centre-key.pem');
});

describe('GET /applications/:caseNo/export', () => {
  it('is the whole case file: matters, materials, chained events, notices, signed certificate, key, head, signature', async () => {
    const view = (await auditor.get(`/applications/${caseNo}`)).body;
    expect(doc.format).toEqual({ name: 'yimen-case-file', version: 1 });
    expect(doc.caseNo).toBe(caseNo);
    expect(Date.parse(doc.exportedAt)).not.toBeNaN();
    expect(doc.status).toBe('approved');
    expect(doc.matters.map((m) => m.code)).toEqual(['OUTDOOR_AD_PERMIT']);
    expect([...doc.materialsProvided].sort()).toEqual([...view.materialsProvided].sort());
    expect(doc.events.map((e) => [e.seq, e.type])).toEqual(view.events.map((e: any) => [e.seq, e.type]));
    for (const e of doc.events) {
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.prevHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(doc.notices).toEqual(view.notices);
    expect(doc.notices.map((n) => n.kind)).toEqual(['supplement', 'accepted', 'approved']);
    expect(doc.certificates).toHaveLength(1);
    expect(doc.certificates[0]).toMatchObject({
      certificateNo: view.certificates[0].certificateNo,
      holderName: view.certificates[0].holderName,
      issuerCode: 'CITY_MANAGEMENT',
      keyId: doc.publicKey.keyId,
      revocation: null,
    });
    expect(doc.certificates[0]?.signature).toBeTruthy();
    // The head as the engine holds it: the last event of the record.
    expect(doc.chainHead).toEqual({ seq: view.lastSeq, hash: doc.events.at(-1)?.hash });
    expect(doc.publicKey.pem).toContain('BEGIN PUBLIC KEY');
    expect(doc.signature).toMatchObject({ algorithm: 'Ed25519', keyId: doc.publicKey.keyId });
    expect(doc.integrity.documentSignature).toContain('without its "signature" field');
  });

  it('answers 404 case_not_found for an unknown case', async () => {
    const reply = await auditor.get('/applications/SQ99999999999999/export');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: 'case_not_found', field: 'caseNo' });
  });
});

describe('npm run verify-export', () => {
  it('an untouched export is intact (exit 0); alone it asks for the key to be compared, with the key it confirms it', async () => {
    const file = write(doc);
    const alone = await verifyExport([file]);
    expect(alone.code, alone.stdout + alone.stderr).toBe(0);
    expect(alone.stdout.split('\n')[0]).toBe('完整 (intact)');
    expect(alone.stdout).toContain(doc.publicKey.keyId);
    expect(alone.stdout).toContain('GET /certificates/public-key');
    const confirmed = await verifyExport([file, '--public-key', centreKeyFile]);
    expect(confirmed.code, confirmed.stdout + confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain('公钥与所给的政务服务中心公钥一致');
  });

  it('runs as the npm script too', async () => {
    const run = await new Promise<Run>((resolve) =>
      execFile('npm', ['run', '--silent', 'verify-export', '--', write(doc)], { cwd: root }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      ),
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('完整 (intact)');
  });

  it('a changed event payload: exit 1, the event', async () => {
    const edited = copy(doc);
    const seq = seqOf('opinion_given');
    (edited.events[seq - 1]?.data as { reviewerId: string }).reviewerId = 'someone-else';
    await rejected(edited, 'hash_mismatch', [`事件 seq ${seq}`]);
  });

  it('a deleted event: exit 1, the gap', async () => {
    const edited = copy(doc);
    edited.events.splice(4, 1);
    await rejected(edited, 'sequence_gap', ['事件 seq 6']);
  });

  it('a deleted last event: exit 1, the head', async () => {
    const edited = copy(doc);
    edited.events.pop();
    await rejected(edited, 'tail_missing', ['字段 chainHead']);
  });

  it('swapped events: exit 1, the sequence', async () => {
    const edited = copy(doc);
    const [a, b] = [edited.events[6], edited.events[7]];
    edited.events[6] = b as CaseFileExport['events'][0];
    edited.events[7] = a as CaseFileExport['events'][0];
    await rejected(edited, 'sequence_gap', ['事件 seq 8']);
  });

  it('a changed notice text: exit 1, the notice and its event', async () => {
    const edited = copy(doc);
    (edited.notices[0] as { body: string }).body = edited.notices[0]?.body.replace('一次性告知', '告知') ?? '';
    await rejected(edited, 'notice_mismatch', [`事件 seq ${seqOf('notice_sent')}`, '字段 notices[0].body']);
  });

  it('a changed certificate holder: exit 1, the certificate number and field', async () => {
    const edited = copy(doc);
    const certificate = edited.certificates[0] as CaseFileExport['certificates'][0];
    certificate.holderName = '冒名顶替有限公司';
    await rejected(edited, 'certificate_mismatch', [
      `证照 ${certificate.certificateNo}`,
      '字段 certificates[0].holderName',
    ]);
  });

  it('a changed or removed document signature: exit 1', async () => {
    const changed = copy(doc);
    const bytes = Buffer.from(changed.signature.value, 'base64');
    bytes[10] = (bytes[10] as number) ^ 0x40;
    changed.signature.value = bytes.toString('base64');
    await rejected(changed, 'signature_invalid', ['字段 signature']);
    const removed = copy(doc) as Partial<CaseFileExport>;
    delete removed.signature;
    await rejected(removed, 'signature_missing', ['字段 signature']);
  });

  it('a replaced public key (everything re-signed by another key): refused against the real key', async () => {
    const forger = signingKeyFromPem(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const edited = copy(doc);
    for (const c of edited.certificates) {
      c.holderName = '冒名顶替有限公司';
      c.signature = sign(null, Buffer.from(certificatePayload(c)), forger.privateKey).toString('base64');
      c.keyId = forger.keyId;
    }
    edited.publicKey = { algorithm: 'Ed25519', pem: forger.publicKeyPem, keyId: forger.keyId };
    const rest: Partial<CaseFileExport> = edited;
    delete rest.signature;
    const forged = signCaseFile(rest as Omit<CaseFileExport, 'signature'>, forger);
    const out = await rejected(
      forged,
      'public_key_not_centre',
      ['字段 publicKey', forger.keyId],
      ['--public-key', centreKeyFile],
    );
    expect(out).toContain(doc.publicKey.keyId);
  });

  it('a recomputed chain: exit 1 at the head; with the head changed too: exit 1 at the document signature', async () => {
    const edited = copy(doc);
    (edited.events[0]?.data as { form: Record<string, unknown> }).form.signText = '另一块招牌';
    rechain(edited);
    await rejected(edited, 'head_mismatch', ['字段 chainHead']);
    edited.chainHead = { seq: edited.events.length, hash: edited.events.at(-1)?.hash as string };
    await rejected(edited, 'signature_invalid', ['字段 signature']);
  });

  it('a revoked certificate (注销): the export shows the revocation and verifies; hiding it is rejected', async () => {
    const certificateNo = doc.certificates[0]?.certificateNo as string;
    const revoked = await api
      .as('head.CITY_MANAGEMENT')
      .post(
        `/certificates/${certificateNo}/revocation`,
        { department: 'CITY_MANAGEMENT', reason: '设置位置已拆除，依法注销' },
        { 'idempotency-key': newKey() },
      );
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const reply = await auditor.get(`/applications/${caseNo}/export`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const after = reply.body as CaseFileExport;
    const event = after.events.find((e) => e.type === 'certificate_revoked');
    expect(event).toBeDefined();
    // The holder's written revocation notice is the step's last event.
    expect(after.chainHead.seq).toBe((event?.seq ?? 0) + 1);
    expect(after.events.at(-1)).toMatchObject({ type: 'notice_sent', data: { kind: 'certificate_revoked' } });
    expect(after.certificates[0]?.revocation).toMatchObject({
      revokedBy: 'CITY_MANAGEMENT',
      reason: '设置位置已拆除，依法注销',
    });
    const run = await verifyExport([write(after), '--public-key', centreKeyFile]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const hidden = copy(after);
    (hidden.certificates[0] as CaseFileExport['certificates'][0]).revocation = null;
    await rejected(hidden, 'revocation_mismatch', [`事件 seq ${event?.seq}`, `证照 ${certificateNo}`]);
  });

  it('a record rewritten in PostgreSQL (chain recomputed there) is exported as found, and rejected at the head', async () => {
    const { caseNo: tampered } = await caseInReview(api);
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      await sql.begin(async (tx) => {
        // as a database superuser could: the append-only trigger does not fire
        await tx`SET LOCAL session_replication_role = replica`;
        await tx`UPDATE case_events SET data = jsonb_set(data, '{form,signText}', '"另一块招牌"')
                 WHERE case_no = ${tampered} AND seq = 1`;
        const rows = await tx`SELECT seq, type, at, actor, data FROM case_events WHERE case_no = ${tampered}
                              ORDER BY seq`;
        let prev = '0'.repeat(64);
        for (const r of rows) {
          const hash = eventHash(tampered, { seq: r.seq, type: r.type, at: r.at, actor: r.actor, data: r.data }, prev);
          await tx`UPDATE case_events SET prev_hash = ${prev}, hash = ${hash}
                   WHERE case_no = ${tampered} AND seq = ${r.seq}`;
          prev = hash;
        }
      });
    } finally {
      await sql.end();
    }
    const reply = await auditor.get(`/applications/${tampered}/export`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const found = reply.body as CaseFileExport;
    await rejected(found, 'head_mismatch', ['字段 chainHead', `事件 seq ${found.chainHead.seq}`]);
  });

  it('unreadable input exits 2', async () => {
    expect((await verifyExport([path.join(dir, 'no-such-file.json')])).code).toBe(2);
    expect((await verifyExport([write('{ not json')])).code).toBe(2);
    expect((await verifyExport([write({ some: 'thing' })])).code).toBe(2);
    expect((await verifyExport([write(doc), '--public-key', write('not a key', 'bad.pem')])).code).toBe(2);
  });
});
