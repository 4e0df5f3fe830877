/**
 * The signing keys as the processes use them: the public set in PostgreSQL (`signing_keys`), the private keys in the
 * key folder (`<dir>/<keyId>.pem`, mode 600; the original key may instead come from CERTIFICATE_SIGNING_KEY or its
 * file). The worker and the API ask `current()` before they sign: it re-reads which key is current at most every
 * `refreshMs`, so a rotation reaches running processes without a restart.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { signingKeys } from '../db/schema.ts';
import type { PublishedKey } from '../integrity/keySet.ts';
import { signingKeyFromPem, type SigningKey } from './signingKey.ts';

export interface KeyRing {
  /** The key that signs now. */
  current(): Promise<SigningKey>;
  /** Every key the centre has used, with its period. */
  published(): Promise<PublishedKey[]>;
  /** Forget the cached current key (after a rotation in this process). */
  invalidate(): void;
}

const iso = (value: string | Date | null) => (value ? new Date(value).toISOString() : null);

export async function publishedKeys(db: Database): Promise<PublishedKey[]> {
  const rows = await db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.validFrom));
  return rows.map((r) => ({
    keyId: r.keyId,
    publicKeyPem: r.publicKeyPem,
    validFrom: iso(r.validFrom),
    validUntil: iso(r.validUntil),
  }));
}

/** Enter the original key into the set when the set is empty (the first start after keys got ids). */
export async function registerOriginalKey(db: Database, original: SigningKey): Promise<void> {
  await db.$client`
    INSERT INTO signing_keys (key_id, public_key_pem, valid_from, valid_until)
    SELECT ${original.keyId}, ${original.publicKeyPem}, NULL, NULL
    WHERE NOT EXISTS (SELECT 1 FROM signing_keys)
    ON CONFLICT DO NOTHING`;
}

export const keyFileOf = (keysDir: string, keyId: string) => path.join(keysDir, `${keyId}.pem`);

/**
 * The key ring of one process. `original` is the configured (or development) key: it signs while the set names it
 * current; any later key is read from `keysDir`.
 */
export function createKeyRing(
  db: Database,
  original: SigningKey,
  keysDir: string,
  options: { refreshMs?: number } = {},
): KeyRing {
  const refreshMs = options.refreshMs ?? 2_000;
  const loaded = new Map<string, SigningKey>([[original.keyId, original]]);
  let cached: { key: SigningKey; until: number } | undefined;
  let registered = false;
  const load = (keyId: string): SigningKey => {
    let key = loaded.get(keyId);
    if (!key) {
      key = signingKeyFromPem(readFileSync(keyFileOf(keysDir, keyId), 'utf8'));
      if (key.keyId !== keyId) throw new Error(`key file ${keyId}.pem holds another key (${key.keyId})`);
      loaded.set(keyId, key);
    }
    return key;
  };
  return {
    async current() {
      if (cached && cached.until > Date.now()) return cached.key;
      if (!registered) {
        await registerOriginalKey(db, original);
        registered = true;
      }
      const rows = await db.$client<
        Array<{ key_id: string }>
      >`SELECT key_id FROM signing_keys WHERE valid_until IS NULL`;
      const keyId = rows[0]?.key_id ?? original.keyId;
      const key = load(keyId);
      cached = { key, until: Date.now() + refreshMs };
      return key;
    },
    published: () => publishedKeys(db),
    invalidate: () => {
      cached = undefined;
    },
  };
}

/**
 * 密钥轮换: a new Ed25519 key is written to the key folder (mode 600), then, in one transaction, the current key is
 * retired at `atMs` and the new one is valid from then. Nothing already signed changes.
 */
export async function rotateSigningKey(
  db: Database,
  original: SigningKey,
  keysDir: string,
  atMs: number,
  reason: string,
): Promise<{ retired: string; current: PublishedKey }> {
  await registerOriginalKey(db, original);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = signingKeyFromPem(pem);
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFileOf(keysDir, key.keyId), pem, { mode: 0o600, flag: 'wx' });
  const at = new Date(atMs).toISOString();
  const retired = await db.$client.begin(async (tx) => {
    const rows = await tx<Array<{ key_id: string }>>`
      UPDATE signing_keys SET valid_until = ${at}::timestamptz WHERE valid_until IS NULL RETURNING key_id`;
    await tx`INSERT INTO signing_keys (key_id, public_key_pem, valid_from, valid_until, reason)
             VALUES (${key.keyId}, ${key.publicKeyPem}, ${at}::timestamptz, NULL, ${reason})`;
    return rows[0]?.key_id ?? original.keyId;
  });
  return { retired, current: { keyId: key.keyId, publicKeyPem: key.publicKeyPem, validFrom: at, validUntil: null } };
}

/** A ring of one key that never rotates (tests and tools that build the API without a database of keys). */
export function staticKeyRing(key: SigningKey): KeyRing {
  const published: PublishedKey[] = [
    { keyId: key.keyId, publicKeyPem: key.publicKeyPem, validFrom: null, validUntil: null },
  ];
  return { current: async () => key, published: async () => published, invalidate: () => undefined };
}
