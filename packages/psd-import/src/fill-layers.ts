// A fill or shape layer that stores no pixels, drawn as Photoshop draws it: its content (colour,
// gradient, pattern) through its vector mask, and a shape's stroke (its own content, in a band
// inside, across or outside the shape's edge) over it, as the pixels Photoshop would have stored.
// The layer's raster mask, fill opacity, opacity and blend mode apply afterwards, as for any layer.
// Everything is within the canvas (nothing outside it can show) and cropped to what is visible.
import type { Layer, Psd } from 'ag-psd';
import { drawFillContent, type FillContext, type Placed } from './fill-content.js';
import { strokeShape, type Plane } from '@platen/compositor';
import { intersect, type Box } from './pixels.js';
import { boundsOf, rasteriseVectorMask, type Coverage } from './vector-mask.js';
import { EXACT_FEATHER_MAX, featherApproximated, vectorMaskProperties } from './mask-properties.js';

export type FillLayer =
  { kind: 'drawn'; pixels: Placed | undefined; approximated: string[] } | { kind: 'skipped'; reason: string };

/** The largest area one fill layer is drawn over (its planes take about 8 bytes a pixel). */
export const FILL_AREA_MAX = 50_000_000;
/** What all the fill layers of one import may draw together (their pixels stay until encoded). */
export const FILL_BUDGET = 100_000_000;

/** Draws the layer; `budget.pixels` (what the import's fills may still cover) is spent on it. */
export async function drawFillLayer(
  layer: Layer,
  psd: Psd,
  budget: { pixels: number } = { pixels: FILL_BUDGET },
): Promise<FillLayer> {
  const fill = layer.vectorFill!;
  const canvas: Box = { x: 0, y: 0, width: psd.width, height: psd.height };
  const vector = layer.vectorMask;
  const approximated: string[] = [];
  let coverage: Coverage | undefined;
  /** The shape a stroke follows: the mask's, unfeathered. */
  let strokeCoverage: Coverage | undefined;
  let area: Box | undefined = canvas;
  const stroke = layer.vectorStroke;
  if (vector && !vector.disable) {
    const props = vectorMaskProperties(layer);
    if (featherApproximated(props.feather)) {
      approximated.push(
        `its vector mask's feather above ${EXACT_FEATHER_MAX} px is drawn with an approximate Gaussian`,
      );
    }
    if (props.feather > 0 && stroke?.strokeEnabled) {
      approximated.push("its stroke follows the shape's sharp edge, not the feathered one");
    }
    const mask = await rasteriseVectorMask(vector, canvas, props);
    if (mask.kind === 'skipped') return mask;
    if (mask.kind === 'coverage') {
      coverage = mask.coverage;
      area = intersect(coverage.box, canvas);
    }
    if (mask.kind === 'coverage' && props.feather > 0 && stroke?.strokeEnabled) {
      const sharp = await rasteriseVectorMask(vector, canvas, { ...props, feather: 0 });
      if (sharp.kind === 'coverage') strokeCoverage = sharp.coverage;
    }
  }
  if (!area) return { kind: 'drawn', pixels: undefined, approximated };
  if (area.width * area.height > FILL_AREA_MAX) {
    return { kind: 'skipped', reason: 'it covers more pixels than an import draws' };
  }
  if (area.width * area.height > budget.pixels) {
    return { kind: 'skipped', reason: "the document's fill layers cover more pixels than an import draws" };
  }
  budget.pixels -= area.width * area.height;
  // "Align with layer" spans the shape's bounds; a fill without a shape spans the canvas.
  const paths = vector && !vector.disable ? vector.paths.filter((path) => path.knots.length > 1) : [];
  const shape = paths.length > 0 && !vector?.invert ? boundsOf(paths) : canvas;
  const context: FillContext = {
    canvas,
    layerBox: shape.width > 0 && shape.height > 0 ? shape : canvas,
    shape: paths.length > 0,
    patterns: psd.patterns ?? [],
  };
  const filled = !stroke?.strokeEnabled || stroke.fillEnabled !== false;
  let pixels: Placed | undefined;
  if (filled) {
    const content = await drawFillContent(fill, area, context);
    if (content.kind === 'skipped') return content;
    if (content.approximated) approximated.push(content.approximated);
    pixels = content.pixels;
    if (coverage) multiplyAlpha(pixels, coverage);
  }
  if (stroke?.strokeEnabled) {
    const drawn = await drawStroke(stroke, strokeCoverage ?? coverage, canvas, context);
    if (drawn.kind === 'skipped') return drawn;
    approximated.push(...drawn.approximated);
    if (drawn.pixels) {
      pixels = pixels
        ? withStroke(pixels, drawn.pixels, canvas, stroke.lineAlignment === 'outside')
        : drawn.pixels;
    }
  }
  return { kind: 'drawn', pixels: pixels && cropToVisible(pixels), approximated };
}

