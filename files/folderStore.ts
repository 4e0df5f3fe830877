/**
 * The embedded store: a folder (DATA_DIR/files by default), one file per content at `ab/cd/<sha256>`. Written
 * atomically: a temporary file in the same folder tree, fsync, rename into place, fsync of the directory, so a crash
 * leaves either the whole content or nothing under its name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertSha256, sha256Of, type FileStore, type Sha256, type StoredState } from './store.ts';

export function folderStore(dir: string): FileStore {
  const root = path.resolve(dir);
  const tmpDir = path.join(root, 'tmp');
  const pathOf = (sha256: Sha256) => {
    assertSha256(sha256);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  async function read(sha256: Sha256): Promise<Buffer | undefined> {
    try {
      return await readFile(pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function syncDir(target: string): Promise<void> {
    const handle = await open(target, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async function verify(sha256: Sha256): Promise<StoredState> {
    const bytes = await read(sha256);
    if (!bytes) return 'missing';
    return sha256Of(bytes) === sha256 ? 'ok' : 'mismatch';
  }

  return {
    location: root,
    async put(bytes) {
      const sha256 = sha256Of(bytes);
      // An intact copy is kept as it is; a damaged one is replaced by the good bytes.
      if ((await verify(sha256)) === 'ok') return { sha256, created: false };
      const target = pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      await mkdir(tmpDir, { recursive: true });
      const temporary = path.join(tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
      try {
        const handle = await open(temporary, 'wx', 0o640);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      await syncDir(path.dirname(target));
      return { sha256, created: true };
    },
    async get(sha256) {
      const bytes = await read(sha256);
      if (!bytes) return { state: 'missing' };
      return sha256Of(bytes) === sha256 ? { state: 'ok', bytes } : { state: 'mismatch' };
    },
    async exists(sha256) {
      try {
        return (await stat(pathOf(sha256))).isFile();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
    verify,
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
