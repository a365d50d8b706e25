// Local-directory driver: objects are files under `root`; signed URLs point at the gateway's
// `/files/<key>?expires=&signature=` route, which checks them with the same signer. An object's content
// type sits beside it in `<key>.content-type`, except the default type, which is what a missing sidecar
// means (parking render artwork, the hot path, then writes one file, not two).
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSystemClock, type Clock } from '@platen/contracts';
import { assertStorageKey, type ObjectStorage } from './object-storage.js';
import type { UrlSigner } from './url-signer.js';

export interface LocalStorageOptions {
  root: string;
  /** Public base URL of the gateway, e.g. http://localhost:8080 */
  publicBaseUrl: string;
  signer: UrlSigner;
  clock?: Clock;
}

const CONTENT_TYPE_SUFFIX = '.content-type';
/** The content type of an object stored without a sidecar. */
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Makes the object's directory if missing; true when this call made it. Parked artwork gets a fresh
 * directory per render, so `mkdir` first is cheaper than writing first and making the directory on
 * ENOENT (that fails once per park, measured).
 */
async function ensureDir(path: string): Promise<boolean> {
  return (await mkdir(dirname(path), { recursive: true })) !== undefined;
}

/**
 * Records the content type. The default one has no sidecar, so one left by an earlier put of another
 * type is removed, unless the directory was only just made (then there is none to remove).
 */
async function writeContentType(path: string, contentType: string, freshDir: boolean): Promise<void> {
  if (contentType !== DEFAULT_CONTENT_TYPE) {
    await writeFile(path + CONTENT_TYPE_SUFFIX, contentType);
    return;
  }
  if (freshDir) return;
  await unlink(path + CONTENT_TYPE_SUFFIX).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
}

function readContentType(path: string): Promise<string> {
  return readFile(path + CONTENT_TYPE_SUFFIX, 'utf8').catch((error: unknown) => {
    if (isMissing(error)) return DEFAULT_CONTENT_TYPE;
    throw error;
  });
}

export function createLocalStorage({
  root,
  publicBaseUrl,
  signer,
  clock = createSystemClock(),
}: LocalStorageOptions): ObjectStorage {
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return join(root, key);
  };
  return {
    async put(key, body, contentType) {
      const path = pathOf(key);
      const freshDir = await ensureDir(path);
      // Write-then-rename: a reader never sees half an image, and a retry simply replaces the file.
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, body);
      await writeContentType(path, contentType, freshDir);
      await rename(temp, path);
    },
    async putStream(key, body, contentType) {
      const path = pathOf(key);
      const freshDir = await ensureDir(path);
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const file = createWriteStream(temp);
      try {
        await pipeline(body, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await writeContentType(path, contentType, freshDir);
      await rename(temp, path);
      return { bytes: file.bytesWritten };
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const [body, contentType] = await Promise.all([readFile(path), readContentType(path)]);
        return { body, contentType };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async getStream(key) {
      const path = pathOf(key);
      // Opened first: a missing file is known (null) before the stream is handed out.
      const handle = await open(path, 'r').catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
      if (!handle) return null;
      try {
        const contentType = await readContentType(path);
        return { body: handle.createReadStream(), contentType };
      } catch (error) {
        await handle.close();
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
