/**
 * What a certificate's signature covers: the RFC 8785 canonical JSON (JCS) of its number, case, matter, name,
 * holder, issue date and issuing department. Ed25519 over these bytes (node:crypto, `crypto.sign(null, ...)`); the
 * signature is base64. Shared by the signer (worker), the verifier (API) and the offline export check.
 */
import canonicalize from 'canonicalize';

export interface SignedCertificateFields {
  certificateNo: string;
  caseNo: string;
  matter: string;
  name: string;
  holderName: string;
  holderIdNumber: string;
  issuedOn: string;
  issuerCode: string;
  issuerName: string;
}

export function certificatePayload(c: SignedCertificateFields): string {
  return canonicalize({
    certificateNo: c.certificateNo,
    caseNo: c.caseNo,
    matter: c.matter,
    name: c.name,
    holderName: c.holderName,
    holderIdNumber: c.holderIdNumber,
    issuedOn: c.issuedOn,
    issuer: { code: c.issuerCode, name: c.issuerName },
  }) as string;
}
