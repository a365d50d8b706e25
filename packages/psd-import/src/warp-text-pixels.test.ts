// A preset warp against the pixels Photoshop drew with it: a text layer Photoshop saved under the
// arch preset (test/fixtures/psd/text-warps, MIT). Photoshop warps text with the same envelope as
// smart objects over the text's box (`bounds`); un-warping its pixels through Platen's envelope must
// put the ink back inside the text's unwarped ink box (`boundingBox`), edge to edge.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPsd, type Layer } from 'ag-psd';
import { setUpAgPsd } from './ag-psd-setup.js';
import { envelopeOf, evaluateGrid, type WarpInput } from './warp-envelope.js';

const FILE = join(__dirname, '../../../test/fixtures/psd/text-warps/Aspose.PSD_text_warp.psd');
const STEP = 0.25;

/** The layer's pixels as ag-psd reads them with `useImageData` (no DOM ImageData in Node). */
interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
type TextLayer = Layer & { pixels: Pixels };

function warpedTextLayer(): TextLayer {
  setUpAgPsd();
  const psd = readPsd(readFileSync(FILE), {
    useImageData: true,
    skipCompositeImageData: true,
    skipThumbnail: true,
  });
  const layer = psd.children?.find((child) => child.text?.warp?.style === 'arch');
  if (!layer?.imageData || !layer.text?.bounds || !layer.text.boundingBox) throw new Error('no arch text');
  return { ...layer, pixels: layer.imageData as unknown as Pixels };
}

/**
 * Photoshop's ink seen through a warp of the text's box: the share of its ink outside the warped
 * ink box, and how far (px) the un-warped ink's box lies from the text's unwarped ink box.
 */
function throughWarp(layer: TextLayer, warp: WarpInput | undefined) {
  const { pixels: image, left = 0, top = 0 } = layer;
  const [, , , , tx, ty] = layer.text!.transform!;
  const box = layer.text!.boundingBox!;
  const ink = { left: box.left.value, top: box.top.value, right: box.right.value, bottom: box.bottom.value };
  const envelope = warp ? envelopeOf(warp, { width: 1, height: 1 }) : undefined;
  if (envelope && envelope.kind !== 'grid') throw new Error('no grid');
  const toCanvas = (x: number, y: number): [number, number] => {
    const [u, v] = envelope ? evaluateGrid(envelope.grid, x, y) : [x, y];
    return [u + tx!, v + ty!];
  };
  const alpha = (x: number, y: number) =>
    x < 0 || y < 0 || x >= image.width || y >= image.height ? 0 : image.data[(y * image.width + x) * 4 + 3]!;

  const covered = new Uint8Array(image.width * image.height);
  let found = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (let y = ink.top - 3; y <= ink.bottom + 3; y += STEP) {
    for (let x = ink.left - 3; x <= ink.right + 3; x += STEP) {
      const [cx, cy] = toCanvas(x, y);
      const px = Math.floor(cx - left);
      const py = Math.floor(cy - top);
      const inside = x >= ink.left - 1 && x <= ink.right + 1 && y >= ink.top - 1 && y <= ink.bottom + 1;
      if (inside && px >= 0 && py >= 0 && px < image.width && py < image.height) {
        covered[py * image.width + px] = 1;
      }
      if (alpha(Math.floor(cx - left), Math.floor(cy - top)) > 127) {
        found = {
          left: Math.min(found.left, x),
          top: Math.min(found.top, y),
          right: Math.max(found.right, x + STEP),
          bottom: Math.max(found.bottom, y + STEP),
        };
      }
    }
  }
  let total = 0;
  let outside = 0;
  for (let p = 0; p < covered.length; p++) {
    const a = image.data[p * 4 + 3]!;
    total += a;
    if (!covered[p]) outside += a;
  }
  const off = Math.max(
    Math.abs(found.left - ink.left),
    Math.abs(found.top - ink.top),
    Math.abs(found.right - ink.right),
    Math.abs(found.bottom - ink.bottom),
  );
  return { outside: outside / total, off };
}

describe('the arch preset against the pixels Photoshop drew with it', () => {
  const layer = warpedTextLayer();
  const { style, value, perspective, perspectiveOther, rotate } = layer.text!.warp!;
  const arch: WarpInput = {
    style,
    value,
    perspective,
    perspectiveOther,
    rotate,
    bounds: layer.text!.bounds!,
  };

  it('un-warps every bit of Photoshop ink back into the text, edge to edge within a pixel', () => {
    expect(value).toBe(33);
    const { outside, off } = throughWarp(layer, arch);
    expect(outside).toBeLessThan(0.005);
    expect(off).toBeLessThanOrEqual(1);
  });

  it('tells a wrong envelope from the right one: unwarped, most of the ink lies elsewhere', () => {
    const { outside, off } = throughWarp(layer, undefined);
    expect(outside).toBeGreaterThan(0.2);
    expect(off).toBeGreaterThan(2);
  });
});
