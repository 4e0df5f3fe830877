/** Certificates (电子证照): the public key, verification, revocation and the library by holder. */
import Type from 'typebox';
import { CaseCertificate, CaseView } from './caseView.ts';
import { CodeName, Day, Instant, nullable, oneOf } from './common.ts';

export const PublicKey = Type.Object({
  algorithm: Type.String({ description: 'Ed25519' }),
  keyId: Type.String(),
  keyIdAlgorithm: Type.String(),
  publicKeyPem: Type.String(),
  keys: Type.Array(
    Type.Object({
      keyId: Type.String(),
      publicKeyPem: Type.String(),
      validFrom: nullable(Instant),
      validUntil: nullable(Instant),
      current: Type.Boolean(),
    }),
  ),
  rotationGraceMs: Type.Integer(),
  signedPayload: Type.String(),
  signatureEncoding: Type.String(),
});

export const Verification = Type.Object({
  certificateNo: Type.String(),
  status: oneOf(['genuine', 'revoked', 'altered', 'unsigned', 'unknown'] as const),
  message: Type.String(),
  certificate: Type.Optional(
    Type.Object({
      certificateNo: Type.String(),
      caseNo: Type.String(),
      name: Type.String(),
      matter: CodeName,
      holder: Type.Object({ name: Type.String(), idNumber: Type.String({ description: '已脱敏' }) }),
      issuedOn: Day,
      issuer: CodeName,
    }),
  ),
  signature: Type.Optional(
    Type.Object({
      algorithm: Type.String(),
      keyId: nullable(Type.String()),
      digest: nullable(Type.String()),
      value: nullable(Type.String()),
      valid: nullable(Type.Boolean()),
      key: Type.Optional(
        nullable(Type.Object({ keyId: Type.String(), validFrom: nullable(Instant), validUntil: nullable(Instant) })),
      ),
    }),
  ),
  revocation: Type.Optional(nullable(Type.Object({ at: Instant, department: CodeName, reason: Type.String() }))),
  problems: Type.Optional(Type.Array(Type.String())),
});

export const Revoked = Type.Object({ certificate: Type.Optional(CaseCertificate), case: CaseView });

export const LibraryEntry = Type.Object({
  certificateNo: Type.String(),
  name: Type.String(),
  matter: CodeName,
  caseNo: Type.String(),
  holderName: Type.String(),
  issuedOn: Day,
  /** Rows issued before the issuer was recorded have none. */
  issuer: Type.Object({ code: nullable(Type.String()), name: nullable(Type.String()) }),
  status: oneOf(['valid', 'revoked'] as const),
  revokedAt: Type.Optional(Instant),
  revocationReason: Type.Optional(nullable(Type.String())),
});
