import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Compositor } from './compositor.js';
import { createCompositor } from './compositor.js';
import { createKernelPool, type KernelPool } from './kernel-pool.js';
import type { SampleTemplate } from './samples/index.js';
import { createDemoArtwork, listSampleTemplates } from './samples/index.js';
import type { SmartObjectInput } from './template-model.js';
import { smartObjectsOf, templateManifestSchema } from './template-model.js';
import type { PlacedRgba } from './raster.js';
import { createWarpedLayerCache } from './warped-layer-cache.js';

// Real threads load the BUILT worker (dist/kernel-worker.js): build the package first.
const workerUrl = new URL('../dist/kernel-worker.js', import.meta.url);

async function pixels(png: Buffer): Promise<Buffer> {
  return sharp(png).ensureAlpha().raw().toBuffer();
}

describe('warped layers being warped', () => {
  const layer = (): PlacedRgba => ({ x: 0, y: 0, width: 2, height: 1, data: new Uint8ClampedArray(8) });

  it('hands every lookup made during a warp that one warp, then keeps it', async () => {
    const cache = createWarpedLayerCache({ maxBytes: 1024 });
    const first = cache.lookup('k');
    if (first.kind !== 'miss') throw new Error(`expected a miss, got ${first.kind}`);
    const waiting = Array.from({ length: 5 }, () => cache.lookup('k'));
    expect(waiting.map(({ kind }) => kind)).toEqual(Array(5).fill('shared'));

    const warped = layer();
    first.claim.fill(warped);
    for (const found of waiting) if (found.kind === 'shared') expect(await found.layer).toBe(warped);
    expect(cache.lookup('k')).toEqual({ kind: 'hit', layer: warped });
    expect(cache.stats).toMatchObject({ misses: 1, shared: 5, hits: 1, entries: 1, bytes: 8 });
  });

  it('fails the lookups waiting on a failed warp, and forgets it: the next lookup warps afresh', async () => {
    const cache = createWarpedLayerCache({ maxBytes: 1024 });
    const first = cache.lookup('k');
    const waiting = cache.lookup('k');
    if (first.kind !== 'miss' || waiting.kind !== 'shared') throw new Error('expected a miss, then shared');

    first.claim.fail(new Error('kernel thread died'));
    await expect(waiting.layer).rejects.toThrow('kernel thread died');
    const next = cache.lookup('k');
    expect(next.kind).toBe('miss');
    // A late fill of the failed claim does not bring its layer back.
    first.claim.fill(layer());
    expect(cache.stats.entries).toBe(0);
    if (next.kind === 'miss') next.claim.fill(layer());
    expect(cache.lookup('k').kind).toBe('hit');
  });
});

