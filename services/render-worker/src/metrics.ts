// The worker's Prometheus metrics, on a registry of its own (no global state): jobs by outcome,
// render duration by template, how long jobs waited in the queue before a worker took them, and
// how often the artwork and warped-layer caches spared a decode or a warp.
import type { ArtworkCacheStats, KernelPool, WarpedLayerCacheStats } from '@platen/compositor';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type JobOutcome = 'succeeded' | 'failed' | 'retried' | 'returned' | 'stalled' | 'deferred';

export interface RenderMetrics {
  registry: Registry;
  jobs: Counter<'outcome'>;
  renderDuration: Histogram<'template'>;
  queueWait: Histogram;
  artworkCacheLookups: Counter<'result'>;
  warpedLayerLookups: Counter<'result'>;
}

export function createRenderMetrics(registry = new Registry()): RenderMetrics {
  return {
    registry,
    jobs: new Counter({
      name: 'render_jobs_total',
      help: 'Render job attempts by outcome (retried: a transient failure that will be tried again; deferred: over its account share, not an attempt)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    renderDuration: new Histogram({
      name: 'render_duration_seconds',
      help: 'Time from taking a render job to its stored result, by template (custom for account uploads)',
      labelNames: ['template'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers: [registry],
    }),
    queueWait: new Histogram({
      name: 'render_queue_wait_seconds',
      help: 'Time a render job waited in the queue before its first attempt started',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    artworkCacheLookups: new Counter({
      name: 'render_artwork_cache_lookups_total',
      help: 'Artwork decodes asked for, by result (hit: answered from the decoded-artwork cache or a decode already running; miss: decoded)',
      labelNames: ['result'],
      registers: [registry],
    }),
    warpedLayerLookups: new Counter({
      name: 'render_warped_layer_cache_lookups_total',
      help: 'Warped smart-object layers renders needed, by result (hit: kept; shared: waited for another render warping it; miss: warped)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

/** The decoded-artwork cache's size, read when /metrics is scraped. */
export function registerArtworkCacheSize(registry: Registry, stats: ArtworkCacheStats): void {
  new Gauge({
    name: 'render_artwork_cache_bytes',
    help: 'Bytes of decoded artwork held by the artwork cache (ARTWORK_CACHE_BYTES bounds it)',
    registers: [registry],
    collect() {
      this.set(stats.bytes);
    },
  });
}

/** The warped-layer cache's size, read when /metrics is scraped. */
export function registerWarpedLayerCacheSize(registry: Registry, stats: WarpedLayerCacheStats): void {
  new Gauge({
    name: 'render_warped_layer_cache_bytes',
    help: 'Bytes of warped smart-object layers held by the warped-layer cache (WARPED_LAYER_CACHE_BYTES bounds it)',
    registers: [registry],
    collect() {
      this.set(stats.bytes);
    },
  });
}

/**
 * The kernel threads' own V8 heaps, read when /metrics is scraped. prom-client's nodejs_heap_*
 * metrics count the main thread only; these heaps are the rest of the JavaScript in the resident set.
 */
export function registerKernelThreadsHeap(registry: Registry, pool: Pick<KernelPool, 'heap'>): void {
  new Gauge({
    name: 'render_kernel_threads_heap_bytes',
    help: "The compositor's kernel threads' V8 heaps, summed, as of each thread's latest task (used: in use; total: reserved; external: outside the heap, held from it)",
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const heap = pool.heap();
      this.set({ kind: 'used' }, heap.usedBytes);
      this.set({ kind: 'total' }, heap.totalBytes);
      this.set({ kind: 'external' }, heap.externalBytes);
    },
  });
}

/** Bounded label values: built-in slugs are few and fixed; uploads would be unbounded. */
export function templateLabel(template: { accountId: string | null; slug: string }): string {
  return template.accountId === null ? template.slug : 'custom';
}
