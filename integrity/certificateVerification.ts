/**
 * Is a certificate (电子证照) genuine? Three sources must agree: the library row, its Ed25519 signature (over
 * integrity/certificateSignature.ts's payload) and the case's legal record (the `certificate_issued` and
 * `certificate_revoked` events). The signature catches an edited row; the record catches an edit the signature does
 * not cover (the revocation columns) and a row that was never issued. Pure: the caller reads PostgreSQL.
 */
import { createHash } from 'node:crypto';
import type { Certificate } from '../rules/caseModel.ts';
import type { MatterSnapshot } from '../rules/catalogue.ts';
import { certificatePayload, type SignedCertificateFields } from './certificateSignature.ts';
import { verifyWithKeySet, type PublishedKey } from './keySet.ts';

/**
 * genuine: signed, the signature holds, the record agrees. altered: any of them disagree. revoked: genuine but
 * 注销 by its issuing department. unsigned: a row from before signing (no signature): it agrees with the record, but
 * its authenticity cannot be proven. unknown: no such certificate.
 */
export type CertificateStatus = 'genuine' | 'altered' | 'revoked' | 'unsigned' | 'unknown';

/** The library row as stored (certificates table). */
export interface CertificateRow extends SignedCertificateFields {
  issuerCode: string;
  issuerName: string;
  signature: string | null;
  keyId: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  revocationReason: string | null;
}

/** What the case's record says about the certificate. */
export interface CertificateRecord {
  /** The matters as the case received them (the `received` event): the issuing department is the matter's lead. */
  matters: MatterSnapshot[];
  issued?: Certificate;
  /** The instant of the `certificate_issued` event: the signature's date, checked against its key's period. */
  issuedAt?: string;
  revoked?: { at: string; department: string; reason: string; by: string };
}

export interface CertificateCheck {
  status: Exclude<CertificateStatus, 'unknown'>;
  /** The fields shown: the row's when its signature holds, else what the record says was issued. */
  shown: SignedCertificateFields;
  signature: {
    algorithm: 'Ed25519';
    keyId: string | null;
    digest: string | null;
    valid: boolean | null;
    /** The key of the set that made it, with its period (null: unsigned, or a key the set does not have). */
    key: { keyId: string; validFrom: string | null; validUntil: string | null } | null;
  };
  revocation?: { at: string; department: { code: string; name: string }; reason: string };
  /** Each disagreement found, in Chinese, naming fields but never their values (the page is public). */
  problems: string[];
}

const FIELD_NAMES: Record<keyof SignedCertificateFields, string> = {
  certificateNo: '证照编号',
  caseNo: '办件编号',
  matter: '事项',
  name: '证照名称',
  holderName: '持证人名称',
  holderIdNumber: '持证人证件号码',
  issuedOn: '发证日期',
  issuerCode: '发证部门代码',
  issuerName: '发证部门名称',
};

/** First 3 and last 4 characters visible (a shorter number keeps less): enough to match a paper copy, no more. */
export function maskIdNumber(idNumber: string): string {
  const chars = [...idNumber];
  const [head, tail] = chars.length >= 11 ? [3, 4] : chars.length >= 6 ? [1, 2] : [0, 1];
  return chars.map((c, i) => (i < head || i >= chars.length - tail ? c : '*')).join('');
}

/** A short digest of the signature, printed beside the key fingerprint. */
export function signatureDigest(signature: string): string {
  return createHash('sha256').update(Buffer.from(signature, 'base64')).digest('hex').slice(0, 16);
}

const sameInstant = (a: string | null | undefined, b: string | null | undefined) =>
  (a ? Date.parse(a) : NaN) === (b ? Date.parse(b) : NaN) || (!a && !b);

export function checkCertificate(
  row: CertificateRow,
  record: CertificateRecord,
  keys: PublishedKey[],
): CertificateCheck {
  const problems: string[] = [];
  const lead = (matter: string) => record.matters.find((m) => m.code === matter)?.departments.find((d) => d.lead);
  const rowFields: SignedCertificateFields = {
    certificateNo: row.certificateNo,
    caseNo: row.caseNo,
    matter: row.matter,
    name: row.name,
    holderName: row.holderName,
    holderIdNumber: row.holderIdNumber,
    issuedOn: row.issuedOn,
    issuerCode: row.issuerCode,
    issuerName: row.issuerName,
  };
  const issuedFields: SignedCertificateFields | undefined = record.issued && {
    certificateNo: record.issued.certificateNo,
    caseNo: row.caseNo,
    matter: record.issued.matter,
    name: record.issued.name,
    holderName: record.issued.holderName,
    holderIdNumber: record.issued.holderIdNumber,
    issuedOn: record.issued.issuedOn,
    issuerCode: lead(record.issued.matter)?.code ?? '',
    issuerName: lead(record.issued.matter)?.name ?? '',
  };

  if (!issuedFields) problems.push('办件记录中没有该证照的签发记录');
  else {
    for (const field of Object.keys(FIELD_NAMES) as Array<keyof SignedCertificateFields>) {
      if (rowFields[field] !== issuedFields[field]) problems.push(`${FIELD_NAMES[field]}与签发记录不一致`);
    }
  }

  let valid: boolean | null = null;
  let signedBy: PublishedKey | undefined;
  if (row.signature) {
    // Dated by its issuance as recorded (else its issue date, China time); a row without a key id: the original key.
    const at = record.issuedAt ?? `${row.issuedOn}T00:00:00+08:00`;
    const checked = verifyWithKeySet(keys, certificatePayload(rowFields), row.signature, row.keyId, at);
    valid = checked.valid;
    signedBy = keys.find((k) => k.keyId === checked.keyId);
    if (checked.problem === 'key_unknown') problems.push('签名所用密钥不是本中心公布的证照签名密钥');
    if (checked.problem === 'key_not_valid_then') problems.push('签名所用密钥在签发时不在其有效期内');
    if (checked.problem === 'signature_invalid') problems.push('电子签名与证照内容不符');
  }

  const recordRevoked = record.revoked;
  if (recordRevoked || row.revokedAt) {
    if (!recordRevoked) problems.push('证照库中的注销信息在办件记录中没有对应的注销记录');
    else if (
      !row.revokedAt ||
      !sameInstant(row.revokedAt, recordRevoked.at) ||
      row.revokedBy !== recordRevoked.department ||
      row.revocationReason !== recordRevoked.reason
    ) {
      problems.push('证照库中的注销信息与办件记录不一致');
    }
  }

  const status: CertificateCheck['status'] =
    problems.length > 0 ? 'altered' : recordRevoked ? 'revoked' : row.signature ? 'genuine' : 'unsigned';
  const issuer = recordRevoked && lead(issuedFields?.matter ?? row.matter);
  return {
    status,
    shown: valid || !issuedFields ? rowFields : issuedFields,
    signature: {
      algorithm: 'Ed25519',
      keyId: row.keyId,
      digest: row.signature ? signatureDigest(row.signature) : null,
      valid,
      key: signedBy ? { keyId: signedBy.keyId, validFrom: signedBy.validFrom, validUntil: signedBy.validUntil } : null,
    },
    ...(recordRevoked
      ? {
          revocation: {
            at: recordRevoked.at,
            department: { code: recordRevoked.department, name: issuer?.name ?? recordRevoked.department },
            reason: recordRevoked.reason,
          },
        }
      : {}),
    problems,
  };
}
