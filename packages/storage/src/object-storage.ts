// The storage interface every driver implements. Keys are relative paths such as
// `renders/<uuid>.jpeg`; a put to an existing key overwrites it (a retried render never duplicates).
import type { Readable } from 'node:stream';

export interface StoredObject {
  body: Buffer;
  contentType: string;
}

/** An object read as a stream: the caller reads `body` to its end or destroys it (it holds a file or a socket). */
export interface StoredObjectStream {
  body: Readable;
  contentType: string;
}

export interface ObjectStorage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /**
   * Writes a stream without holding it in memory (uploads of hundreds of MB). If the stream errors
   * (the caller's size limit, a dropped client) the call rejects and no object is left behind.
   */
  putStream(key: string, body: Readable, contentType: string): Promise<{ bytes: number }>;
  get(key: string): Promise<StoredObject | null>;
  /**
   * Reads an object without holding it in memory (many results streamed into one archive). A missing
   * object is null before any byte is read, so the caller can tell "not there" from "failed mid-way".
   */
  getStream(key: string): Promise<StoredObjectStream | null>;
  delete(key: string): Promise<void>;
  /** A URL the holder can GET without an API key until `expiresInSeconds` from now. */
  signedUrl(key: string, expiresInSeconds: number): Promise<string>;
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export class InvalidStorageKeyError extends Error {
  constructor(key: string) {
    super(`invalid storage key: ${JSON.stringify(key)}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** Keys never contain `..`, absolute paths or odd characters, so no driver can be steered outside its root. */
export function assertStorageKey(key: string): void {
  if (
    !KEY_PATTERN.test(key) ||
    key.length > 512 ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new InvalidStorageKeyError(key);
  }
}