describe('warped layer cache', () => {
  let samples: SampleTemplate[];
  let artwork: Buffer;
  let otherArtwork: Buffer;
  const pools: KernelPool[] = [];

  beforeAll(async () => {
    samples = await listSampleTemplates();
    artwork = await createDemoArtwork(600, 750);
    otherArtwork = await sharp(artwork).negate({ alpha: false }).png().toBuffer();
  }, 600_000);

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  function compositors(threads: number): { cached: Compositor; uncached: Compositor } {
    const pool = () => {
      const created = createKernelPool(threads > 0 ? { threads, workerUrl } : { threads: 0 });
      pools.push(created);
      return created;
    };
    return {
      cached: createCompositor({
        pool: pool(),
        cacheBytes: 300_000_000,
        artworkCacheBytes: 100_000_000,
        warpedLayerCacheBytes: 200_000_000,
      }),
      uncached: createCompositor({ pool: pool(), cacheBytes: 300_000_000 }),
    };
  }

  async function render(
    compositor: Compositor,
    slug: string,
    input: Omit<SmartObjectInput, 'uuid' | 'fit' | 'rotate'> & Partial<SmartObjectInput>,
  ): Promise<Buffer> {
    const sample = samples.find((s) => s.slug === slug)!;
    const prepared = await compositor.prepare(
      { id: slug, version: 1, manifest: sample.manifest },
      sample.assets,
    );
    const uuid = smartObjectsOf(templateManifestSchema.parse(sample.manifest))[0]!.uuid;
    const output = await compositor.render(prepared, [{ uuid, fit: 'cover', rotate: 0, ...input }], {
      format: 'png',
      size: 500,
    });
    return pixels(output.data);
  }

  it.each(['poster-on-wall', 't-shirt', 'tablet-at-angle', 'mug'])(
    '%s: a render from the cached warped layer has exactly the pixels of one warped afresh',
    async (slug) => {
      const { cached, uncached } = compositors(0);
      const first = await render(cached, slug, { asset: artwork });
      const hitsBefore = cached.warpedLayerCache.hits;
      const second = await render(cached, slug, { asset: artwork });

      expect(cached.warpedLayerCache.hits).toBe(hitsBefore + 1);
      const fresh = await render(uncached, slug, { asset: artwork });
      expect(first.equals(fresh)).toBe(true);
      expect(second.equals(fresh)).toBe(true);
    },
    300_000,
  );

  it('serves every product colour of the t-shirt from one warped layer, with the pixels of each colour warped afresh', async () => {
    const { cached, uncached } = compositors(0);
    await render(cached, 't-shirt', { asset: artwork });
    for (const color of ['#1f2a44', '#b3262e']) {
      const hitsBefore = cached.warpedLayerCache.hits;
      const fromCache = await render(cached, 't-shirt', { asset: artwork, color });
      expect(cached.warpedLayerCache.hits).toBe(hitsBefore + 1);
      expect(fromCache.equals(await render(uncached, 't-shirt', { asset: artwork, color }))).toBe(true);
    }
  }, 300_000);

  it('never reuses a layer for other artwork or another placement of it', async () => {
    const { cached, uncached } = compositors(0);
    await render(cached, 'poster-on-wall', { asset: artwork });
    const placed = { asset: artwork, size: { width: 300, height: 300 }, position: { top: 40, left: 60 } };
    const cases = [{ asset: otherArtwork }, placed, { ...placed, position: { top: 80, left: 20 } }];

    for (const input of cases) {
      const hitsBefore = cached.warpedLayerCache.hits;
      const fromCache = await render(cached, 'poster-on-wall', input);
      expect(cached.warpedLayerCache.hits).toBe(hitsBefore);
      expect(fromCache.equals(await render(uncached, 'poster-on-wall', input))).toBe(true);
    }
  }, 300_000);

  it('draws a smart object with layer effects afresh every time, from its own alpha', async () => {
    const { cached, uncached } = compositors(0);
    const sample = samples.find((s) => s.slug === 'poster-on-wall')!;
    const manifest = structuredClone(sample.manifest);
    const smartLayer = manifest.layers.find((layer) => layer.type === 'smart_object')!;
    Object.assign(smartLayer, { effects: [{ type: 'drop_shadow', opacity: 0.8, distance: 12, size: 8 }] });
    const withEffects = async (compositor: Compositor, asset: Buffer) => {
      const prepared = await compositor.prepare(
        { id: 'poster-effects', version: 1, manifest },
        sample.assets,
      );
      const uuid = smartObjectsOf(templateManifestSchema.parse(manifest))[0]!.uuid;
      const output = await compositor.render(prepared, [{ uuid, fit: 'cover', rotate: 0, asset }], {
        format: 'png',
        size: 500,
      });
      return pixels(output.data);
    };

    await withEffects(cached, artwork);
    const hitsBefore = cached.warpedLayerCache.hits;
    const again = await withEffects(cached, artwork);
    expect(cached.warpedLayerCache.hits).toBe(hitsBefore);
    expect(again.equals(await withEffects(uncached, artwork))).toBe(true);
    // The shadow changes the picture: the cache did not drop it.
    expect(again.equals(await render(uncached, 'poster-on-wall', { asset: artwork }))).toBe(false);
  }, 300_000);

  it('warps the layer once for renders of one artwork started together, each with the pixels of a fresh warp', async () => {
    const { cached, uncached } = compositors(0);
    const colors = ['#1f2a44', '#b3262e', '#ffffff', '#222222'];
    const before = { ...cached.warpedLayerCache };

    const together = await Promise.all(
      colors.map((color) => render(cached, 't-shirt', { asset: artwork, color })),
    );

    expect(cached.warpedLayerCache.misses - before.misses).toBe(1);
    const served =
      cached.warpedLayerCache.shared + cached.warpedLayerCache.hits - before.shared - before.hits;
    expect(served).toBe(colors.length - 1);
    for (const [i, color] of colors.entries()) {
      expect(together[i]!.equals(await render(uncached, 't-shirt', { asset: artwork, color }))).toBe(true);
    }
  }, 300_000);

  it('lets a render waiting on a warp that failed warp the layer itself, and keeps that one', async () => {
    const inline = createKernelPool({ threads: 0 });
    pools.push(inline);
    let failNext = false;
    const flaky: KernelPool = {
      threads: 0,
      compose: (task) => {
        if (!failNext) return inline.compose(task);
        failNext = false;
        return Promise.reject(new Error('kernel thread died'));
      },
      heap: () => inline.heap(),
      close: () => inline.close(),
    };
    const cached = createCompositor({
      pool: flaky,
      cacheBytes: 300_000_000,
      artworkCacheBytes: 100_000_000,
      warpedLayerCacheBytes: 200_000_000,
    });
    const { uncached } = compositors(0);
    await render(cached, 'mug', { asset: otherArtwork }); // prepared (and warped) with a working pool
    failNext = true;

    const [failed, waited] = await Promise.allSettled([
      render(cached, 'mug', { asset: artwork }),
      render(cached, 'mug', { asset: artwork }),
    ]);

    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'render failed' } });
    const fresh = await render(uncached, 'mug', { asset: artwork });
    expect(waited.status === 'fulfilled' && waited.value.equals(fresh)).toBe(true);
    expect(cached.warpedLayerCache.shared).toBe(1);
    const hitsBefore = cached.warpedLayerCache.hits;
    expect((await render(cached, 'mug', { asset: artwork })).equals(fresh)).toBe(true);
    expect(cached.warpedLayerCache.hits).toBe(hitsBefore + 1);
  }, 300_000);

  it('fills the layer on a kernel thread and blends it there from the cache, with the same pixels', async () => {
    expect(existsSync(fileURLToPath(workerUrl))).toBe(true);
    const { cached, uncached } = compositors(1);
    const fresh = await render(uncached, 'mug', { asset: artwork });
    await render(cached, 'mug', { asset: artwork });
    const hitsBefore = cached.warpedLayerCache.hits;

    const fromCache = await render(cached, 'mug', { asset: artwork });
    expect(cached.warpedLayerCache.hits).toBe(hitsBefore + 1);
    expect(fromCache.equals(fresh)).toBe(true);
  }, 300_000);
});
