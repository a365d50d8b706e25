// Real Photoshop files (psd-tools' test documents, see test/fixtures/psd/psd-tools-blend/SOURCES.md):
// three overlapping pure-colour ellipses at 50 % opacity in one blend mode on a transparent canvas,
// rendered from Photoshop's own layer pixels, against the composite Photoshop saved in the file.
// Half opacity over a transparent canvas exercises the partial-alpha arithmetic; pure colours
// exercise the ends of vivid light and hard mix, where Photoshop departs from the textbook formulas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPsd, type Layer } from 'ag-psd';
import sharp from 'sharp';
import { createCompositor, createKernelPool, templateManifestSchema } from '@platen/compositor';
import { setUpAgPsd } from './ag-psd-setup.js';
import { toBlendMode } from './blend-modes.js';
import { encodeRgba } from './pixels.js';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'psd', 'psd-tools-blend');

const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 16_000_000 });

let version = 0;

interface Rgba {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

function readDocument(bytes: Buffer) {
  setUpAgPsd();
  return readPsd(bytes, { skipThumbnail: true, useImageData: true });
}

/** Photoshop's saved composite (straight RGBA). */
function photoshopComposite(bytes: Buffer): Rgba {
  const psd = readDocument(bytes);
  // These documents are 8-bit.
  return { data: psd.imageData!.data as Uint8ClampedArray, width: psd.width, height: psd.height };
}

/**
 * The document's layers as a template, rendered. Each is a shape (a colour fill clipped by a vector
 * mask), drawn as Photoshop draws it: Photoshop's stored pixels, opaque, under a mask holding their
 * alpha (the vector mask's coverage), with the layer's blend mode and opacity. The import path
 * itself refuses these files (they have no smart object), so the manifest is built here, with the
 * importer's blend-mode mapping.
 */
async function platenRender(bytes: Buffer): Promise<Rgba> {
  const psd = readDocument(bytes);
  return renderLayers(psd.width, psd.height, psd.children ?? [], { vectorMasks: true });
}

/** Layers from Photoshop's stored pixels, `vectorMasks`: their alpha as a mask over an opaque fill. */
async function renderLayers(
  width: number,
  height: number,
  psdLayers: Layer[],
  { vectorMasks }: { vectorMasks: boolean },
): Promise<Rgba> {
  const assets = new Map<string, Buffer>();
  const layers = [];
  for (const [index, layer] of psdLayers.entries()) {
    const size = { width: layer.imageData!.width, height: layer.imageData!.height };
    const pixels = layer.imageData!.data as Uint8ClampedArray;
    const fill = new Uint8ClampedArray(pixels);
    if (vectorMasks) for (let i = 3; i < fill.length; i += 4) fill[i] = 255;
    const [x, y] = [layer.left ?? 0, layer.top ?? 0];
    assets.set(`fill-${index}`, await encodeRgba({ ...size, data: fill }));
    if (vectorMasks) assets.set(`mask-${index}`, await encodeRgba({ ...size, data: pixels }));
    layers.push({
      type: 'image' as const,
      name: layer.name ?? `layer ${index}`,
      asset: `fill-${index}`,
      x,
      y,
      ...(vectorMasks ? { mask: { asset: `mask-${index}`, x, y } } : {}),
      blend_mode: toBlendMode(layer.blendMode)!,
      opacity: layer.opacity ?? 1,
    });
  }
  const manifest = templateManifestSchema.parse({ width, height, layers });
  // A new version each time: the compositor caches prepared templates by id and version.
  const prepared = await compositor.prepare({ id: 'blend-fixture', version: ++version, manifest }, assets);
  const out = await compositor.render(prepared, [], { format: 'png' });
  const { data, info } = await sharp(out.data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Per pixel: alpha, and colour where Photoshop's pixel is not fully transparent (its colour there is
 * arbitrary). Returns the mean absolute difference and the worst pixel.
 */
function compare(photoshop: Rgba, platen: Rgba) {
  expect([platen.width, platen.height]).toEqual([photoshop.width, photoshop.height]);
  let sum = 0;
  let count = 0;
  let worst = { off: 0, at: '' };
  for (let i = 0; i < photoshop.data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (c < 3 && photoshop.data[i + 3] === 0) continue;
      const off = Math.abs(photoshop.data[i + c]! - platen.data[i + c]!);
      sum += off;
      count++;
      if (off > worst.off) {
        const pixel = (p: Rgba) => [...p.data.subarray(i, i + 4)].join(',');
        worst = { off, at: `pixel ${i / 4}: Photoshop ${pixel(photoshop)}, Platen ${pixel(platen)}` };
      }
    }
  }
  return { mad: sum / count, worst };
}

describe('blend modes against the composite Photoshop saved', () => {
  it.each(['vivid-light.psd', 'hard-mix.psd'])('%s renders as Photoshop draws it', async (file) => {
    const bytes = readFileSync(join(FIXTURES, file));
    const { mad, worst } = compare(photoshopComposite(bytes), await platenRender(bytes));
    // Rounding only: one level here and there, never a flipped channel.
    expect(mad).toBeLessThan(0.1);
    expect(worst.off <= 2 ? 'within 2' : `${worst.off} off at ${worst.at}`).toBe('within 2');
  });

  describe('dissolve', () => {
    // Photoshop's noise is its own, so the pattern differs; what can match is how much shows and
    // how a shown pixel looks. The noise depends on the position alone (in Photoshop and here), so
    // the three layers, all at 50 %, show through the same pixels: a pixel is either transparent or
    // the three ellipses composited normally at full opacity. The vector masks' soft edges do not
    // dissolve (a pixel's own alpha would: see the compositor's blend-formulas.test.ts).
    const bytes = readFileSync(join(FIXTURES, 'dissolve.psd'));
    let photoshop: Rgba;
    let platen: Rgba;
    beforeAll(async () => {
      photoshop = photoshopComposite(bytes);
      platen = await platenRender(bytes);
    });

    const shown = (image: Rgba, i: number) => image.data[i * 4 + 3]! > 0;

    it('shows the share of pixels the opacity gives, as Photoshop does', () => {
      const psd = readDocument(bytes);
      const covered = new Set<number>();
      for (const layer of psd.children ?? []) {
        const { width, height, data } = layer.imageData!;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const [cx, cy] = [x + layer.left!, y + layer.top!];
            if (cx < 0 || cy < 0 || cx >= psd.width || cy >= psd.height) continue;
            if (data[(y * width + x) * 4 + 3]! > 0) covered.add(cy * psd.width + cx);
          }
        }
      }
      const count = (image: Rgba) => [...covered].filter((i) => shown(image, i)).length;
      const expected = (covered.size * 128) / 255;
      // 3252 pixels lie under some ellipse; a fair draw spreads by about 29 of them, and Photoshop's
      // noise is patchier than that (52.7 % here), so within 100 pixels (3 %).
      expect(covered.size).toBe(3252);
      expect(Math.abs(count(photoshop) - expected)).toBeLessThan(100);
      expect({ platen: count(platen), near: Math.abs(count(platen) - expected) < 100 }).toEqual({
        platen: count(platen),
        near: true,
      });
      // Nothing shows outside the ellipses.
      expect(count(platen)).toBe(platen.data.filter((_v, i) => i % 4 === 3 && _v > 0).length);
    });

    it('draws each pixel both show as Photoshop does, soft edges kept', () => {
      let both = 0;
      let edges = 0;
      let worst = 0;
      for (let i = 0; i < photoshop.width * photoshop.height; i++) {
        if (!shown(photoshop, i) || !shown(platen, i)) continue;
        both++;
        if (photoshop.data[i * 4 + 3]! < 255) edges++;
        for (let c = 0; c < 4; c++) {
          worst = Math.max(worst, Math.abs(photoshop.data[i * 4 + c]! - platen.data[i * 4 + c]!));
        }
      }
      expect(both).toBeGreaterThan(500);
      expect(edges).toBeGreaterThan(20);
      expect(worst).toBeLessThanOrEqual(2);
    });
  });

