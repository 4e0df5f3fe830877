/**
 * Certificates (电子证照) on the shared stack: the public key, public verification (genuine / altered / unknown /
 * revoked), offline verification with node:crypto alone, revocation (注销) by the issuing department only, the
 * library by holder (and acceptance no longer reusing a revoked certificate), the printable page.
 * OUTDOOR_AD_PERMIT: CITY_MANAGEMENT issues it (lead), TRAFFIC_POLICE co-reviews.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import postgres from 'postgres';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { randomUscc } from '../support/identity.ts';
import { applicationBody, caseInReview, client, login, newKey } from './http.ts';

const api = client(inject('apiUrl'));
const clerk = api.as('clerk1');
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

/** A case of OUTDOOR_AD_PERMIT approved by both departments: one certificate, issued by CITY_MANAGEMENT. */
async function approvedCase(overrides: Record<string, unknown> = {}) {
  const { caseNo, tasks } = await caseInReview(api, overrides);
  for (const task of tasks) {
    const reply = await api
      .as(`reviewer.${task.department}`)
      .post(`/tasks/${task.id}/opinion`, { decision: 'approve' });
    expect(reply.status).toBe(200);
  }
  const view = (await clerk.get(`/applications/${caseNo}`)).body;
  expect(view.status).toBe('approved');
  const certificate = view.certificates[0];
  return { caseNo, view, certificateNo: certificate.certificateNo as string, applicant: view.applicant };
}

const revocation = (department = 'CITY_MANAGEMENT') => ({
  department,
  reason: '申请人以欺骗手段取得许可，依法撤销并注销证照',
});

/** The head of the department revokes the certificate, for that department. */
const revoke = (certificateNo: string, department = 'CITY_MANAGEMENT', headers?: Record<string, string>) =>
  api.as(`head.${department}`).post(`/certificates/${certificateNo}/revocation`, revocation(department), headers);

/** The printable page, as a clerk at the window prints it. */
const printPage = async (certificateNo: string) =>
  fetch(`${inject('apiUrl')}/certificates/${certificateNo}/print`, {
    headers: { authorization: `Bearer ${await login(inject('apiUrl'), 'clerk1')}` },
  });

describe('the public key', () => {
  it('is published with its fingerprint: SHA-256 of the public key (SPKI DER)', async () => {
    const reply = await api.get('/certificates/public-key');
    expect(reply.status).toBe(200);
    expect(reply.body.algorithm).toBe('Ed25519');
    expect(reply.body.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const key = createPublicKey(reply.body.publicKeyPem);
    expect(key.asymmetricKeyType).toBe('ed25519');
    const der = key.export({ type: 'spki', format: 'der' });
    expect(reply.body.keyId).toBe(createHash('sha256').update(der).digest('hex'));
  });
});

describe('verification', () => {
  it('an issued certificate is genuine: who issued what to whom and when, the id number masked', async () => {
    const { caseNo, certificateNo, applicant } = await approvedCase();
    const { keyId } = (await api.get('/certificates/public-key')).body;
    const reply = await api.get(`/certificates/${certificateNo}/verify`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      certificateNo,
      status: 'genuine',
      certificate: {
        certificateNo,
        caseNo,
        name: '户外广告及招牌设施设置许可证',
        matter: { code: 'OUTDOOR_AD_PERMIT' },
        holder: { name: applicant.name },
        issuer: { code: 'CITY_MANAGEMENT' },
      },
      signature: { algorithm: 'Ed25519', keyId, valid: true },
      revocation: null,
      problems: [],
    });
    expect(reply.body.certificate.matter.name).toMatch(/户外广告/);
    expect(reply.body.certificate.issuer.name).toBeTruthy();
    expect(reply.body.certificate.issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(reply.body.signature.digest).toMatch(/^[0-9a-f]{16}$/);
    const id: string = applicant.idNumber;
    expect(reply.body.certificate.holder.idNumber).toBe(`${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`);
    // the public answer never carries the full id number
    expect(JSON.stringify(reply.body)).not.toContain(id);
    // a browser (a phone that scanned the QR code) gets the same answer as a page
    const page = await fetch(`${inject('apiUrl')}/certificates/${certificateNo}/verify`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('真实有效');
    expect(html).toContain(reply.body.certificate.holder.idNumber);
    expect(html).not.toContain(id);
  });

  it('the published key verifies the signature offline, with node:crypto and the documented payload only', async () => {
    const { certificateNo } = await approvedCase();
    const [row] = await sql`SELECT certificate_no, case_no, matter, name, holder_name, holder_id_number, issuer_code,
                                   issuer_name, signature, to_char(issued_on, 'YYYY-MM-DD') AS issued_on
                             FROM certificates WHERE certificate_no = ${certificateNo}`;
    const publicKey = createPublicKey((await api.get('/certificates/public-key')).body.publicKeyPem);
    const payload = canonicalize({
      certificateNo: row!.certificate_no,
      caseNo: row!.case_no,
      matter: row!.matter,
      name: row!.name,
      holderName: row!.holder_name,
      holderIdNumber: row!.holder_id_number,
      issuedOn: row!.issued_on,
      issuer: { code: row!.issuer_code, name: row!.issuer_name },
    }) as string;
    const signature = Buffer.from(row!.signature, 'base64');
    expect(verify(null, Buffer.from(payload, 'utf8'), publicKey, signature)).toBe(true);
    // one changed character and it no longer verifies
    expect(
      verify(null, Buffer.from(payload.replace(row!.holder_name, `${row!.holder_name}X`)), publicKey, signature),
    ).toBe(false);
  });

  it('a row edited directly in PostgreSQL is altered; the answer shows what was really issued', async () => {
    const { certificateNo, applicant } = await approvedCase();
    await sql`UPDATE certificates SET holder_name = '冒名顶替有限公司' WHERE certificate_no = ${certificateNo}`;
    const reply = await api.get(`/certificates/${certificateNo}/verify`);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('altered');
    expect(reply.body.signature.valid).toBe(false);
    expect(reply.body.problems).toEqual(
      expect.arrayContaining(['持证人名称与签发记录不一致', '电子签名与证照内容不符']),
    );
    expect(reply.body.certificate.holder.name).toBe(applicant.name);
    expect(reply.body.message).toContain('核验未通过');
  });

  it('a row whose revocation was set in PostgreSQL only (no revocation in the record) is altered', async () => {
    const { certificateNo } = await approvedCase();
    await sql`UPDATE certificates SET revoked_at = now(), revoked_by = 'CITY_MANAGEMENT', revocation_reason = 'x'
              WHERE certificate_no = ${certificateNo}`;
    const reply = await api.get(`/certificates/${certificateNo}/verify`);
    expect(reply.body.status).toBe('altered');
    expect(reply.body.problems).toEqual(['证照库中的注销信息在办件记录中没有对应的注销记录']);
  });

  it('an unknown number is answered 200 with status unknown; a malformed one is a 400 naming the field', async () => {
    const unknown = await api.get('/certificates/ZZ20990101999999-01/verify');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ certificateNo: 'ZZ20990101999999-01', status: 'unknown' });
    expect(unknown.body.message).toContain('未找到');
    const malformed = await api.get(`/certificates/${encodeURIComponent('ZZ 1<x>')}/verify`);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'invalid_field', field: 'number' });
  });
});