/** `pixels`' alpha times the coverage at the same canvas position (0 outside it), in place. */
function multiplyAlpha(pixels: Placed, { box, alpha }: { box: Box; alpha: Float32Array }): void {
  for (let row = 0; row < pixels.height; row++) {
    for (let col = 0; col < pixels.width; col++) {
      const x = col + pixels.box.x - box.x;
      const y = row + pixels.box.y - box.y;
      const inside = x >= 0 && y >= 0 && x < box.width && y < box.height;
      const o = (row * pixels.width + col) * 4 + 3;
      pixels.data[o] = Math.round(pixels.data[o]! * (inside ? alpha[y * box.width + x]! : 0));
    }
  }
}

type Stroke = NonNullable<Layer['vectorStroke']>;

/** The stroke's pixels: its content within its band around the shape's edge, at its opacity. */
async function drawStroke(
  stroke: Stroke,
  coverage: Coverage | undefined,
  canvas: Box,
  context: FillContext,
): Promise<
  { kind: 'drawn'; pixels: Placed | undefined; approximated: string[] } | { kind: 'skipped'; reason: string }
> {
  const approximated: string[] = [];
  const width = stroke.lineWidth;
  const size =
    !width || width.units === 'Pixels'
      ? (width?.value ?? 1)
      : width.units === 'Points'
        ? (width.value * (stroke.resolution ?? 72)) / 72
        : undefined;
  if (!coverage || size === undefined || !stroke.content) {
    return {
      kind: 'drawn',
      pixels: undefined,
      approximated: [
        "the shape's stroke is not drawn (its width is in units other than pixels or points, or there is no shape to outline)",
      ],
    };
  }
  if (size <= 0) return { kind: 'drawn', pixels: undefined, approximated };
  const alignment = stroke.lineAlignment ?? 'center';
  if ((stroke.lineDashSet ?? []).length > 0)
    approximated.push("the stroke's dashes are drawn as a solid line");
  if (alignment !== 'inside' && (stroke.lineJoinType ?? 'miter') !== 'round') {
    approximated.push("the stroke's outer corners are drawn round, not mitred or bevelled");
  }
  if ((stroke.blendMode ?? 'normal') !== 'normal') {
    approximated.push(`the stroke's "${stroke.blendMode}" blend mode is drawn as normal`);
  }
  // The stroke is worked out on the canvas grown by its width each way and moved back after:
  // where the shape runs off the canvas its edge is there, and so is the stroke (strokeShape only
  // works within the canvas it is given, from 0).
  const reach = Math.ceil(Math.min(size, 1000)) + 2;
  const shape: Placed = {
    width: coverage.box.width,
    height: coverage.box.height,
    data: alphaOnly(coverage.alpha),
    box: { ...coverage.box, x: coverage.box.x + reach, y: coverage.box.y + reach },
  };
  const grown = { width: canvas.width + 2 * reach, height: canvas.height + 2 * reach };
  const shifted = strokeShape(shape, grown, Math.min(size, 1000), alignment);
  const inCanvas =
    shifted && intersect({ ...shifted.box, x: shifted.box.x - reach, y: shifted.box.y - reach }, canvas);
  if (!shifted || !inCanvas) return { kind: 'drawn', pixels: undefined, approximated };
  const band: Plane = { box: inCanvas, alpha: new Float32Array(inCanvas.width * inCanvas.height) };
  for (let row = 0; row < inCanvas.height; row++) {
    const from =
      (row + inCanvas.y + reach - shifted.box.y) * shifted.box.width + (inCanvas.x + reach - shifted.box.x);
    band.alpha.set(shifted.alpha.subarray(from, from + inCanvas.width), row * inCanvas.width);
  }
  const content = await drawFillContent(stroke.content, band.box, context);
  if (content.kind === 'skipped') return { kind: 'skipped', reason: `its stroke: ${content.reason}` };
  if (content.approximated) approximated.push(`its stroke: ${content.approximated}`);
  const opacity = Math.max(0, Math.min(1, stroke.opacity ?? 1));
  const pixels = content.pixels;
  for (let i = 0; i < band.alpha.length; i++) {
    pixels.data[i * 4 + 3] = Math.round(pixels.data[i * 4 + 3]! * band.alpha[i]! * opacity);
  }
  return { kind: 'drawn', pixels, approximated };
}

