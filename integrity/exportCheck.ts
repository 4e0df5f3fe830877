/**
 * The case file (卷宗) export: its format, what the centre's signature covers, and the offline check an auditor runs
 * on it (`npm run verify-export -- FILE`). Pure apart from node:crypto (Ed25519 verification, the key fingerprint):
 * no database, no network. The API builds the document (api/caseExport.ts) with the very same signing input.
 *
 * The checker reports the FIRST problem it finds, in this order (the most precise location first; the document
 * signature, which covers everything, including the chain head, last):
 * 1. the document is a case file of a known format version, with every part present;
 * 2. the public key: parses as Ed25519, its fingerprint is the `keyId` the document states, and, when the auditor
 *    gives the centre's published key, it is that key;
 * 3. the hash chain (integrity/hashChain.ts): every hash recomputed, sequence numbers from 1 with no gap, the last hash
 *    equal to the chain head the engine held when the document was made;
 * 4. the fold: folding the events through the case rules gives the applicant, status, matters and materials stated;
 * 5. the notices listed are exactly the `notice_sent` events' data, in order;
 * 6. every certificate matches its `certificate_issued` event, is issued by the lead department of its matter, and
 *    its Ed25519 signature over integrity/certificateSignature.ts's payload holds;
 * 7. every revocation (注销) matches a `certificate_revoked` event and the other way round;
 * 8. the document signature: Ed25519 by the stated key over the RFC 8785 (JCS) encoding of the document without its
 *    `signature` field.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { MatterSnapshot } from '../rules/catalogue.ts';
import { certificatePayload, type SignedCertificateFields } from './certificateSignature.ts';
import { evolve, type Applicant, type CaseEvent, type CaseState, type Notice } from '../rules/caseModel.ts';
import { verifyChain, type ChainHead } from './hashChain.ts';
import { fileProblem, type ExportedFile } from './exportFiles.ts';

export const EXPORT_FORMAT = { name: 'yimen-case-file', version: 1 } as const;

/** What the document says about how to check it (covered by the signature; informative, not relied upon). */
export const EXPORT_INTEGRITY = {
  hashChain:
    'events[n].hash = SHA-256 (hex) over the RFC 8785 (JCS) encoding of { caseNo, seq, type, at, actor, data, prev }, ' +
    'at = ISO-8601 UTC with milliseconds, prev = events[n-1].hash (64 zeros for seq 1); chainHead is the last ' +
    'sequence number and hash as the case workflow (the engine) held them when the document was made. ' +
    '每条事件的哈希覆盖前一条事件的哈希；链头由审批引擎持有，不在数据库中。',
  certificateSignature:
    'certificates[i].signature = Ed25519 (base64) over the JCS of { certificateNo, caseNo, matter, name, holderName, ' +
    'holderIdNumber, issuedOn, issuer: { code, name } } by the key whose SHA-256 SPKI DER fingerprint is keyId. ' +
    '电子证照签名。',
  documentSignature:
    'signature.value = Ed25519 (base64) by publicKey over the RFC 8785 (JCS) encoding of this whole document ' +
    'without its "signature" field. Compare publicKey.keyId with the key the centre publishes at ' +
    'GET /certificates/public-key. 卷宗签名覆盖除 signature 字段外的全部内容；请将公钥指纹与政务服务中心公布的公钥比对。',
} as const;

export interface ExportedEvent {
  seq: number;
  type: string;
  at: string;
  actor: unknown;
  data: unknown;
  prevHash: string | null;
  hash: string | null;
}

export interface ExportedRevocation {
  revokedAt: string;
  revokedBy: string | null;
  reason: string | null;
}

export interface ExportedCertificate extends SignedCertificateFields {
  signature: string | null;
  keyId: string | null;
  revocation: ExportedRevocation | null;
}

export interface ExportSignature {
  algorithm: 'Ed25519';
  keyId: string;
  value: string;
}

export interface CaseFileExport {
  format: { name: string; version: number };
  caseNo: string;
  exportedAt: string;
  integrity: typeof EXPORT_INTEGRITY;
  applicant: Applicant;
  status: string;
  matters: MatterSnapshot[];
  materialsProvided: string[];
  events: ExportedEvent[];
  notices: Notice[];
  certificates: ExportedCertificate[];
  /** The files the events record, with their bytes (absent in exports made before files existed). */
  files?: ExportedFile[];
  chainHead: ChainHead;
  publicKey: { algorithm: 'Ed25519'; pem: string; keyId: string };
  signature: ExportSignature;
}

