// The pixel engine's front door: prepare a template once (decoded, pre-flattened, cached by
// id+version in a byte-bounded LRU), then render artwork into it with one decode per artwork,
// the kernels on the pool, and one encode at the end. The same LRU keeps the static canvas of
// each product colour a template was rendered in; a second LRU (artwork-cache.ts) keeps decoded
// artwork by content, so renders repeating an artwork's bytes and placement do not decode again;
// a third (warped-layer-cache.ts) keeps smart objects' warped layers per template and decoded
// artwork, so renders of one artwork in one template (product colours, a batch's repeats) warp it
// once, even when they start together.
import { LRUCache } from 'lru-cache';
import type { ArtworkCacheLookup, ArtworkCacheStats } from './artwork-cache.js';
import { cachedArtworkMedia } from './artwork-cache.js';
import { createCanvasBuffers } from './canvas-buffers.js';
import { RenderFailedError, isCompositorError } from './compositor-errors.js';
import type { KernelPool } from './kernel-pool.js';
import type { SharpMedia } from './sharp-media.js';
import { configureSharp, createSharpMedia } from './sharp-media.js';
import type { RenderWarning } from './render-warnings.js';
import type { PrintFileOutput } from './print-file.js';
import { renderPrintFile } from './print-file.js';
import type { PreparedTemplate } from './template-preparer.js';
import { prepareTemplate } from './template-preparer.js';
import type { WarpedLayerCacheStats, WarpedLayerLookupResult } from './warped-layer-cache.js';
import { createWarpedLayerCache } from './warped-layer-cache.js';
import type { StaticCanvasCache } from './template-renderer.js';
import { renderTemplate } from './template-renderer.js';
import type {
  ExportFormat,
  ExportOptions,
  SmartObjectInput,
  TemplateAssets,
  TemplateManifestInput,
} from './template-model.js';
import { templateManifestSchema } from './template-model.js';

export type { PreparedTemplate } from './template-preparer.js';

export interface CompositorOptions {
  pool: KernelPool;
  /** Upper bound of the prepared-template cache, in bytes of decoded pixels. */
  cacheBytes: number;
  /** Artwork declaring more pixels is refused (ASSET_TOO_LARGE) before it is decoded. */
  limitInputPixels?: number;
  /** libvips threads per image, process-wide (see configureSharp in sharp-media.ts); default 1. */
  sharpConcurrency?: number;
  /** Decoded artwork kept by content (artwork-cache.ts), in bytes of pixels; default 0: off. */
  artworkCacheBytes?: number;
  /** Told of every artwork decode asked for: answered from the artwork cache, or decoded. */
  onArtworkLookup?: (result: ArtworkCacheLookup) => void;
  /**
   * Warped smart-object layers kept, in bytes of pixels; default 0: off. They are keyed by the
   * decoded artwork the artwork cache hands out, so they only help with that cache on.
   */
  warpedLayerCacheBytes?: number;
  /** Told of every warped layer a render needs: kept (hit), being warped by another render (shared), or warped (miss). */
  onWarpedLayerLookup?: (result: WarpedLayerLookupResult) => void;
}

export interface TemplateSource {
  id: string;
  /** Changes whenever the manifest or its assets change; part of the cache key. */
  version: string | number;
  manifest: TemplateManifestInput;
}

export interface RenderOutput {
  data: Buffer;
  width: number;
  height: number;
  format: ExportFormat;
  /** What the render could not do well (cropped or enlarged artwork, an enlarged output). */
  warnings: RenderWarning[];
}

type CacheEntry = { kind: 'template'; prepared: PreparedTemplate } | { kind: 'canvas'; canvas: Uint8Array };

export interface Compositor {
  /** The prepared template from cache, or decoded now (assets may be loaded lazily: only on a miss). */
  prepare(
    template: TemplateSource,
    assets: TemplateAssets | (() => Promise<TemplateAssets>),
  ): Promise<PreparedTemplate>;
  render(
    prepared: PreparedTemplate,
    inputs: SmartObjectInput[],
    exportOptions: ExportOptions,
  ): Promise<RenderOutput>;
  /** The input's artwork as printed on its smart object, at `dpi` (see print-file.ts). */
  printFile(prepared: PreparedTemplate, input: SmartObjectInput, dpi: number): Promise<PrintFileOutput>;
  readonly cache: { readonly entries: number; readonly bytes: number };
  readonly artworkCache: ArtworkCacheStats;
  readonly warpedLayerCache: WarpedLayerCacheStats;
}

