// `POST /api/v1/mockups`: an account's own mockup from a PSD/PSB (streamed to storage) or from a JSON
// manifest plus layer images (URLs fetched by the import, base64 parked in storage). Either way the
// mockup starts `processing`, its import job is queued with jobId = mockup uuid, and the answer is
// 202. If the job cannot be queued, the row and the stored upload are erased and the answer is 503:
// a client never sees a mockup that will stay `processing` forever.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  isBase64,
  mockupNameSchema,
  storableText,
  validationError,
  type Mockup,
} from '@platen/contracts';
import { assetNamesOf, type TemplateManifest } from '@platen/compositor';
import { pendingImportKeys, toStoredPendingImport, type PendingImport } from '@platen/mockups';
import { mockupSourceKey, mockupUploadAssetKey, type ObjectStorage } from '@platen/storage';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { decodeInlineArtwork } from '../renders/artwork-sniff.js';
import type { MockupStore } from './mockup-store.js';
import { receivePsdUpload, type PsdUploadLimits } from './psd-upload.js';
import { toTemplateManifest, uploadManifestSchema } from './upload-manifest.js';

/** Layer images per manifest upload. */
export const MAX_MANIFEST_ASSETS = 64;

const uploadAssetSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    data: z.string().max(34_000_000).refine(isBase64, 'must be base64').optional(),
  })
  .strict()
  .refine((asset) => (asset.url === undefined) !== (asset.data === undefined), {
    message: 'give exactly one of url or data',
  });

export const createMockupFromManifestSchema = z
  .object({
    name: mockupNameSchema,
    manifest: uploadManifestSchema,
    assets: z
      .record(storableText({ min: 1, max: 200 }), uploadAssetSchema)
      .refine((assets) => Object.keys(assets).length <= MAX_MANIFEST_ASSETS, {
        message: `at most ${MAX_MANIFEST_ASSETS} assets`,
      })
      .meta({ description: 'Every asset name the manifest uses: {url} or {data: base64} each' }),
  })
  .strict()
  .meta({ id: 'CreateMockupFromManifestRequest' });
export type CreateMockupFromManifest = z.infer<typeof createMockupFromManifestSchema>;

/** The multipart form, for the OpenAPI document (the route streams it itself). */
export const createMockupFromPsdSchema = z
  .object({
    file: z.string().meta({ format: 'binary', description: 'The PSD or PSB file' }),
    name: z.string().max(200).optional(),
  })
  .meta({ id: 'CreateMockupFromPsdRequest' });

export interface MockupUploads {
  fromPsd(req: Request, accountId: string): Promise<Mockup>;
  fromManifest(body: CreateMockupFromManifest, accountId: string): Promise<Mockup>;
}

export interface MockupUploadsDeps {
  mockups: Pick<MockupStore, 'createProcessing' | 'discard'>;
  storage: ObjectStorage;
  enqueueImport: (mockupId: string) => Promise<void>;
  limits: PsdUploadLimits;
  /** Whether the body timeout cut the request off (its upload then answers 408, not 400). */
  isBodyTimedOut?: (req: Request) => boolean;
  logger: Pick<Logger, 'warn' | 'info'>;
}

const nameFromFile = (filename: string | undefined) =>
  filename
    ?.replace(/\.(psd|psb)$/i, '')
    .trim()
    .slice(0, 200) || undefined;

export function createMockupUploads({
  mockups,
  storage,
  enqueueImport,
  limits,
  isBodyTimedOut = () => false,
  logger,
}: MockupUploadsDeps): MockupUploads {
  async function eraseKeys(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => storage.delete(key).catch(() => undefined)));
  }

  async function start(
    mockup: { id: string; accountId: string; name: string; width: number; height: number },
    pending: PendingImport,
  ): Promise<Mockup> {
    let created: Mockup;
    try {
      created = await mockups.createProcessing({ ...mockup, pendingImport: toStoredPendingImport(pending) });
    } catch (error) {
      await eraseKeys(pendingImportKeys(pending));
      throw error;
    }
    try {
      await enqueueImport(mockup.id);
    } catch (error) {
      logger.warn({ err: error, mockup_id: mockup.id }, 'import job not queued: upload erased');
      await mockups.discard({ accountId: mockup.accountId, id: mockup.id }).catch(() => undefined);
      await eraseKeys(pendingImportKeys(pending));
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
    return created;
  }

  return {
    async fromPsd(req, accountId) {
      const id = randomUUID();
      const sourceKey = mockupSourceKey(id);
      const started = Date.now();
      let upload;
      try {
        upload = await receivePsdUpload(req, storage, sourceKey, limits, isBodyTimedOut);
      } catch (error) {
        // receivePsdUpload settles only once the partial file is gone: one line says how it ended.
        const code = error instanceof ApiError ? error.code : 'INTERNAL_ERROR';
        logger.info(
          {
            request_id: req.requestId,
            mockup_id: id,
            code,
            reason: error instanceof Error ? error.message : String(error),
            socket_bytes_read: req.socket.bytesRead,
            duration_ms: Date.now() - started,
          },
          'psd upload ended without a mockup: partial upload removed',
        );
        throw error;
      }
      const name = upload.name ?? nameFromFile(upload.filename) ?? 'Uploaded mockup';
      return start(
        { id, accountId, name, width: upload.header.width, height: upload.header.height },
        { kind: 'psd', source_key: sourceKey },
      );
    },

    async fromManifest(body, accountId) {
      const manifest = toTemplateManifest(body.manifest);
      checkAssets(manifest, body.assets, limits.maxPixels);
      const id = randomUUID();
      const parked: string[] = [];
      const assets: Extract<PendingImport, { kind: 'manifest' }>['assets'] = {};
      try {
        let index = 0;
        for (const [name, asset] of Object.entries(body.assets)) {
          if (asset.url !== undefined) {
            assets[name] = { url: asset.url };
            continue;
          }
          const key = mockupUploadAssetKey(id, index++);
          const inline = decodeInlineArtwork(asset.data!);
          if (!inline.ok) throw validationError([{ path: `assets.${name}.data`, message: inline.message }]);
          await storage.put(key, inline.bytes, 'application/octet-stream');
          parked.push(key);
          assets[name] = { key };
        }
      } catch (error) {
        await eraseKeys(parked);
        throw error;
      }
      return start(
        { id, accountId, name: body.name, width: manifest.width, height: manifest.height },
        { kind: 'manifest', manifest: manifest as unknown as Record<string, unknown>, assets },
      );
    },
  };
}

/** Every asset the manifest names is given (and no other), inline ones are images, the canvas is capped. */
function checkAssets(
  manifest: TemplateManifest,
  assets: CreateMockupFromManifest['assets'],
  maxPixels: number,
): void {
  const issues: { path: string; message: string }[] = [];
  if (manifest.width * manifest.height > maxPixels) {
    issues.push({
      path: 'manifest.width',
      message: `a ${manifest.width}×${manifest.height} canvas is over the ${maxPixels}-pixel limit`,
    });
  }
  const used = assetNamesOf(manifest);
  for (const name of used) {
    if (!Object.hasOwn(assets, name))
      issues.push({ path: `assets.${name}`, message: 'is used by the manifest but not given' });
  }
  for (const [name, asset] of Object.entries(assets)) {
    if (!used.has(name)) issues.push({ path: `assets.${name}`, message: 'is not used by the manifest' });
    if (asset.data !== undefined) {
      const check = decodeInlineArtwork(asset.data);
      if (!check.ok) issues.push({ path: `assets.${name}.data`, message: check.message });
    }
  }
  if (issues.length > 0) throw validationError(issues);
}
