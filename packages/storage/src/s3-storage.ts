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
  return {
    async put(key, body, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: fullKey(key), Body: body, ContentType: contentType }),
        options(),
      );
    },
    async get(key) {
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }), options());
        if (!result.Body) return null;
        const body = Buffer.from(await result.Body.transformToByteArray());
        return { body, contentType: result.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
        throw error;
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
