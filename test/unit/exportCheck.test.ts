/**
 * The offline check of an exported case file (integrity/exportCheck.ts), on a document assembled the way the API
 * assembles it (api/caseExport.ts assembleCaseFile) from a case driven through the real rules: an outdoor
 * advertising permit with a one-time supplement notice, two departmental approvals and a signed certificate.
 * Each kind of edit is reported as the first problem, with where it is.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assembleCaseFile, signCaseFile } from '../../api/caseExport.ts';
import { signingKeyFromPem, type SigningKey } from '../../infra/signingKey.ts';
import type { CaseEvent } from '../../rules/caseModel.ts';
import { certificatePayload } from '../../integrity/certificateSignature.ts';
import { eventHash, extendChain } from '../../integrity/hashChain.ts';
import {
  checkExport,
  firstDifference,
  type CaseFileExport,
  type ExportedCertificate,
  type ExportedEvent,
  type ExportProblem,
} from '../../integrity/exportCheck.ts';
import { Driver, cst, snapshot, submitCommand } from './fixtures.ts';
import { applicantActor, clerk, command, reviewer } from '../support/commands.ts';

const newKey = (): SigningKey =>
  signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const CENTRE = newKey();
const AD = snapshot('OUTDOOR_AD_PERMIT');

/** A case's record as the workflow writes it: events with their chain, certificates signed by the worker. */
function recordedCase(extra: CaseEvent[] = []) {
  const d = new Driver();
  d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'AD_DESIGN_DRAWING']), cst('2026-07-06 09:00'));
  d.run(command('decide_acceptance', { decision: 'supplement' }, clerk('clerk-01')), cst('2026-07-06 09:10'));
  d.run(
    command('supply_materials', { materials: ['BUSINESS_LICENCE', 'OWNER_CONSENT'] }, applicantActor),
    cst('2026-07-07 10:00'),
  );
  d.run(command('decide_acceptance', { decision: 'accept' }, clerk('clerk-01')), cst('2026-07-07 10:05'));
  const decided = cst('2026-07-08 15:00');
  for (const task of d.current.tasks) {
    d.run(
      command('give_opinion', { taskId: task.id, decision: 'approve' }, reviewer(`${task.department}-r1`)),
      decided,
    );
  }
  for (const e of extra) d.record(e);
  const caseNo = d.current.caseNo;
  const { chained, head } = extendChain(caseNo, undefined, 1, d.log);
  const events: ExportedEvent[] = chained.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  }));
  const certificates: ExportedCertificate[] = d.current.certificates.map((c) => {
    const lead = AD.departments.find((x) => x.lead);
    const fields = {
      certificateNo: c.certificateNo,
      caseNo,
      matter: c.matter,
      name: c.name,
      holderName: c.holderName,
      holderIdNumber: c.holderIdNumber,
      issuedOn: c.issuedOn,
      issuerCode: lead?.code ?? '',
      issuerName: lead?.name ?? '',
    };
    const signature = sign(null, Buffer.from(certificatePayload(fields)), CENTRE.privateKey).toString('base64');
    return {
      ...fields,
      signature,
      keyId: CENTRE.keyId,
      revocation: c.revoked
        ? { revokedAt: c.revoked.at, revokedBy: c.revoked.department, reason: c.revoked.reason }
        : null,
    };
  });
  return { caseNo, events, certificates, head };
}

function exported(extra: CaseEvent[] = []): CaseFileExport {
  const r = recordedCase(extra);
  return assembleCaseFile({ ...r, exportedAt: '2026-07-09T02:00:00.000Z', signingKey: CENTRE });
}

/** The document as a file: what the auditor edits. */
const copy = (doc: CaseFileExport): CaseFileExport => JSON.parse(JSON.stringify(doc));

function problemOf(doc: unknown, options: { centreKeyPem?: string } = {}): ExportProblem {
  const result = checkExport(doc, options);
  if (result.intact) throw new Error('expected a problem, the file checked intact');
  return result.problem;
}

/** Rewrite the chain from the first event on (what a forger with the hash function but not the key can do). */
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

const withoutSignature = (doc: CaseFileExport) => {
  const rest: Partial<CaseFileExport> = { ...doc };
  delete rest.signature;
  return rest as Omit<CaseFileExport, 'signature'>;
};

