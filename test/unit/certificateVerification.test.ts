/**
 * integrity/certificateVerification.ts: a certificate checked against its signature and the case's record.
 * OUTDOOR_AD_PERMIT: CITY_MANAGEMENT (lead, issues the licence) and TRAFFIC_POLICE.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificatePayload } from '../../integrity/certificateSignature.ts';
import {
  checkCertificate,
  maskIdNumber,
  signatureDigest,
  type CertificateRecord,
  type CertificateRow,
} from '../../integrity/certificateVerification.ts';
import { AD, CASE_NO, approvedWithCertificate } from './lifecycleFixtures.ts';

describe('checkCertificate', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = [{ keyId: 'k1', publicKeyPem: pem, validFrom: null, validUntil: null }];
  const d = approvedWithCertificate();
  const issued = d.current.certificates[0]!;
  const record: CertificateRecord = { matters: d.current.matters, issued };
  const fields = {
    ...issued,
    caseNo: CASE_NO,
    issuerCode: 'CITY_MANAGEMENT',
    issuerName: AD.departments.find((x) => x.lead)!.name,
  };
  const { revoked: _r, ...signed } = fields;
  const signature = sign(null, Buffer.from(certificatePayload(signed), 'utf8'), privateKey).toString('base64');
  const row: CertificateRow = {
    ...signed,
    signature,
    keyId: 'k1',
    revokedAt: null,
    revokedBy: null,
    revocationReason: null,
  };

  it('genuine when the signature holds and the record agrees', () => {
    const check = checkCertificate(row, record, key);
    expect(check).toMatchObject({ status: 'genuine', problems: [] });
    expect(check.signature).toEqual({
      algorithm: 'Ed25519',
      keyId: 'k1',
      digest: signatureDigest(signature),
      valid: true,
      key: { keyId: 'k1', validFrom: null, validUntil: null },
    });
    expect(check.signature.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('altered: an edited field breaks the signature and disagrees with the record; the record is shown', () => {
    const check = checkCertificate({ ...row, holderName: '冒名公司' }, record, key);
    expect(check.status).toBe('altered');
    expect(check.signature.valid).toBe(false);
    expect(check.problems).toEqual(['持证人名称与签发记录不一致', '电子签名与证照内容不符']);
    expect(check.shown.holderName).toBe(issued.holderName);
  });

  it('altered: a row the record never issued, a bad signature, a foreign key id', () => {
    expect(checkCertificate(row, { matters: record.matters }, key).status).toBe('altered');
    expect(checkCertificate({ ...row, signature: 'AAAA' }, record, key).status).toBe('altered');
    // junk appended to a valid signature: Node's base64 decoder would skip it, the check must not
    expect(checkCertificate({ ...row, signature: `${signature}!!` }, record, key).status).toBe('altered');
    expect(checkCertificate({ ...row, signature: `${signature}AAAA` }, record, key).status).toBe('altered');
    expect(checkCertificate(row, record, [{ ...key[0]!, keyId: 'other' }]).problems).toContain(
      '签名所用密钥不是本中心公布的证照签名密钥',
    );
  });

  it('revoked when the record and the row agree on the revocation; altered when they do not', () => {
    const revokedRecord = {
      ...record,
      revoked: { at: '2026-07-10T02:00:00.000Z', department: 'CITY_MANAGEMENT', reason: '撤销', by: 'cm' },
    };
    const revokedRow = {
      ...row,
      revokedAt: '2026-07-10T02:00:00.000Z',
      revokedBy: 'CITY_MANAGEMENT',
      revocationReason: '撤销',
    };
    const check = checkCertificate(revokedRow, revokedRecord, key);
    expect(check.status).toBe('revoked');
    expect(check.revocation).toEqual({
      at: '2026-07-10T02:00:00.000Z',
      department: { code: 'CITY_MANAGEMENT', name: fields.issuerName },
      reason: '撤销',
    });
    // someone clears the row's revocation to make it look valid again
    expect(checkCertificate(row, revokedRecord, key).status).toBe('altered');
    // or marks a valid certificate revoked in the library only
    expect(checkCertificate(revokedRow, record, key).status).toBe('altered');
  });

  it('unsigned (legacy) when there is no signature but the record agrees', () => {
    const check = checkCertificate({ ...row, signature: null, keyId: null }, record, key);
    expect(check.status).toBe('unsigned');
    expect(check.signature.valid).toBeNull();
    expect(checkCertificate({ ...row, signature: null, holderName: 'x' }, record, key).status).toBe('altered');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters of a full number, less of a short one', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110***********1234');
    expect(maskIdNumber('91440300MA5XXXXX0X')).toBe('914***********XX0X');
    expect(maskIdNumber('AB12345')).toBe('A****45');
    expect(maskIdNumber('1234')).toBe('***4');
  });
});
