import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Compositor } from '../compositor.js';
import { createCompositor } from '../compositor.js';
import { createKernelPool } from '../kernel-pool.js';
import { smartObjectsOf, templateManifestSchema } from '../template-model.js';
import type { SampleTemplate } from './index.js';
import { createDemoArtwork, listSampleTemplates } from './index.js';

// Golden renders live next to this file; regenerate after a deliberate change with
// UPDATE_GOLDEN=1 and look at them before committing.
const GOLDEN_DIR = join(__dirname, '__golden__');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function meanDifference(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all(
    [a, b].map((img) => sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true })),
  );
  expect([x!.info.width, x!.info.height]).toEqual([y!.info.width, y!.info.height]);
  let sum = 0;
  for (let i = 0; i < x!.data.length; i++) sum += Math.abs(x!.data[i]! - y!.data[i]!);
  return sum / x!.data.length;
}

describe('sample templates', () => {
  let samples: SampleTemplate[];
  let compositor: Compositor;
  let artwork: Buffer;

  beforeAll(async () => {
    samples = await listSampleTemplates();
    compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 200_000_000 });
    artwork = await createDemoArtwork(600, 750);
  }, 180_000);

  it('offers the four built-in samples, each with a valid manifest and a thumbnail', async () => {
    expect(samples.map((s) => s.slug)).toEqual(['poster-on-wall', 't-shirt', 'tablet-at-angle', 'mug']);
    for (const sample of samples) {
      const manifest = templateManifestSchema.parse(sample.manifest);
      expect(smartObjectsOf(manifest)).toHaveLength(1);
      const meta = await sharp(sample.thumbnail).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width, meta.height)).toBe(480);
    }
  });

  it('builds the same samples every time (memoised, deterministic)', async () => {
    expect(await listSampleTemplates()).toBe(samples);
  });

  it.each(['poster-on-wall', 't-shirt', 'tablet-at-angle', 'mug'])(
    '%s renders the demo artwork like its reviewed golden image',
    async (slug) => {
      const sample = samples.find((s) => s.slug === slug)!;
      const prepared = await compositor.prepare(
        { id: slug, version: 1, manifest: sample.manifest },
        sample.assets,
      );
      const inputs = smartObjectsOf(templateManifestSchema.parse(sample.manifest)).map((so) => ({
        uuid: so.uuid,
        asset: artwork,
        fit: 'cover' as const,
        rotate: 0,
      }));
      const { data } = await compositor.render(prepared, inputs, { format: 'png', size: 200 });
      const golden = join(GOLDEN_DIR, `${slug}.png`);
      if (UPDATE || !existsSync(golden)) {
        if (!UPDATE) throw new Error(`missing golden ${golden}: run with UPDATE_GOLDEN=1 and review it`);
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(golden, data);
      }
      expect(await meanDifference(data, readFileSync(golden))).toBeLessThan(2);
    },
    60_000,
  );

  it('colours the t-shirt with the requested product colour', async () => {
    const sample = samples.find((s) => s.slug === 't-shirt')!;
    const prepared = await compositor.prepare(
      { id: 't-shirt', version: 1, manifest: sample.manifest },
      sample.assets,
    );
    const uuid = smartObjectsOf(templateManifestSchema.parse(sample.manifest))[0]!.uuid;
    const navy = await compositor.render(
      prepared,
      [{ uuid, asset: artwork, fit: 'cover', rotate: 0, color: '#1f2a44' }],
      {
        format: 'png',
        size: 200,
      },
    );
    // A sleeve, far from the print: white fabric by default, navy when asked.
    const { data, info } = await sharp(navy.data).raw().toBuffer({ resolveWithObject: true });
    const sleeve =
      (Math.round(0.32 * info.height) * info.width + Math.round(0.16 * info.width)) * info.channels;
    const [r, g, b] = [data[sleeve]!, data[sleeve + 1]!, data[sleeve + 2]!];
    expect(b).toBeGreaterThan(r + 15);
    expect(Math.max(r, g, b)).toBeLessThan(90);
  });
});
