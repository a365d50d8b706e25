// The pixel engine's front door: prepare a template once (decoded, pre-flattened, cached by
// id+version in a byte-bounded LRU), then render artwork into it with one decode per artwork,
// the kernels on the pool, and one encode at the end.
import { LRUCache } from 'lru-cache';
import { RenderFailedError, isCompositorError } from './compositor-errors.js';
import type { KernelPool } from './kernel-pool.js';
import type { SharpMedia } from './sharp-media.js';
import { configureSharp, createSharpMedia } from './sharp-media.js';
import type { PreparedTemplate } from './template-preparer.js';
import { prepareTemplate } from './template-preparer.js';
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
}

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
  readonly cache: { readonly entries: number; readonly bytes: number };
}

export function createCompositor(options: CompositorOptions): Compositor {
  const { pool } = options;
  configureSharp({ concurrency: options.sharpConcurrency ?? 1 });
  const media: SharpMedia = createSharpMedia({ limitInputPixels: options.limitInputPixels ?? 100_000_000 });
  // Bounded by decoded bytes, not entries: one template's layers range from kilobytes to tens of megabytes.
  const cache = new LRUCache<string, PreparedTemplate>({
    maxSize: options.cacheBytes,
    sizeCalculation: (prepared) => Math.max(1, prepared.bytes),
  });
  const inflight = new Map<string, Promise<PreparedTemplate>>();

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
    prepare(template, assets) {
      const key = `${template.id}@${template.version}`;
      const cached = cache.get(key);
      if (cached) return Promise.resolve(cached);
      let pending = inflight.get(key);
      if (!pending) {
        pending = load(key, template, assets)
          .then((prepared) => {
            cache.set(key, prepared);
            return prepared;
          })
          .catch((error: unknown) => {
            throw isCompositorError(error)
              ? error
              : new RenderFailedError('template preparation failed', { cause: error });
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },

    render: (prepared, inputs, exportOptions) =>
      renderTemplate({ media, pool }, prepared, inputs, exportOptions),

    cache: {
      get entries() {
        return cache.size;
      },
      get bytes() {
        return cache.calculatedSize;
      },
    },
  };
}
