// S3 driver (AWS S3 or any S3-compatible store such as MinIO): objects in one bucket under an
// optional key prefix; result URLs are S3 presigned GET URLs.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertStorageKey, type ObjectStorage } from './object-storage.js';

export interface S3StorageOptions {
  bucket: string;
  /** Prepended to every key, e.g. `platen/`. */
  keyPrefix?: string;
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** Every S3 call gives up after this long. */
  timeoutMs?: number;
}

export function createS3Storage({
  bucket,
  keyPrefix = '',
  client,
  clientConfig = {},
  timeoutMs = 30_000,
}: S3StorageOptions): ObjectStorage {
  const s3 = client ?? new S3Client(clientConfig);
  const fullKey = (key: string) => {
    assertStorageKey(key);
    return keyPrefix + key;
  };
  const options = () => ({ abortSignal: AbortSignal.timeout(timeoutMs) });
  const isNoSuchKey = (error: unknown) =>
    error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey';
  return {
    async put(key, body, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: fullKey(key), Body: body, ContentType: contentType }),
        options(),
      );
    },
    async putStream(key, body, contentType) {
      // Multipart upload in 8 MB parts (lib-storage). A body that fails or is closed before its end
      // (a dropped client) fails lib-storage's read of it, and it then aborts the multipart upload:
      // this waits for that, so when putStream rejects no part is left behind.
      let bytes = 0;
      body.on('data', (chunk: Buffer) => (bytes += chunk.length));
      const upload = new Upload({
        client: s3,
        params: { Bucket: bucket, Key: fullKey(key), Body: body, ContentType: contentType },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
        leavePartsOnError: false,
      });
      const done = upload.done();
      const failed = new Promise<never>((_resolve, reject) => {
        body.once('error', reject);
        body.once('close', () => {
          if (!body.readableEnded) reject(new Error('upload stream closed before its end'));
        });
      });
      failed.catch(() => undefined);
      try {
        await Promise.race([done, failed]);
      } catch (error) {
        const settled = await Promise.race([
          done.then(
            () => true,
            () => true,
          ),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]);
        if (!settled) await upload.abort().catch(() => undefined);
        throw error;
      }
      return { bytes };
    },
    async get(key) {
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }), options());
        if (!result.Body) return null;
        const body = Buffer.from(await result.Body.transformToByteArray());
        return { body, contentType: result.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (isNoSuchKey(error)) return null;
        throw error;
      }
    },
    async getStream(key) {
      // The timeout covers the answer's headers only: the body is read at the pace of whoever the
      // caller streams it to (a client downloading an archive), which may take longer than any one call.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('S3 GetObject timed out')), timeoutMs);
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }), {
          abortSignal: controller.signal,
        });
        if (!result.Body) return null;
        // Node's HTTP handler answers with a node stream; anything else means another runtime's handler.
        if (!(result.Body instanceof Readable)) throw new Error('S3 GetObject body is not a node stream');
        return { body: result.Body, contentType: result.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (isNoSuchKey(error)) return null;
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: fullKey(key) }), options());
    },
    signedUrl(key, expiresInSeconds) {
      return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }), {
        expiresIn: expiresInSeconds,
      });
    },
  };
}