export type ExportProblemKind =
  | 'not_a_case_file'
  | 'malformed'
  | 'public_key_invalid'
  | 'public_key_id_mismatch'
  | 'public_key_not_centre'
  | 'malformed_event'
  | 'sequence_gap'
  | 'hash_missing'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'head_mismatch'
  | 'tail_missing'
  | 'head_unavailable'
  | 'unconfirmed_events'
  | 'head_signature_invalid'
  | 'fold_failed'
  | 'fold_mismatch'
  | 'notice_mismatch'
  | 'notice_missing'
  | 'notice_unrecorded'
  | 'certificate_missing'
  | 'certificate_mismatch'
  | 'certificate_unrecorded'
  | 'certificate_issuer_mismatch'
  | 'certificate_unsigned'
  | 'certificate_key_unknown'
  | 'certificate_signature_invalid'
  | 'revocation_mismatch'
  | 'revocation_unknown_certificate'
  | 'file_missing'
  | 'file_mismatch'
  | 'file_unrecorded'
  | 'signature_missing'
  | 'signature_key_mismatch'
  | 'signature_invalid';

export interface ExportProblem {
  kind: ExportProblemKind;
  /** Chinese, for the auditor: what is wrong and where. */
  message: string;
  seq?: number;
  certificateNo?: string;
  /** Where in the document, e.g. `notices[1].body`, `certificates[0].holderName`, `signature`. */
  field?: string;
  recorded?: unknown;
  expected?: unknown;
}

export type ExportCheck =
  | {
      intact: true;
      caseNo: string;
      events: number;
      chainHead: ChainHead;
      notices: number;
      certificates: number;
      /** Files checked against the hashes in the chain. */
      files: number;
      /** The fingerprint of the key the document is signed with. */
      keyId: string;
      /** Whether the auditor gave the centre's key and it is this one; otherwise compare keyId by hand. */
      keyConfirmed: boolean;
    }
  | { intact: false; problem: ExportProblem };

/** The bytes the document signature covers: JCS of the document without its `signature` field. */
export function exportSigningInput(document: object): string {
  const rest: Record<string, unknown> = { ...(document as Record<string, unknown>) };
  delete rest.signature;
  const encoded = canonicalize(rest);
  if (encoded === undefined) throw new Error('the case file cannot be encoded');
  return encoded;
}

/** SHA-256 (hex) of an Ed25519 public key's SPKI DER: the `keyId` that names the centre's key. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Parse a PEM (public, or private from which the public half is taken) as an Ed25519 public key. */
export function ed25519PublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`不是 Ed25519 公钥（${key.asymmetricKeyType}）`);
  return key;
}

class Found extends Error {
  constructor(readonly problem: ExportProblem) {
    super(problem.message);
  }
}

function fail(problem: ExportProblem): never {
  throw new Found(problem);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);
const show = (v: unknown) => {
  const text = v === undefined ? '（无）' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The path of the first place where two JSON values differ (`''` for the values themselves), or undefined. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (same(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return path;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (d !== undefined) return d;
    }
    return path;
  }
  return path;
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (Array.isArray(value)) value = value[Number(part)];
    else if (isObject(value)) value = value[part];
    else return undefined;
  }
  return value;
}

function requireParts(doc: Record<string, unknown>): void {
  const parts: Array<[string, (v: unknown) => boolean, string]> = [
    ['caseNo', (v) => typeof v === 'string' && v.length > 0, '办件编号'],
    ['applicant', isObject, '申请人'],
    ['status', (v) => typeof v === 'string', '办件状态'],
    ['matters', Array.isArray, '事项'],
    ['materialsProvided', Array.isArray, '已提交材料'],
    ['events', Array.isArray, '事件'],
    ['notices', Array.isArray, '告知书'],
    ['certificates', Array.isArray, '证照'],
    ['chainHead', (v) => isObject(v) && Number.isInteger(v.seq) && typeof v.hash === 'string', '链头（seq 与 hash）'],
    [
      'publicKey',
      (v) => isObject(v) && typeof v.pem === 'string' && typeof v.keyId === 'string',
      '公钥（pem 与 keyId）',
    ],
  ];
  for (const [field, ok, name] of parts) {
    if (!ok(doc[field]))
      fail({ kind: 'malformed', field, message: `卷宗缺少或损坏了「${name}」部分（字段 ${field}）` });
  }
  (doc.certificates as unknown[]).forEach((c, i) => {
    if (!isObject(c))
      fail({ kind: 'malformed', field: `certificates[${i}]`, message: `证照 certificates[${i}] 不是对象` });
  });
}

