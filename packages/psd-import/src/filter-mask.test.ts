// A smart filter mask read from the document (ag-psd's filterEffectsMasks, as Photoshop stores it)
// and drawn as Photoshop does: the filtered artwork through the mask, the unfiltered artwork
// elsewhere. The documents are written with ag-psd; their mask splits the placed layer in halves.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  smartObjectsOf,
  templateManifestSchema,
} from '@platen/compositor';
import { writePsdBuffer, type Filter, type Layer, type Psd } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { importPsd } from './psd-importer.js';
import { solidPixels } from './test-psd.js';

type Rgb = [number, number, number];
type MaskImage = NonNullable<NonNullable<Psd['filterEffectsMasks']>[number]['extra']>;

const W = 60;
const H = 40;
const ART: Rgb = [200, 60, 40];
const INVERTED: Rgb = [55, 195, 215];
const uuid = randomUUID();

const invert: Filter = {
  type: 'invert',
  name: 'Invert',
  opacity: 1,
  blendMode: 'normal',
  enabled: true,
  hasOptions: false,
  foregroundColor: { r: 0, g: 0, b: 0 },
  backgroundColor: { r: 255, g: 255, b: 255 },
};

/** The placed layer covers x 10–50, y 10–30; its filter mask is `mask` (document coordinates). */
function documentWith(mask: MaskImage | undefined, extendWithWhite = true): Buffer {
  setUpAgPsd();
  const placedId = randomUUID();
  const art: Layer = {
    name: 'Art',
    left: 10,
    top: 10,
    right: 50,
    bottom: 30,
    imageData: solidPixels(40, 20, [9, 9, 9]),
    placedLayer: {
      id: randomUUID(),
      placed: placedId,
      type: 'raster',
      transform: [10, 10, 50, 10, 50, 30, 10, 30],
      width: 40,
      height: 20,
      filter: {
        enabled: true,
        validAtPosition: true,
        maskEnabled: true,
        maskLinked: false,
        maskExtendWithWhite: extendWithWhite,
        list: [invert],
      },
    },
  };
  const background: Layer = {
    name: 'Background',
    left: 0,
    top: 0,
    right: W,
    bottom: H,
    imageData: solidPixels(W, H, [128, 128, 128]),
  };
  const psd: Psd = { width: W, height: H, children: [background, art] };
  if (mask) {
    psd.filterEffectsMasks = [
      {
        id: placedId,
        top: 0,
        left: 0,
        bottom: H,
        right: W,
        depth: 8,
        channels: [undefined, undefined],
        extra: mask,
      },
    ];
  }
  return Buffer.from(writePsdBuffer(psd));
}

/** The placed layer's box: white (filters shown) on its left half, black on its right half. */
function halves(compressionMode: 0 | 1): MaskImage {
  const [left, top, right, bottom] = [10, 10, 50, 30];
  const width = right - left;
  const height = bottom - top;
  if (compressionMode === 0) {
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) data.fill(255, y * width, y * width + width / 2);
    return { left, top, right, bottom, compressionMode, data };
  }
  // RLE (PackBits) as Photoshop writes this block: 4-byte row lengths, then per row a run of 20
  // whites and a run of 20 blacks.
  const data = new Uint8Array(height * 4 + height * 4);
  const view = new DataView(data.buffer);
  for (let y = 0; y < height; y++) {
    view.setUint32(y * 4, 4);
    data.set([257 - 20, 255, 257 - 20, 0], height * 4 + y * 4);
  }
  return { left, top, right, bottom, compressionMode, data };
}

async function importAndRender(bytes: Buffer) {
  const result = await importPsd(bytes, { smartObjectUuid: () => uuid });
  const manifest = templateManifestSchema.parse(result.manifest);
  const [so] = smartObjectsOf(manifest);
  const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 8_000_000 });
  const prepared = await compositor.prepare({ id: 'psd', version: 1, manifest }, result.assets);
  const artwork = await sharp({
    create: { width: 40, height: 20, channels: 3, background: { r: 200, g: 60, b: 40 } },
  })
    .png()
    .toBuffer();
  const out = await compositor.render(prepared, [{ uuid, asset: artwork, fit: 'fill', rotate: 0 }], {
    format: 'png',
  });
  const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): Rgb => {
    const i = (y * info.width + x) * info.channels;
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  };
  return { so: so!, warnings: result.warnings, at };
}

describe('smart filter masks from a Photoshop document', () => {
  it.each([
    ['raw', 0],
    ['RLE-compressed', 1],
  ] as const)(
    'applies the filter only to the half the mask shows (%s mask), without a warning',
    async (_what, compression) => {
      const { so, warnings, at } = await importAndRender(documentWith(halves(compression)));
      expect(warnings).toEqual([]);
      expect(so.filter_mask).toBeDefined();
      for (const y of [11, 20, 28]) {
        for (const x of [11, 20, 29]) expect(at(x, y)).toEqual(INVERTED);
        for (const x of [30, 40, 48]) expect(at(x, y)).toEqual(ART);
      }
      // Around the layer the background is untouched.
      expect(at(5, 5)).toEqual([128, 128, 128]);
    },
  );

  it("shows the filter outside the mask's box when the mask extends with white, not when with black", async () => {
    // A black mask over the left half only.
    const left: MaskImage = {
      left: 10,
      top: 10,
      right: 30,
      bottom: 30,
      compressionMode: 0,
      data: new Uint8Array(20 * 20),
    };
    const white = await importAndRender(documentWith(left, true));
    expect(white.at(20, 20)).toEqual(ART);
    expect(white.at(40, 20)).toEqual(INVERTED);
    const black = await importAndRender(documentWith(left, false));
    expect(black.at(20, 20)).toEqual(ART);
    expect(black.at(40, 20)).toEqual(ART);
  });

  it('carries no mask when it shows the filters everywhere', async () => {
    const white: MaskImage = {
      left: 10,
      top: 10,
      right: 50,
      bottom: 30,
      compressionMode: 0,
      data: new Uint8Array(40 * 20).fill(255),
    };
    const { so, warnings, at } = await importAndRender(documentWith(white));
    expect(so.filter_mask).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(at(40, 20)).toEqual(INVERTED);
  });

  it('warns that the mask is not applied when the document stores none for the layer', async () => {
    const { so, warnings, at } = await importAndRender(documentWith(undefined));
    expect(so.filter_mask).toBeUndefined();
    expect(warnings).toEqual([
      {
        layer: 'Art',
        code: 'SMART_FILTER_MASK_IGNORED',
        message: 'The smart filter mask is not read: the smart filters apply to the whole artwork.',
      },
    ]);
    expect(at(40, 20)).toEqual(INVERTED);
  });
});
