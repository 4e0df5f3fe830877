/**
 * The centre's Ed25519 key for electronic certificates (电子证照) and case-file exports. Configuration:
 * CERTIFICATE_SIGNING_KEY (a PKCS#8 PEM private key) or CERTIFICATE_SIGNING_KEY_FILE (a file holding one). With
 * neither, a development key is generated once into the data folder and kept, so certificates stay verifiable across
 * restarts. The worker signs; the API publishes the public key and verifies.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 of the public key (SPKI DER), hex: printed on certificates, names the key in signatures. */
  keyId: string;
}

export const devKeyFile = (dataDir: string) => path.join(dataDir, 'keys', 'certificate-ed25519.pem');

export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the certificate signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: publicKeyFingerprint(publicKey),
  };
}

function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Read the key file, or create it (mode 600) when it does not exist yet. */
export function ensureKeyFile(file: string): SigningKey {
  try {
    return signingKeyFromPem(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(path.dirname(file), { recursive: true });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return signingKeyFromPem(readFileSync(file, 'utf8'));
}

/** The configured key (CERTIFICATE_SIGNING_KEY or _FILE), or the development key kept in the data folder. */
export function loadSigningKey(signing: { key: string | undefined; keyFile: string | undefined }, dataDir: string) {
  if (signing.key) return signingKeyFromPem(signing.key);
  return ensureKeyFile(signing.keyFile ?? devKeyFile(dataDir));
}