function checkPublicKey(doc: CaseFileExport, centreKeyPem: string | undefined): KeyObject {
  let key: KeyObject;
  try {
    key = ed25519PublicKey(doc.publicKey.pem);
  } catch (error) {
    return fail({
      kind: 'public_key_invalid',
      field: 'publicKey.pem',
      message: `卷宗中的公钥无法读取：${(error as Error).message}`,
    });
  }
  const fingerprint = keyFingerprint(key);
  if (fingerprint !== doc.publicKey.keyId) {
    fail({
      kind: 'public_key_id_mismatch',
      field: 'publicKey.keyId',
      message: '卷宗所述公钥指纹 (keyId) 与公钥本身不符',
      recorded: doc.publicKey.keyId,
      expected: fingerprint,
    });
  }
  if (centreKeyPem !== undefined) {
    const centre = keyFingerprint(ed25519PublicKey(centreKeyPem));
    if (centre !== fingerprint) {
      fail({
        kind: 'public_key_not_centre',
        field: 'publicKey',
        message: `卷宗中的公钥不是所给的政务服务中心公钥（卷宗公钥指纹 ${fingerprint}，中心公钥指纹 ${centre}）：卷宗不是中心签发的，或被人用另一把密钥重新签名`,
        recorded: fingerprint,
        expected: centre,
      });
    }
  }
  return key;
}

function checkEventShapes(events: unknown[]): asserts events is ExportedEvent[] {
  events.forEach((e, i) => {
    const where = `events[${i}]`;
    const problem = !isObject(e)
      ? '不是对象'
      : !Number.isInteger(e.seq)
        ? '缺少序号 seq'
        : typeof e.type !== 'string'
          ? '缺少类型 type'
          : typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))
            ? '时间 at 无效'
            : !('data' in e) || !('actor' in e)
              ? '缺少 actor 或 data'
              : undefined;
    if (problem) {
      fail({
        kind: 'malformed_event',
        field: where,
        ...(isObject(e) && Number.isInteger(e.seq) ? { seq: e.seq as number } : {}),
        message: `第 ${i + 1} 个事件（${where}）${problem}`,
      });
    }
  });
}

function checkChain(doc: CaseFileExport): void {
  const [first] = verifyChain(doc.caseNo, doc.events, doc.chainHead);
  if (!first) return;
  const index = first.seq === undefined ? -1 : doc.events.findIndex((e) => e.seq === first.seq);
  fail({
    kind: first.kind,
    message: first.message,
    ...(first.seq !== undefined ? { seq: first.seq } : {}),
    field: first.kind.startsWith('head') || first.kind === 'tail_missing' ? 'chainHead' : `events[${index}]`,
    ...(first.recorded !== undefined ? { recorded: first.recorded } : {}),
    ...(first.expected !== undefined ? { expected: first.expected } : {}),
  });
}

