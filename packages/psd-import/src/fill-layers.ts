// A fill or shape layer that stores no pixels, drawn as Photoshop draws it: its content (colour,
// gradient, pattern) through its vector mask, as the pixels Photoshop would have stored. The
// layer's raster mask, fill opacity, opacity and blend mode apply afterwards, as for any layer.
// Everything is within the canvas (nothing outside it can show) and cropped to what is visible.
import type { Layer, Psd } from 'ag-psd';
import { drawFillContent, type Placed } from './fill-content.js';
import type { Box } from './pixels.js';
import { boundsOf, intersect, rasteriseVectorMask, type Coverage } from './vector-mask.js';

export type FillLayer =
  { kind: 'drawn'; pixels: Placed | undefined; approximated: string[] } | { kind: 'skipped'; reason: string };

/** The largest area one fill layer is drawn over (its planes take about 8 bytes a pixel). */
export const FILL_AREA_MAX = 50_000_000;

export async function drawFillLayer(layer: Layer, psd: Psd): Promise<FillLayer> {
  const fill = layer.vectorFill!;
  const canvas: Box = { x: 0, y: 0, width: psd.width, height: psd.height };
  const vector = layer.vectorMask;
  const approximated: string[] = [];
  let coverage: Coverage | undefined;
  let area: Box | undefined = canvas;
  if (vector && !vector.disable) {
    const feather = layer.mask?.vectorMaskFeather ?? 0;
    if (feather > 0) approximated.push("its vector mask's feather is not drawn (its edge stays sharp)");
    const density = Math.max(0, Math.min(1, layer.mask?.vectorMaskDensity ?? 1));
    const mask = await rasteriseVectorMask(vector, canvas, density);
    if (mask.kind === 'skipped') return mask;
    if (mask.kind === 'coverage') {
      coverage = mask.coverage;
      area = intersect(coverage.box, canvas);
    }
  }
  if (!area) return { kind: 'drawn', pixels: undefined, approximated };
  if (area.width * area.height > FILL_AREA_MAX) {
    return { kind: 'skipped', reason: 'it covers more pixels than an import draws' };
  }
  // "Align with layer" spans the shape's bounds; a fill without a shape spans the canvas.
  const paths = vector && !vector.disable ? vector.paths.filter((path) => path.knots.length > 1) : [];
  const shape = paths.length > 0 && !vector?.invert ? boundsOf(paths) : canvas;
  const content = await drawFillContent(fill, area, {
    canvas,
    layerBox: shape.width > 0 && shape.height > 0 ? shape : canvas,
    shape: paths.length > 0,
    patterns: psd.patterns ?? [],
  });
  if (content.kind === 'skipped') return content;
  if (content.approximated) approximated.push(content.approximated);
  const pixels = content.pixels;
  if (coverage) {
    const { box, alpha } = coverage;
    for (let row = 0; row < pixels.height; row++) {
      for (let col = 0; col < pixels.width; col++) {
        const i = (row + pixels.box.y - box.y) * box.width + (col + pixels.box.x - box.x);
        const o = (row * pixels.width + col) * 4 + 3;
        pixels.data[o] = Math.round(pixels.data[o]! * alpha[i]!);
      }
    }
  }
  return { kind: 'drawn', pixels: cropToVisible(pixels), approximated };
}

/** The pixels cut to the box of their non-transparent ones; undefined when none is. */
function cropToVisible(pixels: Placed): Placed | undefined {
  let [x0, y0, x1, y1] = [pixels.width, pixels.height, -1, -1];
  for (let row = 0; row < pixels.height; row++) {
    for (let col = 0; col < pixels.width; col++) {
      if (pixels.data[(row * pixels.width + col) * 4 + 3] === 0) continue;
      x0 = Math.min(x0, col);
      x1 = Math.max(x1, col);
      y0 = Math.min(y0, row);
      y1 = Math.max(y1, row);
    }
  }
  if (x1 < 0) return undefined;
  if (x0 === 0 && y0 === 0 && x1 === pixels.width - 1 && y1 === pixels.height - 1) return pixels;
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((row + y0) * pixels.width + x0) * 4;
    data.set(pixels.data.subarray(from, from + width * 4), row * width * 4);
  }
  return { width, height, data, box: { x: pixels.box.x + x0, y: pixels.box.y + y0, width, height } };
}
