import { join } from 'node:path';
import { createLocalStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';
import { createS3Storage } from './s3-storage.js';
import type { UrlSigner } from './url-signer.js';

export interface StorageSettings {
  STORAGE_DRIVER: 'local' | 's3';
  STORAGE_DIR?: string | undefined;
  DATA_DIR: string;
  PUBLIC_BASE_URL: string;
  S3_BUCKET?: string | undefined;
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
  S3_KEY_PREFIX: string;
}

/** The driver the parsed configuration asks for (see packages/config's storage variables). */
export function createStorage(settings: StorageSettings, signer: UrlSigner): ObjectStorage {
  if (settings.STORAGE_DRIVER === 's3') {
    return createS3Storage({
      bucket: settings.S3_BUCKET ?? '',
      keyPrefix: settings.S3_KEY_PREFIX,
      clientConfig: {
        region: settings.S3_REGION,
        forcePathStyle: settings.S3_FORCE_PATH_STYLE,
        ...(settings.S3_ENDPOINT ? { endpoint: settings.S3_ENDPOINT } : {}),
        ...(settings.S3_ACCESS_KEY_ID && settings.S3_SECRET_ACCESS_KEY
          ? {
              credentials: {
                accessKeyId: settings.S3_ACCESS_KEY_ID,
                secretAccessKey: settings.S3_SECRET_ACCESS_KEY,
              },
            }
          : {}),
      },
    });
  }
  return createLocalStorage({
    root: settings.STORAGE_DIR ?? join(settings.DATA_DIR, 'storage'),
    publicBaseUrl: settings.PUBLIC_BASE_URL,
    signer,
  });
}