export function createCompositor(options: CompositorOptions): Compositor {
  const { pool } = options;
  configureSharp({ concurrency: options.sharpConcurrency ?? 1 });
  const artwork = cachedArtworkMedia(
    createSharpMedia({ limitInputPixels: options.limitInputPixels ?? 100_000_000 }),
    {
      maxBytes: options.artworkCacheBytes ?? 0,
      ...(options.onArtworkLookup ? { onLookup: options.onArtworkLookup } : {}),
    },
  );
  const media: SharpMedia = artwork.media;
  // Bounded by decoded bytes, not entries: one template's layers range from kilobytes to tens of
  // megabytes. Keys: `t:<id>@<version>` for templates, `c:<id>@<version>|<colours>` for canvases.
  const cache = new LRUCache<string, CacheEntry>({
    maxSize: options.cacheBytes,
    sizeCalculation: (entry) =>
      Math.max(1, entry.kind === 'template' ? entry.prepared.bytes : entry.canvas.byteLength),
  });
  const inflight = new Map<string, Promise<CacheEntry>>();

  /** The cached entry, or the one `load` makes (concurrent callers share one load). */
  function cached(key: string, load: () => Promise<CacheEntry>): Promise<CacheEntry> {
    const hit = cache.get(key);
    if (hit) return Promise.resolve(hit);
    let pending = inflight.get(key);
    if (!pending) {
      pending = load()
        .then((entry) => {
          cache.set(key, entry);
          return entry;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  const staticCanvases: StaticCanvasCache = {
    get: async (prepared, colorKey, build) => {
      const entry = await cached(`c:${prepared.key}|${colorKey}`, async () => ({
        kind: 'canvas',
        canvas: await build(),
      }));
      if (entry.kind !== 'canvas') throw new RenderFailedError('cache entry is not a canvas');
      return entry.canvas;
    },
  };
  const warpedLayers =
    (options.warpedLayerCacheBytes ?? 0) > 0
      ? createWarpedLayerCache({
          maxBytes: options.warpedLayerCacheBytes!,
          ...(options.onWarpedLayerLookup ? { onLookup: options.onWarpedLayerLookup } : {}),
        })
      : undefined;
  // Per render in flight: its canvas and, with kernel threads, a shared copy of each artwork.
  const buffers = createCanvasBuffers({ maxFree: 4 * Math.max(1, pool.threads) + 2 });

  async function load(
    key: string,
    template: TemplateSource,
    assets: TemplateAssets | (() => Promise<TemplateAssets>),
  ) {
    const parsed = templateManifestSchema.safeParse(template.manifest);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      throw new RenderFailedError(`template ${template.id} has an invalid manifest: ${issues}`);
    }
    const loaded = typeof assets === 'function' ? await assets() : assets;
    return prepareTemplate({ key, manifest: parsed.data, assets: loaded, media, pool });
  }

  return {
    async prepare(template, assets) {
      const key = `${template.id}@${template.version}`;
      const entry = await cached(`t:${key}`, async () => {
        try {
          return { kind: 'template', prepared: await load(key, template, assets) };
        } catch (error) {
          throw isCompositorError(error)
            ? error
            : new RenderFailedError('template preparation failed', { cause: error });
        }
      });
      if (entry.kind !== 'template') throw new RenderFailedError('cache entry is not a template');
      return entry.prepared;
    },

    render: (prepared, inputs, exportOptions) =>
      renderTemplate(
        { media, pool, staticCanvases, buffers, ...(warpedLayers ? { warpedLayers } : {}) },
        prepared,
        inputs,
        exportOptions,
      ),

    printFile: (prepared, input, dpi) => renderPrintFile({ media, pool }, prepared, input, dpi),

    cache: {
      get entries() {
        return cache.size;
      },
      get bytes() {
        return cache.calculatedSize;
      },
    },
    artworkCache: artwork.stats,
    warpedLayerCache: warpedLayers?.stats ?? { hits: 0, shared: 0, misses: 0, entries: 0, bytes: 0 },
  };
}
