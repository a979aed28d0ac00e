import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { blobKey, type BlobStore } from './blob-store';

/** Blobs as files under one directory (default ./data/files). Node only. */
export function localStore(root: string): BlobStore {
  const pathOf = (sha256: string) => join(root, blobKey(sha256));
  return {
    kind: 'local',
    async put(sha256, bytes) {
      const path = pathOf(sha256);
      if (await stat(path).then(() => true, () => false)) return;
      await mkdir(dirname(path), { recursive: true });
      // Written aside, then renamed: a reader never sees half a file, two writers never mix.
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    },
    async get(sha256) {
      try {
        return new Uint8Array(await readFile(pathOf(sha256)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}
