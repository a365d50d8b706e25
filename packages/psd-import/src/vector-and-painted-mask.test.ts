// A layer with both a vector mask and a painted mask, as Photoshop stores it: its mask channel is
// the vector's rasterisation ("from vector data") and the painted mask comes apart (ag-psd's
// realMask). Photoshop shows the layer only where both do. The document is written with ag-psd.
import { randomUUID } from 'node:crypto';
import { createCompositor, createKernelPool, templateManifestSchema } from '@platen/compositor';
import { writePsdBuffer, type Layer, type Psd } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { importLayers } from './psd-importer.js';
import { solidPixels } from './test-psd.js';

const W = 40;
const H = 20;
const COLOUR: [number, number, number] = [200, 60, 40];
const INVERTED = [55, 195, 215];

/** An Invert layer: vector mask over the top half, painted mask white on the left half. */
function document(): Buffer {
  setUpAgPsd();
  const corner = (x: number, y: number) => ({ linked: false, points: [x, y, x, y, x, y] });
  const invert: Layer = {
    name: 'Invert 1',
    adjustment: { type: 'invert' },
    vectorMask: {
      paths: [
        {
          open: false,
          operation: 'combine',
          fillRule: 'even-odd',
          knots: [corner(0, 0), corner(W, 0), corner(W, H / 2), corner(0, H / 2)],
        },
      ],
    },
    mask: {
      left: 0,
      top: 0,
      right: W,
      bottom: H / 2,
      defaultColor: 0,
      fromVectorData: true,
      imageData: solidPixels(W, H / 2, [255, 255, 255]),
    },
    realMask: {
      left: 0,
      top: 0,
      right: W / 2,
      bottom: H,
      defaultColor: 0,
      imageData: solidPixels(W / 2, H, [255, 255, 255]),
    },
  };
  const base: Layer = {
    name: 'Base',
    left: 0,
    top: 0,
    right: W,
    bottom: H,
    imageData: solidPixels(W, H, COLOUR),
  };
  const psd: Psd = { width: W, height: H, children: [base, invert] };
  return Buffer.from(writePsdBuffer(psd));
}

describe('a layer with a vector mask and a painted mask', () => {
  it('applies where both masks show it, as Photoshop does', async () => {
    const { imported } = await importLayers(document(), { smartObjectUuid: () => randomUUID() });
    expect(imported.warnings).toEqual([]);
    const manifest = templateManifestSchema.parse(imported.manifest);
    const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 8_000_000 });
    const prepared = await compositor.prepare({ id: 'masks', version: 1, manifest }, imported.assets);
    const { data, info } = await sharp((await compositor.render(prepared, [], { format: 'png' })).data)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    expect(at(5, 5)).toEqual(INVERTED);
    // Under the vector mask but outside the painted one, and the other way round: untouched.
    expect(at(30, 5)).toEqual(COLOUR);
    expect(at(5, 15)).toEqual(COLOUR);
    expect(at(30, 15)).toEqual(COLOUR);
  });
});