describe('an untouched export', () => {
  const doc = exported();

  it('carries the matters, materials, events with hashes, notices, signed certificates, key, head and signature', () => {
    expect(doc.format).toEqual({ name: 'yimen-case-file', version: 1 });
    expect(doc.matters.map((m) => m.code)).toEqual(['OUTDOOR_AD_PERMIT']);
    expect([...doc.materialsProvided].sort()).toEqual(
      ['AD_DESIGN_DRAWING', 'BUSINESS_LICENCE', 'OUTDOOR_AD_APPLICATION', 'OWNER_CONSENT'].sort(),
    );
    expect(doc.events.map((e) => e.seq)).toEqual(doc.events.map((_, i) => i + 1));
    expect(doc.notices.map((n) => n.kind)).toEqual(['supplement', 'accepted', 'approved']);
    expect(doc.certificates).toHaveLength(1);
    expect(doc.certificates[0]).toMatchObject({ issuerCode: 'CITY_MANAGEMENT', keyId: CENTRE.keyId, revocation: null });
    expect(doc.chainHead).toEqual({ seq: doc.events.length, hash: doc.events.at(-1)?.hash });
    expect(doc.publicKey).toEqual({ algorithm: 'Ed25519', pem: CENTRE.publicKeyPem, keyId: CENTRE.keyId });
    expect(doc.signature.keyId).toBe(CENTRE.keyId);
    expect(doc.integrity.documentSignature).toContain('without its "signature" field');
  });

  it('checks intact, as a parsed file; the key is confirmed only when the centre key is given', () => {
    expect(checkExport(copy(doc))).toMatchObject({ intact: true, keyId: CENTRE.keyId, keyConfirmed: false });
    expect(checkExport(copy(doc), { centreKeyPem: CENTRE.publicKeyPem })).toMatchObject({
      intact: true,
      keyConfirmed: true,
      events: doc.events.length,
      notices: 3,
      certificates: 1,
    });
  });

  it('does not depend on the order of keys in the file (the signature covers the canonical form)', () => {
    const shuffled = Object.fromEntries(Object.entries(copy(doc)).reverse());
    expect(checkExport(shuffled)).toMatchObject({ intact: true });
  });
});

