/**
 * The pure parts of lasting trust: the key set (which key, valid when), the checkpoint Merkle tree and its proofs,
 * the record against a checkpoint, and the rules of revocation before delivery and the holder's notice.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decide } from '../../rules/caseDecisions.ts';
import { replay, type CaseEvent } from '../../rules/caseModel.ts';
import {
  checkAgainstCheckpoint,
  inclusionProof,
  leafHash,
  merkleRoot,
  proofHolds,
  type CheckpointLeaf,
} from '../../integrity/checkpoint.ts';
import {
  keyFingerprint,
  keyFor,
  ROTATION_GRACE_MS,
  verifyWithKeySet,
  type PublishedKey,
} from '../../integrity/keySet.ts';
import { clerk, command, head } from '../support/commands.ts';
import { ruleStatus } from '../../api/ruleStatus.ts';
import { cst, types, violationOf } from './fixtures.ts';
import { approvedWithCertificate } from './lifecycleFixtures.ts';

function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    keyId: keyFingerprint(publicKey),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('the key set', () => {
  const [k0, k1, k2] = [newKey(), newKey(), newKey()];
  const T1 = '2026-03-01T00:00:00.000Z';
  const T2 = '2026-09-01T00:00:00.000Z';
  const keys: PublishedKey[] = [
    { keyId: k0.keyId, publicKeyPem: k0.pem, validFrom: null, validUntil: T1 },
    { keyId: k1.keyId, publicKeyPem: k1.pem, validFrom: T1, validUntil: T2 },
    { keyId: k2.keyId, publicKeyPem: k2.pem, validFrom: T2, validUntil: null },
  ];
  const payload = 'payload';
  const by = (k: typeof k0) => sign(null, Buffer.from(payload), k.privateKey).toString('base64');

  it('accepts each generation within its period and names the key', () => {
    expect(verifyWithKeySet(keys, payload, by(k0), k0.keyId, '2020-01-01T00:00:00Z')).toEqual({
      valid: true,
      keyId: k0.keyId,
    });
    expect(verifyWithKeySet(keys, payload, by(k1), k1.keyId, '2026-05-01T00:00:00Z')).toEqual({
      valid: true,
      keyId: k1.keyId,
    });
    expect(verifyWithKeySet(keys, payload, by(k2), k2.keyId, '2030-01-01T00:00:00Z')).toEqual({
      valid: true,
      keyId: k2.keyId,
    });
  });

  it('a signature without a key id is the original key’s', () => {
    expect(verifyWithKeySet(keys, payload, by(k0), null, '2025-01-01T00:00:00Z')).toEqual({
      valid: true,
      keyId: k0.keyId,
    });
    expect(verifyWithKeySet(keys, payload, by(k1), null, '2026-05-01T00:00:00Z')).toMatchObject({
      valid: false,
      problem: 'key_not_valid_then',
    });
  });

  it('a signature dated outside its key’s period fails, with a grace at each end', () => {
    const after = Date.parse(T1) + ROTATION_GRACE_MS + 1;
    expect(verifyWithKeySet(keys, payload, by(k0), k0.keyId, after)).toMatchObject({
      valid: false,
      problem: 'key_not_valid_then',
    });
    expect(verifyWithKeySet(keys, payload, by(k0), k0.keyId, Date.parse(T1) + ROTATION_GRACE_MS)).toMatchObject({
      valid: true,
    });
    const before = Date.parse(T2) - ROTATION_GRACE_MS - 1;
    expect(verifyWithKeySet(keys, payload, by(k2), k2.keyId, before)).toMatchObject({
      valid: false,
      problem: 'key_not_valid_then',
    });
  });

  it('an unknown key, another key’s signature, junk appended: refused', () => {
    const stranger = newKey();
    expect(keyFor(keys, stranger.keyId, T1)).toEqual({ problem: 'key_unknown' });
    expect(verifyWithKeySet(keys, payload, by(k1), k2.keyId, '2030-01-01T00:00:00Z')).toMatchObject({
      valid: false,
      problem: 'signature_invalid',
    });
    expect(verifyWithKeySet(keys, payload, `${by(k2)}AAAA`, k2.keyId, '2030-01-01T00:00:00Z').valid).toBe(false);
  });
});

describe('checkpoints', () => {
  const leaves: CheckpointLeaf[] = Array.from({ length: 7 }, (_, i) => ({
    caseNo: `SQ2026000000${10 - i}`,
    seq: i + 1,
    hash: String(i).repeat(64).slice(0, 64),
  }));

  it('the root does not depend on the order of the heads; every case has a proof that holds', () => {
    expect(merkleRoot([...leaves].reverse())).toBe(merkleRoot(leaves));
    const root = merkleRoot(leaves);
    for (const leaf of leaves) {
      const found = inclusionProof(leaves, leaf.caseNo)!;
      expect(found.leaf).toEqual(leaf);
      expect(proofHolds(leaf, found.proof, root)).toBe(true);
      expect(proofHolds({ ...leaf, seq: leaf.seq + 1 }, found.proof, root)).toBe(false);
    }
    expect(inclusionProof(leaves, 'SQ-none')).toBeUndefined();
    expect(merkleRoot([leaves[0]!])).toBe(leafHash(leaves[0]!));
  });

  it('any changed head changes the root', () => {
    const changed = leaves.map((l, i) => (i === 3 ? { ...l, seq: l.seq + 1 } : l));
    expect(merkleRoot(changed)).not.toBe(merkleRoot(leaves));
  });

  it('a record that grew passes; one rolled back or rewritten is reported', () => {
    const events = [
      { seq: 1, hash: 'a' },
      { seq: 2, hash: 'b' },
      { seq: 3, hash: 'c' },
    ];
    expect(checkAgainstCheckpoint(events, { caseNo: 'X', seq: 2, hash: 'b' }, 5)).toBeUndefined();
    expect(checkAgainstCheckpoint(events.slice(0, 1), { caseNo: 'X', seq: 2, hash: 'b' }, 5)).toMatchObject({
      kind: 'checkpoint_rollback',
      recorded: 1,
      expected: 2,
    });
    expect(checkAgainstCheckpoint(events, { caseNo: 'X', seq: 2, hash: 'z' }, 5)).toMatchObject({
      kind: 'checkpoint_head_mismatch',
      seq: 2,
    });
  });
});

describe('revocation before delivery', () => {
  const CERT = 'ZZYM-2026-000001-01';
  const revoke = (at: string) =>
    command(
      'revoke_certificate',
      { certificateNo: CERT, department: 'CITY_MANAGEMENT', reason: '以欺骗手段取得许可，依法撤销' },
      head('cm-head'),
      at,
    );

  it('with the notice: the revocation and the holder’s written notice, in that order', () => {
    const d = approvedWithCertificate();
    const at = new Date(cst('2026-07-09 10:00')).toISOString();
    const decision = decide(d.current, revoke(at), { revocationNotice: () => true });
    if (!decision.ok) throw new Error('refused');
    expect(types(decision.events)).toEqual(['certificate_revoked', 'notice_sent']);
    const notice = decision.events[1] as Extract<CaseEvent, { type: 'notice_sent' }>;
    expect(notice.data).toMatchObject({ kind: 'certificate_revoked', title: '证照注销告知书', sentAt: at });
    expect(notice.data.body).toContain(CERT);
    expect(notice.data.body).toContain('以欺骗手段取得许可，依法撤销');
    const state = replay([...d.log, ...decision.events]);
    expect(state?.notices.at(-1)).toEqual(notice.data);
  });

  it('without it (histories recorded before the notice): the revocation alone, as before', () => {
    const d = approvedWithCertificate();
    const decision = decide(d.current, revoke(new Date(cst('2026-07-09 10:00')).toISOString()));
    expect(decision.ok && types(decision.events)).toEqual(['certificate_revoked']);
  });

  it('a certificate revoked before delivery is not delivered: 409 certificate_revoked_before_delivery', () => {
    const d = approvedWithCertificate();
    d.run(
      command('revoke_certificate', { certificateNo: CERT, department: 'CITY_MANAGEMENT', reason: '撤销' }, head('h')),
      cst('2026-07-09 10:00'),
    );
    const refused = violationOf(
      d.attempt(command('deliver', { method: 'pickup' }, clerk('c')), cst('2026-07-09 11:00')),
    );
    expect(refused).toMatchObject({ code: 'certificate_revoked_before_delivery', field: 'caseNo' });
    expect(ruleStatus(refused.code)).toBe(409);
  });
});