function fold(doc: CaseFileExport): CaseState {
  let state: CaseState | undefined;
  for (const e of doc.events) {
    try {
      state = evolve(state, e as unknown as CaseEvent);
    } catch (error) {
      fail({
        kind: 'fold_failed',
        seq: e.seq,
        field: `events[${doc.events.indexOf(e)}]`,
        message: `事件 ${e.seq}（${e.type}）无法按办件规则回放：${(error as Error).message}`,
      });
    }
  }
  if (!state) return fail({ kind: 'fold_failed', field: 'events', message: '卷宗没有任何事件，无法回放办件' });
  if (state.caseNo !== doc.caseNo) {
    fail({
      kind: 'fold_mismatch',
      seq: 1,
      field: 'caseNo',
      message: `卷宗的办件编号 ${doc.caseNo} 与受理事件中的 ${state.caseNo} 不符`,
      recorded: doc.caseNo,
      expected: state.caseNo,
    });
  }
  const derived = {
    applicant: state.applicant,
    status: state.status,
    matters: state.matters,
    materialsProvided: state.materialsProvided,
  };
  const names = { applicant: '申请人', status: '办件状态', matters: '事项', materialsProvided: '已提交材料' };
  for (const key of Object.keys(derived) as Array<keyof typeof derived>) {
    const d = firstDifference(doc[key], derived[key], key);
    if (d !== undefined) {
      fail({
        kind: 'fold_mismatch',
        field: d,
        message: `卷宗所列${names[key]}与回放事件所得不符（字段 ${d}：卷宗为 ${show(valueAt(doc, d))}，事件回放为 ${show(valueAt(derived, d))}）`,
        recorded: valueAt(doc, d),
        expected: valueAt(derived, d),
      });
    }
  }
  return state;
}

function checkNotices(doc: CaseFileExport): void {
  const sent = doc.events.filter((e) => e.type === 'notice_sent');
  sent.forEach((event, i) => {
    const listed = doc.notices[i];
    if (listed === undefined) {
      fail({
        kind: 'notice_missing',
        seq: event.seq,
        field: `notices[${i}]`,
        message: `事件 ${event.seq} 发出的告知书未列入卷宗的告知书清单`,
      });
    }
    const d = firstDifference(listed, event.data, `notices[${i}]`);
    if (d !== undefined) {
      fail({
        kind: 'notice_mismatch',
        seq: event.seq,
        field: d,
        message: `告知书 ${d} 与事件 ${event.seq} 所记载的发出内容不符（卷宗为 ${show(valueAt(doc, d))}，事件为 ${show(valueAt({ notices: { [i]: event.data } }, d))}）`,
        recorded: valueAt(doc, d),
      });
    }
  });
  if (doc.notices.length > sent.length) {
    fail({
      kind: 'notice_unrecorded',
      field: `notices[${sent.length}]`,
      message: `卷宗列出的告知书 notices[${sent.length}] 没有对应的发出事件（notice_sent）`,
    });
  }
}

const issuedFields = ['certificateNo', 'matter', 'name', 'holderName', 'holderIdNumber', 'issuedOn'] as const;

