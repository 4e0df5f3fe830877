/**
 * The centre's key set: every signing key it ever used, by id (SHA-256 of the SPKI DER, hex), with the period it
 * signed in. A signature is accepted when it names a key of the set that was valid at the signature's date; a
 * signature that names no key (made before keys rotated) is the original key's. Pure: node:crypto only.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface PublishedKey {
  keyId: string;
  publicKeyPem: string;
  /** ISO instant; null: the original key, valid from the beginning. */
  validFrom: string | null;
  /** ISO instant; null: the current key. */
  validUntil: string | null;
}

/**
 * Tolerance at both ends of a period: a step stamped just before a rotation may be signed just after it by the new
 * key (and a worker may sign with the old key until it next reads the set).
 */
export const ROTATION_GRACE_MS = 10 * 60_000;

/** SHA-256 (hex) of an Ed25519 public key's SPKI DER: the id that names the key. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The original key: the one valid from the beginning (else the earliest). */
export function originalKey(keys: PublishedKey[]): PublishedKey | undefined {
  return [...keys].sort(
    (a, b) => (a.validFrom ? Date.parse(a.validFrom) : -Infinity) - (b.validFrom ? Date.parse(b.validFrom) : -Infinity),
  )[0];
}

export function currentKey(keys: PublishedKey[]): PublishedKey | undefined {
  return keys.find((k) => k.validUntil === null);
}

export function validAt(key: PublishedKey, atMs: number): boolean {
  const from = key.validFrom ? Date.parse(key.validFrom) - ROTATION_GRACE_MS : -Infinity;
  const until = key.validUntil ? Date.parse(key.validUntil) + ROTATION_GRACE_MS : Infinity;
  return atMs >= from && atMs <= until;
}

export type KeyProblem = 'key_unknown' | 'key_not_valid_then';

/** Which key a signature dated `at` and naming `keyId` (null: none named) must be checked with, or why none. */
export function keyFor(
  keys: PublishedKey[],
  keyId: string | null | undefined,
  at: string | number,
): { key: PublishedKey; problem?: undefined } | { key?: PublishedKey; problem: KeyProblem } {
  const key = keyId ? keys.find((k) => k.keyId === keyId) : originalKey(keys);
  if (!key) return { problem: 'key_unknown' };
  const atMs = typeof at === 'number' ? at : Date.parse(at);
  if (!validAt(key, atMs)) return { key, problem: 'key_not_valid_then' };
  return { key };
}

/** Ed25519 over `payload`; only the canonical base64 of 64 bytes counts (Node's decoder skips stray characters). */
export function signatureHolds(payload: string, signature: string | null | undefined, publicKeyPem: string): boolean {
  if (!signature) return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
  try {
    return verify(null, Buffer.from(payload, 'utf8'), createPublicKey(publicKeyPem), bytes);
  } catch {
    return false;
  }
}

/**
 * Verify a signature dated `at` against the key set: which key made it, and whether it holds. `problem` says why it
 * does not: no such key, the key was not valid at that date, or the signature does not hold.
 */
export function verifyWithKeySet(
  keys: PublishedKey[],
  payload: string,
  signature: string | null | undefined,
  keyId: string | null | undefined,
  at: string | number,
): { valid: boolean; keyId: string | null; problem?: KeyProblem | 'signature_invalid' } {
  const found = keyFor(keys, keyId, at);
  if (!found.key) return { valid: false, keyId: keyId ?? null, problem: found.problem };
  if (found.problem) return { valid: false, keyId: found.key.keyId, problem: found.problem };
  const valid = signatureHolds(payload, signature, found.key.publicKeyPem);
  return valid ? { valid, keyId: found.key.keyId } : { valid, keyId: found.key.keyId, problem: 'signature_invalid' };
}