describe('each kind of edit is the first problem reported, with where it is', () => {
  const doc = exported();
  const seqOf = (type: string, nth = 0) => doc.events.filter((e) => e.type === type)[nth]?.seq as number;

  it('a changed event payload: the hash of that event', () => {
    const edited = copy(doc);
    const seq = seqOf('opinion_given');
    (edited.events[seq - 1]?.data as { reviewerId: string }).reviewerId = 'someone-else';
    expect(problemOf(edited)).toMatchObject({ kind: 'hash_mismatch', seq, field: `events[${seq - 1}]` });
  });

  it('a changed event time, actor or type: the hash of that event', () => {
    for (const edit of [
      (e: ExportedEvent) => (e.at = '2026-07-06T01:00:00.001Z'),
      (e: ExportedEvent) => (e.actor = { kind: 'clerk', id: 'clerk-99' }),
      (e: ExportedEvent) => (e.type = 'accepted'),
    ]) {
      const edited = copy(doc);
      edit(edited.events[1] as ExportedEvent);
      expect(problemOf(edited)).toMatchObject({ kind: 'hash_mismatch', seq: 2 });
    }
  });

  it('a deleted event: the gap in the sequence', () => {
    const edited = copy(doc);
    edited.events.splice(4, 1);
    expect(problemOf(edited)).toMatchObject({ kind: 'sequence_gap', seq: 6, expected: 5 });
  });

  it('a deleted last event: the chain head', () => {
    const edited = copy(doc);
    edited.events.pop();
    expect(problemOf(edited)).toMatchObject({ kind: 'tail_missing', seq: doc.chainHead.seq, field: 'chainHead' });
  });

  it('swapped events: the sequence', () => {
    const edited = copy(doc);
    const [a, b] = [edited.events[6] as ExportedEvent, edited.events[7] as ExportedEvent];
    edited.events[6] = b;
    edited.events[7] = a;
    expect(problemOf(edited)).toMatchObject({ kind: 'sequence_gap', seq: 8, expected: 7 });
  });

  it('swapped events renumbered: the chain link', () => {
    const edited = copy(doc);
    const [a, b] = [edited.events[6] as ExportedEvent, edited.events[7] as ExportedEvent];
    edited.events[6] = { ...b, seq: 7 };
    edited.events[7] = { ...a, seq: 8 };
    expect(problemOf(edited).seq).toBe(7);
  });

  it('a recomputed chain: the head the engine held', () => {
    const edited = copy(doc);
    (edited.events[0]?.data as { form: Record<string, unknown> }).form.signText = '李记餐馆';
    expect(problemOf(rechain(edited))).toMatchObject({ kind: 'head_mismatch', field: 'chainHead' });
  });

  it('a recomputed chain with a changed head: the document signature', () => {
    const edited = rechain(copy(doc));
    (edited.events[0]?.data as { form: Record<string, unknown> }).form.signText = '李记餐馆';
    rechain(edited);
    edited.chainHead = { seq: edited.events.length, hash: edited.events.at(-1)?.hash as string };
    expect(problemOf(edited)).toMatchObject({ kind: 'signature_invalid', field: 'signature' });
  });

  it('a changed notice text: the notice and the event it was sent in', () => {
    const edited = copy(doc);
    (edited.notices[0] as { body: string }).body += '（另需提交房产证）';
    expect(problemOf(edited)).toMatchObject({
      kind: 'notice_mismatch',
      seq: seqOf('notice_sent'),
      field: 'notices[0].body',
    });
  });

  it('a dropped or invented notice', () => {
    const dropped = copy(doc);
    dropped.notices.splice(1, 1);
    expect(problemOf(dropped)).toMatchObject({ kind: 'notice_mismatch', seq: seqOf('notice_sent', 1) });
    const truncated = copy(doc);
    truncated.notices.pop();
    expect(problemOf(truncated)).toMatchObject({ kind: 'notice_missing', seq: seqOf('notice_sent', 2) });
    const invented = copy(doc);
    invented.notices.push({ ...(invented.notices[0] as CaseFileExport['notices'][0]), id: 'N-x' });
    expect(problemOf(invented)).toMatchObject({ kind: 'notice_unrecorded', field: 'notices[3]' });
  });

  it('changed matters, materials, applicant or status: what folding the events gives', () => {
    const matters = copy(doc);
    (matters.matters[0] as { statutoryLimitDays: number }).statutoryLimitDays = 60;
    expect(problemOf(matters)).toMatchObject({ kind: 'fold_mismatch', field: 'matters[0].statutoryLimitDays' });
    const materials = copy(doc);
    materials.materialsProvided.push('FIRE_ACCEPTANCE_DOCS');
    expect(problemOf(materials)).toMatchObject({ kind: 'fold_mismatch', field: 'materialsProvided[4]' });
    const applicant = copy(doc);
    applicant.applicant.name = '冒名公司';
    expect(problemOf(applicant)).toMatchObject({ kind: 'fold_mismatch', field: 'applicant.name' });
    const status = copy(doc);
    status.status = 'refused';
    expect(problemOf(status)).toMatchObject({ kind: 'fold_mismatch', field: 'status' });
  });

  it('a changed certificate holder: the certificate number and field', () => {
    const edited = copy(doc);
    const certificate = edited.certificates[0] as ExportedCertificate;
    certificate.holderName = '冒名公司';
    expect(problemOf(edited)).toMatchObject({
      kind: 'certificate_mismatch',
      certificateNo: certificate.certificateNo,
      seq: seqOf('certificate_issued'),
      field: 'certificates[0].holderName',
    });
  });

  it('a certificate re-signed by another key, a forged signature, a changed issuer, a removed certificate', () => {
    const other = newKey();
    const resigned = copy(doc);
    const c = resigned.certificates[0] as ExportedCertificate;
    c.signature = sign(null, Buffer.from(certificatePayload(c)), other.privateKey).toString('base64');
    expect(problemOf(resigned)).toMatchObject({
      kind: 'certificate_signature_invalid',
      certificateNo: c.certificateNo,
      field: 'certificates[0].signature',
    });
    const claimed = copy(resigned);
    (claimed.certificates[0] as ExportedCertificate).keyId = other.keyId;
    expect(problemOf(claimed)).toMatchObject({ kind: 'certificate_key_unknown', field: 'certificates[0].keyId' });
    const issuer = copy(doc);
    (issuer.certificates[0] as ExportedCertificate).issuerName = '某某局';
    expect(problemOf(issuer)).toMatchObject({ kind: 'certificate_issuer_mismatch', certificateNo: c.certificateNo });
    const removed = copy(doc);
    removed.certificates = [];
    expect(problemOf(removed)).toMatchObject({ kind: 'certificate_missing', certificateNo: c.certificateNo });
    const unsigned = copy(doc);
    (unsigned.certificates[0] as ExportedCertificate).signature = null;
    expect(problemOf(unsigned)).toMatchObject({ kind: 'certificate_unsigned' });
  });

  it('a changed or removed document signature', () => {
    const changed = copy(doc);
    const bytes = Buffer.from(changed.signature.value, 'base64');
    bytes[0] = (bytes[0] as number) ^ 1;
    changed.signature.value = bytes.toString('base64');
    expect(problemOf(changed)).toMatchObject({ kind: 'signature_invalid', field: 'signature' });
    const removed = copy(doc) as Partial<CaseFileExport>;
    delete removed.signature;
    expect(problemOf(removed)).toMatchObject({ kind: 'signature_missing', field: 'signature' });
    const exportedAt = copy(doc);
    exportedAt.exportedAt = '2026-07-10T02:00:00.000Z';
    expect(problemOf(exportedAt)).toMatchObject({ kind: 'signature_invalid' });
  });

  it('a replaced public key: self-consistent alone, refused against the centre key', () => {
    const forger = newKey();
    const edited = copy(doc);
    for (const c of edited.certificates) {
      c.signature = sign(null, Buffer.from(certificatePayload(c)), forger.privateKey).toString('base64');
      c.keyId = forger.keyId;
    }
    edited.publicKey = { algorithm: 'Ed25519', pem: forger.publicKeyPem, keyId: forger.keyId };
    edited.keys = [{ keyId: forger.keyId, publicKeyPem: forger.publicKeyPem, validFrom: null, validUntil: null }];
    const forged = signCaseFile(withoutSignature(edited), forger);
    // Alone, the file only proves it is self-consistent: the fingerprint must be compared by hand.
    expect(checkExport(copy(forged))).toMatchObject({ intact: true, keyId: forger.keyId, keyConfirmed: false });
    expect(problemOf(copy(forged), { centreKeyPem: CENTRE.publicKeyPem })).toMatchObject({
      kind: 'public_key_not_centre',
      field: 'publicKey',
      recorded: forger.keyId,
      expected: CENTRE.keyId,
    });
    const mislabelled = copy(doc);
    mislabelled.publicKey.pem = forger.publicKeyPem;
    expect(problemOf(mislabelled)).toMatchObject({ kind: 'public_key_id_mismatch', field: 'publicKey.keyId' });
  });

  it('a file that is not a case file, or misses a part', () => {
    expect(problemOf({ hello: 1 })).toMatchObject({ kind: 'not_a_case_file' });
    expect(problemOf([])).toMatchObject({ kind: 'not_a_case_file' });
    const version = copy(doc);
    version.format.version = 2;
    expect(problemOf(version)).toMatchObject({ kind: 'not_a_case_file', field: 'format.version' });
    const noEvents = copy(doc) as Partial<CaseFileExport>;
    delete noEvents.events;
    expect(problemOf(noEvents)).toMatchObject({ kind: 'malformed', field: 'events' });
    const badEvent = copy(doc);
    (badEvent.events[2] as { at: string }).at = 'yesterday';
    expect(problemOf(badEvent)).toMatchObject({ kind: 'malformed_event', seq: 3, field: 'events[2]' });
  });
});

