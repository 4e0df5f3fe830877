/**
 * What every FileStore must do (files/store.ts), run against the folder store (unit) and the S3 store against a real
 * S3-compatible server (integration): content stored once under its hash, read back exactly, damage and absence
 * reported, never served.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { sha256Of, type FileStore } from '../../files/store.ts';

export interface StoreUnderTest {
  store: FileStore;
  /** Replace the stored bytes of `sha256` behind the store's back (a disk error, a tampering). */
  damage(sha256: string, bytes: Buffer): Promise<void>;
  /** How many stored objects hold contents (temporary files excluded). */
  count(): Promise<number>;
}

export function fileStoreContract(subject: () => StoreUnderTest) {
  it('put stores the bytes under their SHA-256, once; get returns them exactly', async () => {
    const { store, count } = subject();
    const bytes = randomBytes(70_000);
    const before = await count();
    const first = await store.put(bytes);
    expect(first).toEqual({ sha256: sha256Of(bytes), created: true });
    const again = await store.put(Buffer.from(bytes));
    expect(again).toEqual({ sha256: first.sha256, created: false });
    expect(await count()).toBe(before + 1);
    const read = await store.get(first.sha256);
    expect(read.state).toBe('ok');
    expect(read.state === 'ok' && read.bytes.equals(bytes)).toBe(true);
    expect(await store.exists(first.sha256)).toBe(true);
    expect(await store.verify(first.sha256)).toBe('ok');
  });

  it('an empty content and a one-byte content are contents too', async () => {
    const { store } = subject();
    for (const bytes of [Buffer.alloc(0), Buffer.from([0])]) {
      const { sha256 } = await store.put(bytes);
      const read = await store.get(sha256);
      expect(read.state === 'ok' && read.bytes.equals(bytes)).toBe(true);
    }
  });

  it('a hash never stored: missing, not there, and removing it is fine', async () => {
    const { store } = subject();
    const absent = sha256Of(randomBytes(32));
    expect(await store.exists(absent)).toBe(false);
    expect(await store.verify(absent)).toBe('missing');
    expect(await store.get(absent)).toEqual({ state: 'missing' });
    await store.remove(absent);
  });

  it('bytes changed behind its back: verify says mismatch, get refuses them; put of the good bytes repairs', async () => {
    const { store, damage } = subject();
    const bytes = randomBytes(4096);
    const { sha256 } = await store.put(bytes);
    const changed = Buffer.from(bytes);
    changed[100] = (changed[100] as number) ^ 0xff;
    await damage(sha256, changed);
    expect(await store.verify(sha256)).toBe('mismatch');
    expect(await store.get(sha256)).toEqual({ state: 'mismatch' });
    await store.put(bytes);
    expect(await store.verify(sha256)).toBe('ok');
  });

  it('remove deletes the content: then it is missing', async () => {
    const { store, count } = subject();
    const { sha256 } = await store.put(randomBytes(100));
    const before = await count();
    await store.remove(sha256);
    expect(await store.verify(sha256)).toBe('missing');
    expect(await count()).toBe(before - 1);
  });

  it('anything but a SHA-256 hex digest is refused as a name (no path or key built from it)', async () => {
    const { store } = subject();
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'ab', `${'a'.repeat(64)}/x`, '']) {
      await expect(store.get(bad)).rejects.toThrow(/SHA-256/);
      await expect(store.remove(bad)).rejects.toThrow(/SHA-256/);
    }
  });

  it('concurrent puts of the same content leave one intact object', async () => {
    const { store, count } = subject();
    const bytes = randomBytes(200_000);
    const before = await count();
    const results = await Promise.all(Array.from({ length: 6 }, () => store.put(Buffer.from(bytes))));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    expect(await count()).toBe(before + 1);
    expect(await store.verify(sha256Of(bytes))).toBe('ok');
  });
}
