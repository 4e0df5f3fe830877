/**
 * Key rotation (密钥轮换): a certificate signed, the key rotated twice by the administrator, a certificate signed by
 * each generation; the running worker signs with the new key without a restart; the public key set lists all three
 * with their periods; verification, the audit and the offline export verifier accept each generation's signatures and
 * say which key made them; a signature by a key outside its period (a retired key signing later) fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sign } from 'node:crypto';
import { expect, it } from 'vitest';
import { certificatePayload } from '../../integrity/certificateSignature.ts';
import { signingKeyFromPem } from '../../infra/signingKey.ts';
import { useOwnStack } from './ownStack.ts';
import { approvedCase, verifyExport, writeJson } from './trustHelpers.ts';

// A fast clock (600 virtual seconds a second): the seconds between the rotations are hours of the centre's time, well
// past the 10 minutes' grace at each end of a key's period.
const own = useOwnStack('key-rotation', { CLOCK_SPEED: '600' });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('sign, rotate twice, and every generation still verifies by its own key', async () => {
  const api = own.api;
  const original = (await api.get('/certificates/public-key')).body;
  expect(original.keys).toEqual([
    { keyId: original.keyId, publicKeyPem: original.publicKeyPem, validFrom: null, validUntil: null, current: true },
  ]);
  const generations = [{ ...(await approvedCase(api)), keyId: original.keyId as string }];

  for (let i = 0; i < 2; i++) {
    const refused = await api.as('auditor1').post('/admin/signing-keys/rotation', { reason: '例行轮换' });
    expect(refused.status).toBe(403);
    expect((await api.as('admin1').post('/admin/signing-keys/rotation', {})).status).toBe(400);
    const rotated = await api.as('admin1').post('/admin/signing-keys/rotation', { reason: '例行轮换' });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(201);
    expect(rotated.body.retired).toBe(generations.at(-1)!.keyId);
    // The worker re-reads the current key every 2 s: no restart.
    await pause(2_500);
    generations.push({ ...(await approvedCase(api)), keyId: rotated.body.current.keyId });
  }
  expect(new Set(generations.map((g) => g.keyId)).size).toBe(3);

  // Each certificate names the key that signed it.
  for (const g of generations) {
    const [row] = await own.sql`SELECT key_id FROM certificates WHERE certificate_no = ${g.certificateNo}`;
    expect(row!.key_id).toBe(g.keyId);
    const [head] = await own.sql`SELECT head_key_id FROM cases WHERE case_no = ${g.caseNo}`;
    expect(head!.head_key_id).toBe(g.keyId);
  }

  // The key set: all three, the old ones retired where the next begins, the current one open-ended.
  const set = (await api.get('/certificates/public-key')).body;
  expect(set.keyId).toBe(generations[2]!.keyId);
  expect(set.keys.map((k: { keyId: string }) => k.keyId)).toEqual(generations.map((g) => g.keyId));
  expect(set.keys[0].validFrom).toBeNull();
  expect(set.keys[0].validUntil).toBe(set.keys[1].validFrom);
  expect(set.keys[1].validUntil).toBe(set.keys[2].validFrom);
  expect(set.keys[2]).toMatchObject({ validUntil: null, current: true });

  for (const g of generations) {
    const verified = (await api.get(`/certificates/${g.certificateNo}/verify`)).body;
    expect(verified.status, JSON.stringify(verified.problems)).toBe('genuine');
    expect(verified.signature).toMatchObject({ keyId: g.keyId, valid: true, key: { keyId: g.keyId } });
    const audit = (await api.as('auditor1').get(`/applications/${g.caseNo}/audit`)).body;
    expect(audit.intact, JSON.stringify(audit.problems)).toBe(true);
    // The export (signed by the current key) verifies offline against the centre's key set and names each key.
    const exported = (await api.as('auditor1').get(`/applications/${g.caseNo}/export`)).body;
    expect(exported.publicKey.keyId).toBe(generations[2]!.keyId);
    const run = await verifyExport([writeJson(exported), '--key-set', writeJson(set)]);
    expect(run.stdout).toContain('完整 (intact)');
    expect(run.stdout).toContain(`证照 ${g.certificateNo} 的签名密钥 (signed by): ${g.keyId}`);
    expect(run.code).toBe(0);
  }

  // A retired key signing after its period: the original key (still on disk) re-signs the newest certificate.
  const newest = generations[2]!;
  const originalKey = signingKeyFromPem(
    readFileSync(path.join(own.stack.env.DATA_DIR!, 'keys', 'certificate-ed25519.pem'), 'utf8'),
  );
  expect(originalKey.keyId).toBe(generations[0]!.keyId);
  const [row] =
    await own.sql`SELECT *, issued_on::text AS issued_on FROM certificates WHERE certificate_no = ${newest.certificateNo}`;
  const payload = certificatePayload({
    certificateNo: row!.certificate_no,
    caseNo: row!.case_no,
    matter: row!.matter,
    name: row!.name,
    holderName: row!.holder_name,
    holderIdNumber: row!.holder_id_number,
    issuedOn: row!.issued_on,
    issuerCode: row!.issuer_code,
    issuerName: row!.issuer_name,
  });
  const late = sign(null, Buffer.from(payload, 'utf8'), originalKey.privateKey).toString('base64');
  await own.sql`UPDATE certificates SET signature = ${late}, key_id = ${originalKey.keyId}
                WHERE certificate_no = ${newest.certificateNo}`;
  const refusedLate = (await api.get(`/certificates/${newest.certificateNo}/verify`)).body;
  expect(refusedLate.status).toBe('altered');
  expect(refusedLate.problems).toContain('签名所用密钥在签发时不在其有效期内');
  const exported = (await api.as('auditor1').get(`/applications/${newest.caseNo}/export`)).body;
  const run = await verifyExport([writeJson(exported), '--key-set', writeJson(set)]);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('certificate_key_not_valid_then');
});