describe('every edit anywhere', () => {
  const doc = exported();
  /** Every leaf of the document with its path. */
  function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
    if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
    return [path];
  }
  function edit(root: unknown, path: Array<string | number>, change: (v: unknown) => unknown | typeof REMOVE) {
    const parent = path.slice(0, -1).reduce<any>((v, k) => v[k], root);
    const key = path.at(-1) as string | number;
    const next = change(parent[key]);
    if (next === REMOVE) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else parent[key] = next;
  }
  const REMOVE = Symbol('remove');
  const changed = (v: unknown) =>
    typeof v === 'string'
      ? `${v}x`
      : typeof v === 'number'
        ? v + 1
        : typeof v === 'boolean'
          ? !v
          : v === null
            ? 'x'
            : v;

  it('changing any single value, or removing it, is never intact and never throws', () => {
    const paths = leaves(doc);
    expect(paths.length).toBeGreaterThan(300);
    for (const path of paths) {
      for (const change of [changed, () => REMOVE]) {
        const edited = copy(doc);
        edit(edited, path, change);
        const result = checkExport(edited, { centreKeyPem: CENTRE.publicKeyPem });
        expect(result.intact, `${path.join('.')} ${change === changed ? 'changed' : 'removed'}`).toBe(false);
      }
    }
  });
});

