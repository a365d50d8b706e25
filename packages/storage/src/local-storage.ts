// Local-directory driver: objects are files under `root`; signed URLs point at the gateway's
// `/files/<key>?expires=&signature=` route, which checks them with the same signer.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertStorageKey, type ObjectStorage } from './object-storage.js';
import type { UrlSigner } from './url-signer.js';

export interface LocalStorageOptions {
  root: string;
  /** Public base URL of the gateway, e.g. http://localhost:8080 */
  publicBaseUrl: string;
  signer: UrlSigner;
  clock?: { now(): Date };
}

const CONTENT_TYPE_SUFFIX = '.content-type';

export function createLocalStorage({
  root,
  publicBaseUrl,
  signer,
  clock = { now: () => new Date() },
}: LocalStorageOptions): ObjectStorage {
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return join(root, key);
  };
  return {
    async put(key, body, contentType) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Write-then-rename: a reader never sees half an image, and a retry simply replaces the file.
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, body);
      await writeFile(path + CONTENT_TYPE_SUFFIX, contentType);
      await rename(temp, path);
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const [body, contentType] = await Promise.all([
          readFile(path),
          readFile(path + CONTENT_TYPE_SUFFIX, 'utf8'),
        ]);
        return { body, contentType };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(path + CONTENT_TYPE_SUFFIX, { force: true });
    },
    signedUrl(key, expiresInSeconds) {
      assertStorageKey(key);
      const expires = Math.floor(clock.now().getTime() / 1000) + expiresInSeconds;
      const url = new URL(`/files/${key}`, publicBaseUrl);
      url.searchParams.set('expires', String(expires));
      url.searchParams.set('signature', signer.sign(key, expires));
      return Promise.resolve(url.toString());
    },
  };
}
