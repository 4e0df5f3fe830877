/** The store the settings name: S3-compatible object storage when configured, else the folder in the data directory. */
import { folderStore } from './folderStore.ts';
import { s3Store } from './s3Store.ts';
import type { FileSettings } from './settings.ts';
import type { FileStore } from './store.ts';

export async function openFileStore(settings: FileSettings): Promise<FileStore> {
  if (settings.storage.kind === 'folder') return folderStore(settings.storage.dir);
  const store = s3Store(settings.storage);
  await store.checkBucket();
  return store;
}