  it("dissolves a smart object's soft edge pixel by pixel, as Photoshop (rgb-blend-modes.psd)", async () => {
    // The corpus file's "Dissolve" tile: a smart object (a duck with an anti-aliased edge, no mask)
    // dissolving at 100 % over an opaque rectangle, drawn from Photoshop's stored layer pixels.
    const bytes = readFileSync(join(FIXTURES, '..', 'corpus', 'psd-tools_rgb-blend-modes.psd'));
    const psd = readDocument(bytes);
    const tile = psd.children![0]!.children!.find((group) => group.name === 'Dissolve')!;
    const [rect, duck] = tile.children! as [Layer, Layer];
    const platen = await renderLayers(psd.width, psd.height, [rect, duck], { vectorMasks: false });
    const photoshop = photoshopComposite(bytes);
    const at = (layer: Layer, x: number, y: number) => {
      const i = ((y - layer.top!) * layer.imageData!.width + x - layer.left!) * 4;
      return [...layer.imageData!.data.subarray(i, i + 4)];
    };
    const tally = (image: Rgba) => {
      const counts = { duck: 0, backdrop: 0, mixed: 0, alphaSum: 0 };
      for (let y = duck.top!; y < duck.bottom!; y++) {
        for (let x = duck.left!; x < duck.right!; x++) {
          const d = at(duck, x, y);
          if (d[3] === 0 || d[3] === 255) continue;
          counts.alphaSum += d[3]! / 255;
          const p = [...image.data.subarray((y * psd.width + x) * 4, (y * psd.width + x) * 4 + 3)];
          const near = (q: number[]) => p.every((v, c) => Math.abs(v - q[c]!) <= 2);
          if (near(d)) counts.duck++;
          else if (near(at(rect, x, y))) counts.backdrop++;
          else counts.mixed++;
        }
      }
      return counts;
    };
    for (const counts of [tally(photoshop), tally(platen)]) {
      // Each edge pixel wholly duck or wholly rectangle; about alpha of them duck (222 pixels).
      const edge = counts.duck + counts.backdrop + counts.mixed;
      expect(edge).toBe(222);
      expect(counts.mixed).toBe(0);
      expect(Math.abs(counts.duck - counts.alphaSum)).toBeLessThan(25);
    }
  });
});