describe('revocation (注销)', () => {
  it('only the issuing department; recorded once as an event; shown in verify, the case view and the library', async () => {
    const { caseNo, certificateNo, applicant } = await approvedCase();
    const head = api.as('head.CITY_MANAGEMENT');
    const path = `/certificates/${certificateNo}/revocation`;

    // the co-reviewing department, for itself: not the issuer
    const other = await revoke(certificateNo, 'TRAFFIC_POLICE', { 'idempotency-key': newKey() });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'not_issuing_department', field: 'department' });
    expect(other.body.message).toMatch(/发证部门/);
    // nor may it name the issuing department it does not belong to
    const notTheirs = await api.as('head.TRAFFIC_POLICE').post(path, revocation(), { 'idempotency-key': newKey() });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body).toMatchObject({ code: 'not_your_department', field: 'department' });

    const noReason = await head.post(path, { department: 'CITY_MANAGEMENT' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ code: 'missing_field', field: 'reason' });
    const unknown = await revoke('ZZ20990101999999-01');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'certificate_not_found', field: 'number' });

    const key = newKey();
    const revoked = await revoke(certificateNo, 'CITY_MANAGEMENT', { 'idempotency-key': key });
    expect(revoked.status).toBe(200);
    expect(revoked.body.certificate).toMatchObject({
      certificateNo,
      revoked: { department: 'CITY_MANAGEMENT', by: 'head.CITY_MANAGEMENT', reason: revocation().reason },
    });
    expect(revoked.body.case.status).toBe('approved');
    const retry = await revoke(certificateNo, 'CITY_MANAGEMENT', { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    expect(retry.body.certificate).toEqual(revoked.body.certificate);
    const again = await revoke(certificateNo, 'CITY_MANAGEMENT', { 'idempotency-key': newKey() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('certificate_already_revoked');

    const verified = (await api.get(`/certificates/${certificateNo}/verify`)).body;
    expect(verified.status).toBe('revoked');
    expect(verified.signature.valid).toBe(true);
    expect(verified.revocation).toMatchObject({
      at: revoked.body.certificate.revoked.at,
      department: { code: 'CITY_MANAGEMENT' },
      reason: revocation().reason,
    });
    expect(verified.revocation.department.name).toBe(verified.certificate.issuer.name);
    expect(verified.message).toContain('已注销');

    const view = (await clerk.get(`/applications/${caseNo}`)).body;
    expect(view.certificates[0].revoked).toEqual(revoked.body.certificate.revoked);
    const revocations = view.events.filter((e: any) => e.type === 'certificate_revoked');
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({
      actor: { kind: 'reviewer', id: 'head.CITY_MANAGEMENT' },
      data: {
        certificateNo,
        department: 'CITY_MANAGEMENT',
        reason: revocation().reason,
        by: 'head.CITY_MANAGEMENT',
      },
    });
    // the event joins the case's hash chain like every other
    const [last, before] = await sql`SELECT seq, prev_hash, hash FROM case_events WHERE case_no = ${caseNo}
                                     ORDER BY seq DESC LIMIT 2`;
    expect(last!.prev_hash).toBe(before!.hash);

    const library = (await clerk.get(`/certificates?holder=${applicant.idNumber}`)).body;
    expect(library).toEqual([
      expect.objectContaining({ certificateNo, status: 'revoked', revocationReason: revocation().reason }),
    ]);
  });

  it('acceptance no longer takes a revoked certificate from the library', async () => {
    // 企业设立登记 (immediate, SAMR) issues the 营业执照 that an outdoor advertising application needs
    const idNumber = randomUscc();
    const applicant = { type: 'organisation', name: '库里有照有限公司', idNumber };
    const registration = await clerk.post(
      '/applications',
      applicationBody({
        matters: ['BUSINESS_REGISTRATION'],
        applicant,
        materials: ['COMPANY_REGISTRATION_APPLICATION', 'ARTICLES_OF_ASSOCIATION', 'APPLICANT_ID', 'PREMISES_PROOF'],
      }),
      { 'idempotency-key': newKey() },
    );
    expect(registration.status).toBe(201);
    const accepted = await clerk.post(`/applications/${registration.body.caseNo}/acceptance`, { decision: 'accept' });
    expect(accepted.body.status).toBe('approved');
    const licence = accepted.body.certificates[0].certificateNo;
    const adMaterials = ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING', 'OWNER_CONSENT'];

    const withLicence = await clerk.post('/applications', applicationBody({ applicant, materials: adMaterials }), {
      'idempotency-key': newKey(),
    });
    expect(withLicence.body.case.fromLibrary).toEqual([{ material: 'BUSINESS_LICENCE', certificateNo: licence }]);

    const revoked = await revoke(licence, 'SAMR');
    expect(revoked.status).toBe(200);
    const after = await clerk.post('/applications', applicationBody({ applicant, materials: adMaterials }), {
      'idempotency-key': newKey(),
    });
    expect(after.status).toBe(201);
    expect(after.body.case.fromLibrary).toEqual([]);
  });
});

