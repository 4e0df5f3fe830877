/**
 * Certificates (电子证照): the public key, public verification, the printable page, revocation (注销) by the issuing
 * department, and the library (电子证照库) by holder for staff. The checks are in integrity/certificateVerification.ts,
 * the revocation rule in rules/decisions/delivery.ts; this file reads PostgreSQL and calls the case's workflow.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, inArray } from 'drizzle-orm';
import Type from 'typebox';
import type { Database } from '../../db/client.ts';
import { caseEvents, certificates, matters } from '../../db/schema.ts';
import type { CaseEvent } from '../../rules/caseModel.ts';
import {
  checkCertificate,
  maskIdNumber,
  type CertificateRecord,
  type CertificateStatus,
} from '../../integrity/certificateVerification.ts';
import type { ApiDeps } from '../app.ts';
import { renderCertificatePage, renderVerificationPage } from '../certificatePage.ts';
import { commandCase } from '../caseCommand.ts';
import { caseView } from '../caseView.ts';
import { ApiError } from '../errors.ts';
import {
  COMMAND_ERRORS,
  errors,
  fileReply,
  IdempotencyHeaders,
  LibraryEntry,
  PublicKey,
  Revoked,
  Verification,
} from '../schemas.ts';
import { actingDepartment, staffOf } from '../auth/guard.ts';
import { keyRingOf } from '../keys.ts';
import { ROTATION_GRACE_MS } from '../../integrity/keySet.ts';

const strict = { additionalProperties: false } as const;
const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });
const NumberParams = Type.Object({ number: code }, strict);
const RevocationBody = Type.Object(
  {
    department: code,
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  strict,
);
const HolderQuery = Type.Object({ holder: Type.String({ minLength: 4, maxLength: 40 }) }, strict);

const MESSAGES: Record<CertificateStatus, string> = {
  genuine: '证照真实有效：内容与电子签名、签发记录一致。',
  revoked: '证照已注销：该证照曾由发证部门签发，现已注销，不再有效。',
  altered: '核验未通过：证照信息与电子签名或签发记录不一致，可能已被篡改，请勿采信，并向发证部门核实。',
  unsigned:
    '该证照签发于启用电子签名之前，没有电子签名，无法以签名证明真伪；其内容与办件签发记录一致，请向发证部门核实。',
  unknown: '未找到该编号的证照：本中心未签发过此编号的电子证照。',
};

/** What verification answers for a known certificate (public: the holder's id number masked). */
export interface CertificateView {
  certificateNo: string;
  status: Exclude<CertificateStatus, 'unknown'>;
  message: string;
  certificate: {
    certificateNo: string;
    caseNo: string;
    name: string;
    matter: { code: string; name: string };
    holder: { name: string; idNumber: string };
    issuedOn: string;
    issuer: { code: string; name: string };
  };
  signature: {
    algorithm: 'Ed25519';
    keyId: string | null;
    digest: string | null;
    value: string | null;
    valid: boolean | null;
    key: { keyId: string; validFrom: string | null; validUntil: string | null } | null;
  };
  revocation: { at: string; department: { code: string; name: string }; reason: string } | null;
  problems: string[];
}

const iso = (instant: string) => new Date(instant).toISOString();

/** The certificate as the library row, its signature and the case's record say; undefined for an unknown number. */
async function verifyCertificate(deps: ApiDeps, number: string): Promise<CertificateView | undefined> {
  const [row] = await deps.db.select().from(certificates).where(eq(certificates.certificateNo, number));
  if (!row) return undefined;
  const record = await loadRecord(deps.db, row.caseNo, number);
  const check = checkCertificate(
    {
      ...row,
      issuerCode: row.issuerCode ?? '',
      issuerName: row.issuerName ?? '',
      revokedAt: row.revokedAt ? iso(row.revokedAt) : null,
    },
    record,
    await keyRingOf(deps).published(),
  );
  const shown = check.shown;
  return {
    certificateNo: number,
    status: check.status,
    message: MESSAGES[check.status],
    certificate: {
      certificateNo: shown.certificateNo,
      caseNo: shown.caseNo,
      name: shown.name,
      matter: { code: shown.matter, name: record.matters.find((m) => m.code === shown.matter)?.name ?? shown.matter },
      holder: { name: shown.holderName, idNumber: maskIdNumber(shown.holderIdNumber) },
      issuedOn: shown.issuedOn,
      issuer: { code: shown.issuerCode, name: shown.issuerName },
    },
    signature: { ...check.signature, value: row.signature },
    revocation: check.revocation ?? null,
    problems: check.problems,
  };
}