function checkCertificates(doc: CaseFileExport, key: KeyObject): void {
  const issued = doc.events.filter((e) => e.type === 'certificate_issued');
  const seen = new Set<string>();
  for (const event of issued) {
    const data = (isObject(event.data) ? event.data : {}) as Record<string, unknown>;
    const certificateNo = String(data.certificateNo);
    const index = doc.certificates.findIndex((c) => isObject(c) && c.certificateNo === certificateNo);
    const c = doc.certificates[index];
    if (!c) {
      fail({
        kind: 'certificate_missing',
        seq: event.seq,
        certificateNo,
        field: 'certificates',
        message: `事件 ${event.seq} 颁发的证照 ${certificateNo} 不在卷宗的证照清单中`,
      });
    }
    seen.add(certificateNo);
    const at = `certificates[${index}]`;
    for (const field of issuedFields) {
      if (c[field] !== data[field]) {
        fail({
          kind: 'certificate_mismatch',
          seq: event.seq,
          certificateNo,
          field: `${at}.${field}`,
          message: `证照 ${certificateNo} 的 ${field} 与颁发事件 ${event.seq} 不符（卷宗为 ${show(c[field])}，事件为 ${show(data[field])}）`,
          recorded: c[field],
          expected: data[field],
        });
      }
    }
    if (c.caseNo !== doc.caseNo) {
      fail({
        kind: 'certificate_mismatch',
        seq: event.seq,
        certificateNo,
        field: `${at}.caseNo`,
        message: `证照 ${certificateNo} 的办件编号 ${show(c.caseNo)} 不是本办件 ${doc.caseNo}`,
        recorded: c.caseNo,
        expected: doc.caseNo,
      });
    }
    // The issuer is the lead department of the certificate's matter, as the case received it.
    const lead = doc.matters.find((m) => m.code === c.matter)?.departments.find((d) => d.lead);
    if (c.issuerCode !== (lead?.code ?? '') || c.issuerName !== (lead?.name ?? '')) {
      fail({
        kind: 'certificate_issuer_mismatch',
        certificateNo,
        field: `${at}.issuerCode`,
        message: `证照 ${certificateNo} 的发证部门 ${show(c.issuerName)} 不是事项 ${c.matter} 的牵头部门 ${show(lead?.name)}`,
        recorded: { code: c.issuerCode, name: c.issuerName },
        expected: lead ? { code: lead.code, name: lead.name } : null,
      });
    }
    if (typeof c.signature !== 'string' || c.signature.length === 0) {
      fail({
        kind: 'certificate_unsigned',
        certificateNo,
        field: `${at}.signature`,
        message: `证照 ${certificateNo} 没有签名`,
      });
    }
    if (c.keyId !== doc.publicKey.keyId) {
      fail({
        kind: 'certificate_key_unknown',
        certificateNo,
        field: `${at}.keyId`,
        message: `证照 ${certificateNo} 由另一把密钥（${show(c.keyId)}）签名，不是卷宗所附公钥`,
        recorded: c.keyId,
        expected: doc.publicKey.keyId,
      });
    }
    if (!verifySignature(certificatePayload(c), c.signature, key)) {
      fail({
        kind: 'certificate_signature_invalid',
        certificateNo,
        field: `${at}.signature`,
        message: `证照 ${certificateNo} 的签名与其内容不符（证照内容被改动或签名被替换）`,
      });
    }
  }
  doc.certificates.forEach((c, i) => {
    const certificateNo = isObject(c) ? String(c.certificateNo) : '';
    if (!seen.has(certificateNo)) {
      fail({
        kind: 'certificate_unrecorded',
        certificateNo,
        field: `certificates[${i}]`,
        message: `卷宗列出的证照 ${certificateNo} 没有对应的颁发事件（certificate_issued）`,
      });
    }
  });
}

/** 注销: a revocation shown on a certificate ⇔ a `certificate_revoked` event for it (none in older records). */
function checkRevocations(doc: CaseFileExport): void {
  const revoked = new Map<string, ExportedEvent>();
  for (const e of doc.events) {
    if (e.type !== 'certificate_revoked' || !isObject(e.data)) continue;
    const certificateNo = String(e.data.certificateNo);
    if (!revoked.has(certificateNo)) revoked.set(certificateNo, e);
    if (!doc.certificates.some((c) => c.certificateNo === certificateNo)) {
      fail({
        kind: 'revocation_unknown_certificate',
        seq: e.seq,
        certificateNo,
        field: 'certificates',
        message: `事件 ${e.seq} 注销的证照 ${certificateNo} 不在卷宗的证照清单中`,
      });
    }
  }
  doc.certificates.forEach((c, i) => {
    const event = revoked.get(c.certificateNo);
    const field = `certificates[${i}].revocation`;
    const r = c.revocation ?? null;
    if (!event) {
      if (r !== null) {
        fail({
          kind: 'revocation_mismatch',
          certificateNo: c.certificateNo,
          field,
          message: `证照 ${c.certificateNo} 显示已注销，但办件记录中没有注销事件`,
        });
      }
      return;
    }
    const data = event.data as Record<string, unknown>;
    const base = { kind: 'revocation_mismatch' as const, seq: event.seq, certificateNo: c.certificateNo };
    if (r === null || !isObject(r)) {
      fail({ ...base, field, message: `证照 ${c.certificateNo} 已由事件 ${event.seq} 注销，卷宗却显示为有效` });
    }
    if (typeof r.revokedAt !== 'string' || Date.parse(r.revokedAt) !== Date.parse(event.at)) {
      fail({
        ...base,
        field: `${field}.revokedAt`,
        message: `证照 ${c.certificateNo} 的注销时间 ${show(r.revokedAt)} 与注销事件 ${event.seq} 的时间 ${event.at} 不符`,
      });
    }
    if (typeof data.reason === 'string' && r.reason !== data.reason) {
      fail({
        ...base,
        field: `${field}.reason`,
        message: `证照 ${c.certificateNo} 的注销原因 ${show(r.reason)} 与注销事件 ${event.seq} 不符（${show(data.reason)}）`,
      });
    }
    // The library names the revoking department; a revocation event without one names the person.
    const actor = isObject(event.actor) ? event.actor.id : undefined;
    const by = (typeof data.department === 'string' ? [data.department] : [data.by, actor]).filter(
      (v) => typeof v === 'string',
    );
    if (by.length > 0 && !by.some((v) => v === r.revokedBy)) {
      fail({
        ...base,
        field: `${field}.revokedBy`,
        message: `证照 ${c.certificateNo} 的注销人 ${show(r.revokedBy)} 与注销事件 ${event.seq} 不符（${show(by.join(' / '))}）`,
      });
    }
  });
}