describe('the certificate library (电子证照库)', () => {
  it('lists a holder’s certificates with their status; an unknown holder has none; the holder is required', async () => {
    const applicant = { type: 'organisation', name: '两证在手有限公司', idNumber: randomUscc() };
    const first = await approvedCase({ applicant });
    const second = await approvedCase({ applicant });
    expect((await revoke(first.certificateNo)).status).toBe(200);
    const reply = await clerk.get(`/certificates?holder=${applicant.idNumber}`);
    expect(reply.status).toBe(200);
    const byNumber = Object.fromEntries((reply.body as any[]).map((c) => [c.certificateNo, c]));
    expect(Object.keys(byNumber).sort()).toEqual([first.certificateNo, second.certificateNo].sort());
    expect(byNumber[second.certificateNo]).toMatchObject({
      name: '户外广告及招牌设施设置许可证',
      matter: { code: 'OUTDOOR_AD_PERMIT' },
      caseNo: second.caseNo,
      issuer: { code: 'CITY_MANAGEMENT' },
      status: 'valid',
    });
    expect(byNumber[second.certificateNo].issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(byNumber[first.certificateNo].status).toBe('revoked');

    expect((await clerk.get(`/certificates?holder=${randomUscc()}`)).body).toEqual([]);
    const missing = await clerk.get('/certificates');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'missing_field', field: 'holder' });
  });
});

describe('the printable page', () => {
  it('A4 HTML in Chinese: number, holder, matter, issuer, dates, a QR code of the verification URL, the fingerprint', async () => {
    const { certificateNo, applicant, view } = await approvedCase();
    const { keyId } = (await api.get('/certificates/public-key')).body;
    const response = await printPage(certificateNo);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('@page { size: A4');
    expect(html).toContain(certificateNo);
    expect(html).toContain(applicant.name);
    expect(html).toContain('户外广告及招牌设施设置许可证');
    expect(html).toContain('<svg');
    expect(html).toContain(keyId);
    expect(html).toContain(`${inject('apiUrl')}/verify/${certificateNo}`);
    expect(html).not.toContain(applicant.idNumber);
    expect(html).not.toContain('已注销');
    const issuedOn: string = view.certificates[0].issuedOn;
    expect(html).toContain(`${issuedOn.slice(0, 4)}年${Number(issuedOn.slice(5, 7))}月${Number(issuedOn.slice(8))}日`);

    expect((await revoke(certificateNo)).status).toBe(200);
    const revoked = await (await printPage(certificateNo)).text();
    expect(revoked).toContain('已注销');
    expect(revoked).toContain(revocation().reason);

    const unknown = await clerk.get('/certificates/ZZ20990101999999-01/print');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'certificate_not_found', field: 'number' });
  });

  it('escapes every value', async () => {
    const applicant = { type: 'organisation', name: `<script>alert("x")</script>&'公司`, idNumber: randomUscc() };
    const { certificateNo } = await approvedCase({ applicant });
    const html = await (await printPage(certificateNo)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;公司');
  });
});