/** The case's record of this certificate: its matters as received, its issuance and its revocation. */
async function loadRecord(db: Database, caseNo: string, number: string): Promise<CertificateRecord> {
  const events = await db
    .select({ type: caseEvents.type, at: caseEvents.at, data: caseEvents.data })
    .from(caseEvents)
    .where(
      and(
        eq(caseEvents.caseNo, caseNo),
        inArray(caseEvents.type, ['received', 'certificate_issued', 'certificate_revoked']),
      ),
    )
    .orderBy(asc(caseEvents.seq));
  const record: CertificateRecord = { matters: [] };
  for (const e of events) {
    const event = { ...e, at: iso(e.at) } as CaseEvent;
    if (event.type === 'received') record.matters = event.data.matters;
    if (event.type === 'certificate_issued' && event.data.certificateNo === number && !record.issued) {
      record.issued = event.data;
      record.issuedAt = event.at;
    }
    if (event.type === 'certificate_revoked' && event.data.certificateNo === number) {
      record.revoked = { ...event.data, at: event.at };
    }
  }
  return record;
}

/** True when the client lists text/html before any JSON (a browser); an Accept of any type alone (fetch, curl) gets JSON. */
function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}

/** Where the public verifies: PUBLIC_BASE_URL, or the address this request came to. */
/** The QR code's target: the web app's verification page (a phone opens it); it reads the JSON verification. */
function verifyUrl(base: string, number: string): string {
  return `${base.replace(/\/+$/, '')}/verify/${encodeURIComponent(number)}`;
}