describe('revocations (注销)', () => {
  const revocation = (certificateNo: string): CaseEvent => ({
    type: 'certificate_revoked',
    at: '2026-07-20T02:00:00.000Z',
    actor: { kind: 'reviewer', id: 'cm-head' },
    data: { certificateNo, department: 'CITY_MANAGEMENT', reason: '广告牌已拆除', by: 'cm-head' },
  });
  const certificateNo = exported().certificates[0]?.certificateNo as string;

  it('a revoked certificate with its revocation event checks intact', () => {
    const doc = exported([revocation(certificateNo)]);
    expect(doc.certificates[0]?.revocation).toEqual({
      revokedAt: '2026-07-20T02:00:00.000Z',
      revokedBy: 'CITY_MANAGEMENT',
      reason: '广告牌已拆除',
    });
    expect(checkExport(copy(doc))).toMatchObject({ intact: true });
  });

  it('a hidden revocation, an invented one, or a changed reason is reported', () => {
    const doc = exported([revocation(certificateNo)]);
    const hidden = copy(doc);
    (hidden.certificates[0] as ExportedCertificate).revocation = null;
    expect(problemOf(hidden)).toMatchObject({
      kind: 'revocation_mismatch',
      certificateNo,
      field: 'certificates[0].revocation',
    });
    const reason = copy(doc);
    ((reason.certificates[0] as ExportedCertificate).revocation as { reason: string }).reason = '其他';
    expect(problemOf(reason)).toMatchObject({
      kind: 'revocation_mismatch',
      field: 'certificates[0].revocation.reason',
    });
    const by = copy(doc);
    ((by.certificates[0] as ExportedCertificate).revocation as { revokedBy: string }).revokedBy = 'TRAFFIC_POLICE';
    expect(problemOf(by)).toMatchObject({ field: 'certificates[0].revocation.revokedBy' });
    const when = copy(doc);
    ((when.certificates[0] as ExportedCertificate).revocation as { revokedAt: string }).revokedAt =
      '2026-07-21T02:00:00.000Z';
    expect(problemOf(when)).toMatchObject({ field: 'certificates[0].revocation.revokedAt' });
    // A revocation event for a certificate not in the file (chain and head forged to let it through so far).
    const unknown = copy(doc);
    (unknown.events.at(-1)?.data as { certificateNo: string }).certificateNo = 'ZZ0-99';
    rechain(unknown);
    unknown.chainHead = { seq: unknown.events.length, hash: unknown.events.at(-1)?.hash as string };
    expect(problemOf(unknown)).toMatchObject({ kind: 'revocation_unknown_certificate', certificateNo: 'ZZ0-99' });
    const invented = copy(exported());
    (invented.certificates[0] as ExportedCertificate).revocation = {
      revokedAt: '2026-07-20T02:00:00.000Z',
      revokedBy: 'x',
      reason: 'y',
    };
    expect(problemOf(invented)).toMatchObject({ kind: 'revocation_mismatch', certificateNo });
  });
});

describe('firstDifference', () => {
  it('names the first differing path', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe('a[1].b');
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeUndefined();
    expect(firstDifference([1], [1, 2], 'x')).toBe('x[1]');
  });
});
