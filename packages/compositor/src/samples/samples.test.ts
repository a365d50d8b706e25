import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Compositor } from '../compositor.js';
import { createCompositor } from '../compositor.js';
import { createKernelPool } from '../kernel-pool.js';
import { smartObjectsOf, templateManifestSchema } from '../template-model.js';
import type { TemplateManifestInput } from '../template-model.js';
import type { SampleTemplate } from './index.js';
import { createDemoArtwork, listSampleTemplates } from './index.js';
import { PRINT_POSITION } from './t-shirt.js';

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

  it('keeps the t-shirt care label grey on a coloured shirt: only the cloth takes the product colour', async () => {
    const sample = samples.find((s) => s.slug === 't-shirt')!;
    const prepared = await compositor.prepare(
      { id: 't-shirt', version: 1, manifest: sample.manifest },
      sample.assets,
    );
    const uuid = smartObjectsOf(templateManifestSchema.parse(sample.manifest))[0]!.uuid;
    const red = await compositor.render(
      prepared,
      [{ uuid, asset: artwork, fit: 'cover', rotate: 0, color: '#b3262e' }],
      { format: 'png' },
    );
    const { data, info } = await sharp(red.data).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): [number, number, number] => {
      const o = (y * info.width + x) * info.channels;
      return [data[o]!, data[o + 1]!, data[o + 2]!];
    };
    // Inside the back of the neck: the label (grey) and the cloth beside it (red, in shadow).
    const [lr, lg, lb] = at(780, 404);
    expect(Math.max(lr, lg, lb) - Math.min(lr, lg, lb)).toBeLessThan(12);
    const [cr, cg, cb] = at(740, 404);
    expect(cr).toBeGreaterThan(cg + 30);
    expect(cr).toBeGreaterThan(cb + 30);
  }, 60_000);

  describe('the t-shirt print lies in the cloth', () => {
    let sample: SampleTemplate;
    let uuid: string;
    /** The print's place on the canvas, less a margin where its displaced edge wanders. */
    const inner = {
      x0: PRINT_POSITION.x + 30,
      x1: PRINT_POSITION.x + PRINT_POSITION.width - 30,
      y0: PRINT_POSITION.y + 30,
      y1: PRINT_POSITION.y + PRINT_POSITION.height - 30,
    };

    beforeAll(() => {
      sample = samples.find((s) => s.slug === 't-shirt')!;
      uuid = smartObjectsOf(templateManifestSchema.parse(sample.manifest))[0]!.uuid;
    });

    /** The render at full canvas size (1600 × 2000) as grey levels, one byte per pixel. */
    async function renderGrey(manifest: TemplateManifestInput, art: Buffer, id: string) {
      const prepared = await compositor.prepare({ id, version: 1, manifest }, sample.assets);
      const { data } = await compositor.render(prepared, [{ uuid, asset: art, fit: 'fill', rotate: 0 }], {
        format: 'png',
      });
      const grey = await sharp(data).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect([grey.info.width, grey.info.height]).toEqual([1600, 2000]);
      return { data: grey.data, width: grey.info.width };
    }

    /** Per canvas row, the centre of the dark pixels of a vertical line (null where none). */
    function lineCentres(image: { data: Buffer; width: number }): number[] {
      const centres: number[] = [];
      for (let y = inner.y0; y < inner.y1; y++) {
        let sum = 0;
        let count = 0;
        for (let x = inner.x0; x < inner.x1; x++) {
          if (image.data[y * image.width + x]! < 70) {
            sum += x;
            count++;
          }
        }
        expect(count).toBeGreaterThan(0);
        centres.push(sum / count);
      }
      return centres;
    }

    it('bends a straight line of the artwork across the folds, where a flat shirt would keep it straight', async () => {
      // A black vertical line down the middle of a light grey artwork.
      const line = await sharp({
        create: { width: 1200, height: 1500, channels: 3, background: '#d0d0d0' },
      })
        .composite([
          {
            input: { create: { width: 12, height: 1500, channels: 3, background: '#000000' } },
            left: 594,
            top: 0,
          },
        ])
        .png()
        .toBuffer();
      const flatManifest = structuredClone(sample.manifest);
      for (const layer of flatManifest.layers) if (layer.type === 'smart_object') delete layer.displacement;

      const folded = lineCentres(await renderGrey(sample.manifest, line, 't-shirt-line'));
      const flat = lineCentres(await renderGrey(flatManifest, line, 't-shirt-line-flat'));
      const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
      // Within a pixel or two: the shading moves the antialiased edges across the threshold.
      expect(spread(flat)).toBeLessThan(2);
      expect(spread(folded)).toBeGreaterThan(8);
      // It bends, it does not break: neighbouring rows stay within a pixel of each other.
      for (let i = 1; i < folded.length; i++) expect(Math.abs(folded[i]! - folded[i - 1]!)).toBeLessThan(1.5);
    }, 60_000);

    it("darkens the print in the folds' shadows and keeps it light where the cloth catches the light", async () => {
      const grey = await sharp({
        create: { width: 1200, height: 1500, channels: 3, background: '#a0a0a0' },
      })
        .png()
        .toBuffer();
      const render = await renderGrey(sample.manifest, grey, 't-shirt-grey');
      // The darkest and the brightest patch of cloth under the print in the studio photo.
      const photo = await sharp(sample.assets.get('studio.jpg'))
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const mean = (image: { data: Buffer | Uint8Array; width: number }, cx: number, cy: number) => {
        let sum = 0;
        for (let y = cy - 4; y <= cy + 4; y++)
          for (let x = cx - 4; x <= cx + 4; x++) sum += image.data[y * image.width + x]!;
        return sum / 81;
      };
      let shadow = { x: 0, y: 0, value: Infinity };
      let highlight = { x: 0, y: 0, value: -Infinity };
      for (let y = inner.y0; y < inner.y1; y += 6) {
        for (let x = inner.x0; x < inner.x1; x += 6) {
          const value = mean({ data: photo.data, width: photo.info.width }, x, y);
          if (value < shadow.value) shadow = { x, y, value };
          if (value > highlight.value) highlight = { x, y, value };
        }
      }
      expect(highlight.value - shadow.value).toBeGreaterThan(30);
      const inShadow = mean(render, shadow.x, shadow.y);
      const inLight = mean(render, highlight.x, highlight.y);
      expect(inLight - inShadow).toBeGreaterThan(25);
      // Shaded, not painted over: on lit cloth the print keeps about its own grey (0xa0 = 160).
      expect(Math.abs(inLight - 160)).toBeLessThan(25);
      // Without the shading layer the same spots are alike: the difference is the shading's.
      const unshadedManifest = structuredClone(sample.manifest);
      for (const layer of unshadedManifest.layers) if (layer.type === 'smart_object') delete layer.shading;
      const unshaded = await renderGrey(unshadedManifest, grey, 't-shirt-grey-unshaded');
      expect(
        Math.abs(mean(unshaded, highlight.x, highlight.y) - mean(unshaded, shadow.x, shadow.y)),
      ).toBeLessThan(8);
    }, 60_000);
  });
});