export const certificateRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/certificates/public-key',
      {
        config: { access: 'certificate.verify' },
        schema: {
          summary: '证照签名密钥集（Ed25519，公开）：当前密钥与已停用密钥，各自的有效期',
          description:
            'keyId / publicKeyPem 为当前签名密钥（旧客户端照旧可用）；keys 列出中心用过的全部密钥。签名只在其密钥有效期内（前后各宽限 10 分钟）有效。',
          response: { 200: PublicKey },
        },
      },
      async () => {
        const ring = keyRingOf(deps);
        const current = await ring.current();
        const keys = await ring.published();
        return {
          algorithm: 'Ed25519',
          keyId: current.keyId,
          keyIdAlgorithm: 'SHA-256 of the SubjectPublicKeyInfo (DER), hex',
          publicKeyPem: current.publicKeyPem,
          keys: keys.map((k) => ({ ...k, current: k.keyId === current.keyId })),
          rotationGraceMs: ROTATION_GRACE_MS,
          signedPayload:
            'RFC 8785 (JCS) canonical JSON of {certificateNo, caseNo, matter, name, holderName, holderIdNumber, issuedOn, issuer: {code, name}}, UTF-8',
          signatureEncoding: 'base64',
        };
      },
    );

    app.get(
      '/certificates/:number/verify',
      {
        config: { access: 'certificate.verify' },
        schema: {
          summary: '证照真伪核验（公开，无需登录）',
          description:
            '扫码的手机（Accept 优先 text/html）得到核验页，程序得到 JSON；未知编号也是 200（status: unknown）',
          params: NumberParams,
          response: {
            200: {
              description: '核验结果',
              content: { 'application/json': { schema: Verification }, 'text/html': { schema: Type.String() } },
            },
          },
        },
      },
      async (request, reply) => {
        const view = (await verifyCertificate(deps, request.params.number)) ?? {
          // An unknown number is an answer of the check, not an error of the request: 200 with status unknown.
          certificateNo: request.params.number,
          status: 'unknown' as const,
          message: MESSAGES.unknown,
        };
        // A phone that scanned the QR code asks for HTML; programs get JSON.
        if (prefersHtml(request.headers.accept)) {
          return reply.type('text/html; charset=utf-8').send(renderVerificationPage(view));
        }
        return view;
      },
    );

    app.get(
      '/certificates/:number/print',
      {
        config: { access: 'certificate.print' },
        schema: {
          summary: '证照打印页（HTML，A4）',
          params: NumberParams,
          response: { 200: fileReply('证照打印页', 'text/html'), ...errors(404) },
        },
      },
      async (request, reply) => {
        const number = request.params.number;
        const view = await verifyCertificate(deps, number);
        if (!view) throw new ApiError(404, 'certificate_not_found', `证照 ${number} 不存在`, 'number');
        const base = deps.publicBaseUrl ?? `${request.protocol}://${request.host}`;
        const html = await renderCertificatePage(view, verifyUrl(base, number));
        return reply.type('text/html; charset=utf-8').send(html);
      },
    );

    app.post(
      '/certificates/:number/revocation',
      {
        config: { access: 'certificate.revoke' },
        schema: {
          summary: '发证部门注销证照',
          params: NumberParams,
          body: RevocationBody,
          headers: IdempotencyHeaders,
          response: { 200: Revoked, ...errors(...COMMAND_ERRORS) },
        },
      },
      async (request) => {
        const number = request.params.number;
        const [row] = await deps.db
          .select({ caseNo: certificates.caseNo })
          .from(certificates)
          .where(eq(certificates.certificateNo, number));
        if (!row) throw new ApiError(404, 'certificate_not_found', `证照 ${number} 不存在`, 'number');
        // A certificate outlives its case: a closed case's workflow is reopened for this command.
        const acting = actingDepartment(staffOf(request), request.body.department);
        const { state } = await commandCase(
          deps,
          request,
          row.caseNo,
          'revokeCertificate',
          { certificateNo: number, ...request.body },
          { acting, reopen: true },
        );
        return { certificate: state.certificates.find((c) => c.certificateNo === number), case: caseView(state) };
      },
    );

    app.get(
      '/certificates',
      {
        config: { access: 'certificate.library' },
        schema: {
          summary: '电子证照库：按持证人证件号码查询（工作人员）',
          querystring: HolderQuery,
          response: { 200: Type.Array(LibraryEntry) },
        },
      },
      async (request) => {
        const holder = request.query.holder;
        const rows = await deps.db
          .select({
            certificateNo: certificates.certificateNo,
            name: certificates.name,
            matter: certificates.matter,
            matterName: matters.name,
            caseNo: certificates.caseNo,
            holderName: certificates.holderName,
            issuedOn: certificates.issuedOn,
            issuerCode: certificates.issuerCode,
            issuerName: certificates.issuerName,
            revokedAt: certificates.revokedAt,
            revocationReason: certificates.revocationReason,
          })
          .from(certificates)
          .leftJoin(matters, eq(matters.code, certificates.matter))
          // numbers are stored as entered before normalisation (upper case, trimmed) existed: ask for both
          .where(inArray(certificates.holderIdNumber, [...new Set([holder, holder.trim().toUpperCase()])]))
          .orderBy(asc(certificates.issuedOn), asc(certificates.certificateNo));
        return rows.map((r) => ({
          certificateNo: r.certificateNo,
          name: r.name,
          matter: { code: r.matter, name: r.matterName ?? r.matter },
          caseNo: r.caseNo,
          holderName: r.holderName,
          issuedOn: r.issuedOn,
          issuer: { code: r.issuerCode, name: r.issuerName },
          status: r.revokedAt ? 'revoked' : 'valid',
          ...(r.revokedAt ? { revokedAt: iso(r.revokedAt), revocationReason: r.revocationReason } : {}),
        }));
      },
    );
  };
