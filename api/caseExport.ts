/**
 * The case file (卷宗) export: one JSON document an auditor keeps and checks offline (integrity/exportCheck.ts,
 * `npm run verify-export -- FILE`). The events come from the legal record (PostgreSQL, with their hashes), the chain
 * head from the case's workflow (the engine), the certificates from the certificate library with their signatures
 * and revocations; the centre signs the whole with its Ed25519 key. The document shows the record as it is: a
 * tampered record is exported as found, and the offline check reports it.
 */
import { sign } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { caseEvents, cases, certificates } from '../db/schema.ts';
import type { SigningKey } from '../infra/signingKey.ts';
import { replay, type CaseEvent, type Notice } from '../rules/caseModel.ts';
import type { ChainHead } from '../integrity/hashChain.ts';
import {
  EXPORT_FORMAT,
  EXPORT_INTEGRITY,
  exportSigningInput,
  type CaseFileExport,
  type ExportedCertificate,
  type ExportedEvent,
} from '../integrity/exportCheck.ts';
import type { ApiDeps } from './app.ts';
import { queryChainHead } from './caseClient.ts';
import { ApiError } from './errors.ts';
import { recordedFiles } from '../integrity/caseFiles.ts';
import type { ExportedFile } from '../integrity/exportFiles.ts';
import type { FileStore } from '../files/store.ts';

const iso = (at: string) => new Date(at).toISOString();

async function loadChainedEvents(deps: ApiDeps, caseNo: string): Promise<ExportedEvent[]> {
  const rows = await deps.db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseNo, caseNo))
    .orderBy(asc(caseEvents.seq));
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    at: iso(r.at),
    actor: r.actor,
    data: r.data,
    prevHash: r.prevHash,
    hash: r.hash,
  }));
}

/**
 * The head as the engine holds it and the events as PostgreSQL holds them, read so that they belong together: the
 * workflow moves its head only after the step's events are recorded, so events beyond the head are a step still in
 * flight; read again (briefly) until the head has caught up. What remains beyond it is exported as found.
 */
async function headAndEvents(deps: ApiDeps, caseNo: string): Promise<{ head: ChainHead; events: ExportedEvent[] }> {
  for (let attempt = 0; ; attempt++) {
    const head = await queryChainHead(deps, caseNo);
    if (!head) {
      throw new ApiError(
        503,
        'engine_unavailable',
        `审批引擎没有给出办件 ${caseNo} 的链头，无法导出可校验的卷宗，请稍后重试`,
        'caseNo',
      );
    }
    const events = await loadChainedEvents(deps, caseNo);
    if ((events.at(-1)?.seq ?? 0) <= head.seq || attempt >= 4) return { head, events };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every file the record names, with its bytes when the store still holds them intact (as found, like the rest). */
async function loadFiles(store: FileStore, events: ExportedEvent[]): Promise<ExportedFile[]> {
  const files: ExportedFile[] = [];
  for (const file of recordedFiles(events)) {
    // A hash the record no longer holds in its proper form (tampered) names no content: exported without bytes.
    const stored = /^[0-9a-f]{64}$/.test(file.sha256) ? await store.get(file.sha256) : { state: 'missing' as const };
    files.push({ ...file, content: stored.state === 'ok' ? stored.bytes.toString('base64') : null });
  }
  return files;
}

async function loadCertificates(deps: ApiDeps, caseNo: string): Promise<ExportedCertificate[]> {
  const rows = await deps.db
    .select()
    .from(certificates)
    .where(eq(certificates.caseNo, caseNo))
    .orderBy(asc(certificates.certificateNo));
  return rows.map((c) => ({
    certificateNo: c.certificateNo,
    caseNo: c.caseNo,
    matter: c.matter,
    name: c.name,
    holderName: c.holderName,
    holderIdNumber: c.holderIdNumber,
    issuedOn: c.issuedOn,
    issuerCode: c.issuerCode ?? '',
    issuerName: c.issuerName ?? '',
    signature: c.signature,
    keyId: c.keyId,
    revocation: c.revokedAt
      ? { revokedAt: iso(c.revokedAt), revokedBy: c.revokedBy, reason: c.revocationReason }
      : null,
  }));
}

/** What folding the events gives; for a record that does not fold (tampered), what the events say directly. */
function derived(events: ExportedEvent[]) {
  try {
    const state = replay(events as unknown as CaseEvent[]);
    if (state) {
      return {
        applicant: state.applicant,
        status: state.status as string,
        matters: state.matters,
        materialsProvided: state.materialsProvided,
        notices: state.notices,
      };
    }
  } catch {
    // fall through: the check will say where the record stops folding
  }
  const received = (events.find((e) => e.type === 'received')?.data ?? {}) as Partial<
    Extract<CaseEvent, { type: 'received' }>['data']
  >;
  return {
    applicant: received.applicant as CaseFileExport['applicant'],
    status: 'unknown',
    matters: received.matters ?? [],
    materialsProvided: received.materials ?? [],
    notices: events.filter((e) => e.type === 'notice_sent').map((e) => e.data as Notice),
  };
}

export async function buildCaseExport(deps: ApiDeps, caseNo: string): Promise<CaseFileExport> {
  const [known] = await deps.db.select({ caseNo: cases.caseNo }).from(cases).where(eq(cases.caseNo, caseNo));
  if (!known) throw new ApiError(404, 'case_not_found', `办件 ${caseNo} 不存在`, 'caseNo');
  const { head, events } = await headAndEvents(deps, caseNo);
  return assembleCaseFile({
    caseNo,
    exportedAt: new Date(deps.clock.now()).toISOString(),
    events,
    certificates: await loadCertificates(deps, caseNo),
    files: await loadFiles(deps.files.store, events),
    head,
    signingKey: deps.signingKey,
  });
}

/** The document from what was read, signed with the centre's key (pure but for the signature). */
export function assembleCaseFile(input: {
  caseNo: string;
  exportedAt: string;
  events: ExportedEvent[];
  certificates: ExportedCertificate[];
  files?: ExportedFile[];
  head: ChainHead;
  signingKey: SigningKey;
}): CaseFileExport {
  const facts = derived(input.events);
  const unsigned: Omit<CaseFileExport, 'signature'> = {
    format: { ...EXPORT_FORMAT },
    caseNo: input.caseNo,
    exportedAt: input.exportedAt,
    integrity: EXPORT_INTEGRITY,
    applicant: facts.applicant,
    status: facts.status,
    matters: facts.matters,
    materialsProvided: facts.materialsProvided,
    events: input.events,
    notices: facts.notices,
    certificates: input.certificates,
    ...(input.files?.length ? { files: input.files } : {}),
    chainHead: { seq: input.head.seq, hash: input.head.hash },
    publicKey: { algorithm: 'Ed25519', pem: input.signingKey.publicKeyPem, keyId: input.signingKey.keyId },
  };
  // Sign exactly what the client will parse: the JSON form (no undefined members, dates as text).
  const document = JSON.parse(JSON.stringify(unsigned)) as Omit<CaseFileExport, 'signature'>;
  return signCaseFile(document, input.signingKey);
}

/** Ed25519 over the JCS of the document without its `signature` (integrity/exportCheck.ts exportSigningInput). */
export function signCaseFile(document: Omit<CaseFileExport, 'signature'>, key: SigningKey): CaseFileExport {
  const value = sign(null, Buffer.from(exportSigningInput(document), 'utf8'), key.privateKey);
  return { ...document, signature: { algorithm: 'Ed25519', keyId: key.keyId, value: value.toString('base64') } };
}