function verifySignature(payload: string, signature: string, key: KeyObject): boolean {
  // Only the canonical base64 of 64 bytes: Node's decoder would skip stray characters, so a signature with junk
  // appended would still verify.
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
  try {
    return verify(null, Buffer.from(payload, 'utf8'), key, bytes);
  } catch {
    return false;
  }
}

function checkDocumentSignature(doc: CaseFileExport, key: KeyObject): void {
  const s = (doc as unknown as Record<string, unknown>).signature;
  if (!isObject(s) || typeof s.value !== 'string' || s.value.length === 0) {
    fail({ kind: 'signature_missing', field: 'signature', message: '卷宗没有中心签名（signature 字段缺失或为空）' });
  }
  if (s.algorithm !== 'Ed25519' || s.keyId !== doc.publicKey.keyId) {
    fail({
      kind: 'signature_key_mismatch',
      field: 'signature.keyId',
      message: `卷宗签名声明的算法或密钥（${show(s.algorithm)} / ${show(s.keyId)}）不是所附的 Ed25519 公钥`,
      recorded: s.keyId,
      expected: doc.publicKey.keyId,
    });
  }
  if (!verifySignature(exportSigningInput(doc), s.value, key)) {
    fail({
      kind: 'signature_invalid',
      field: 'signature',
      message:
        '卷宗签名与内容不符：文件在中心签发后被改动（例如整条事件链连同链头被重新计算），或签名被替换；内容中的哪一处被改动无法离线确定',
    });
  }
}

/**
 * Check an exported case file offline. `centreKeyPem`: the centre's published public key, when the auditor has it;
 * without it the result says which key signed the document, to be compared by hand.
 */
export function checkExport(input: unknown, options: { centreKeyPem?: string } = {}): ExportCheck {
  try {
    if (!isObject(input) || !isObject(input.format) || input.format.name !== EXPORT_FORMAT.name) {
      fail({
        kind: 'not_a_case_file',
        field: 'format',
        message: `不是卷宗导出文件（format.name 应为 ${EXPORT_FORMAT.name}）`,
      });
    }
    if (input.format.version !== EXPORT_FORMAT.version) {
      fail({
        kind: 'not_a_case_file',
        field: 'format.version',
        message: `不支持的卷宗格式版本 ${show(input.format.version)}（本校验程序支持 ${EXPORT_FORMAT.version}）`,
      });
    }
    requireParts(input);
    const doc = input as unknown as CaseFileExport;
    const key = checkPublicKey(doc, options.centreKeyPem);
    checkEventShapes(doc.events);
    checkChain(doc);
    fold(doc);
    checkNotices(doc);
    checkCertificates(doc, key);
    checkRevocations(doc);
    const files = fileProblem(doc.events, doc.files);
    if (files) fail(files);
    checkDocumentSignature(doc, key);
    return {
      intact: true,
      caseNo: doc.caseNo,
      events: doc.events.length,
      chainHead: { seq: doc.chainHead.seq, hash: doc.chainHead.hash },
      notices: doc.notices.length,
      certificates: doc.certificates.length,
      files: doc.files?.length ?? 0,
      keyId: doc.publicKey.keyId,
      keyConfirmed: options.centreKeyPem !== undefined,
    };
  } catch (error) {
    if (error instanceof Found) return { intact: false, problem: error.problem };
    // A part of an unexpected shape (e.g. a matter without departments): the file is not what was exported.
    return {
      intact: false,
      problem: { kind: 'malformed', message: `卷宗结构有误，无法校验：${(error as Error).message}` },
    };
  }
}