function alphaOnly(alpha: Float32Array): Uint8ClampedArray {
  const data = new Uint8ClampedArray(alpha.length * 4);
  for (let i = 0; i < alpha.length; i++) data[i * 4 + 3] = Math.round(alpha[i]! * 255);
  return data;
}

/**
 * The stroke drawn onto the fill on a box covering both, within the canvas. Both are anti-aliased
 * along the same edge, so they are not stacked (that would thicken the edge): inside the shape the
 * stroke replaces the fill by its share of the pixel; an outside stroke adds the coverage the shape
 * leaves.
 */
function withStroke(fill: Placed, stroke: Placed, canvas: Box, outside: boolean): Placed {
  const x = Math.max(canvas.x, Math.min(fill.box.x, stroke.box.x));
  const y = Math.max(canvas.y, Math.min(fill.box.y, stroke.box.y));
  const right = Math.min(
    canvas.x + canvas.width,
    Math.max(fill.box.x + fill.width, stroke.box.x + stroke.width),
  );
  const bottom = Math.min(
    canvas.y + canvas.height,
    Math.max(fill.box.y + fill.height, stroke.box.y + stroke.height),
  );
  const [width, height] = [right - x, bottom - y];
  const data = new Uint8ClampedArray(width * height * 4);
  const read = (from: Placed, cx: number, cy: number, into: number[]) => {
    const lx = cx - from.box.x;
    const ly = cy - from.box.y;
    if (lx < 0 || ly < 0 || lx >= from.width || ly >= from.height) {
      into[3] = 0;
      return;
    }
    const i = (ly * from.width + lx) * 4;
    for (let c = 0; c < 4; c++) into[c] = from.data[i + c]!;
  };
  const f = [0, 0, 0, 0];
  const t = [0, 0, 0, 0];
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      read(fill, x + col, y + row, f);
      read(stroke, x + col, y + row, t);
      const fa = f[3]! / 255;
      const sa = t[3]! / 255;
      const a = outside ? Math.min(1, fa + sa) : Math.max(fa, sa);
      const o = (row * width + col) * 4;
      if (a > 0) {
        const w = Math.min(1, sa / a);
        for (let c = 0; c < 3; c++) data[o + c] = Math.round(t[c]! * w + f[c]! * (1 - w));
      }
      data[o + 3] = Math.round(a * 255);
    }
  }
  return { width, height, data, box: { x, y, width, height } };
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
