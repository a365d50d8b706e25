// The shapes of Photoshop's layer effects, drawn from a layer's alpha: the one implementation that
// both the PSD importer (effects baked for pixel layers) and renders (a smart object's effects,
// drawn from its placed artwork) use. Pure: RGBA in, one-channel planes (0..1) out.
//
// Photoshop's "size" blurs the shape: here three box blurs of radius size/3 (an approximate
// gaussian whose reach is `size` pixels each way). Spread (drop shadow) and choke (glow) raise the
// blurred alpha's contrast: alpha / (1 - spread), clamped, so 100 % is a hard edge. A stroke's width
// is an exact Euclidean distance to the layer's edge (alpha ≥ 50 %), anti-aliased over one pixel.

/** A rectangle in canvas pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A layer's straight RGBA pixels (only alpha is read) over a canvas box. */
export interface EffectSource {
  box: Box;
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Where effects may be drawn: a canvas at (0, 0) or a patch of one at (x, y). */
export interface EffectBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/** One-channel image over a canvas box. */
export interface Plane {
  box: Box;
  alpha: Float32Array;
}

/** The plane as RGBA pixels of one colour, its alpha the plane's coverage (an effect's layer). */
export function coloredPlane(plane: Plane, [r, g, b]: readonly number[]): Uint8ClampedArray {
  const data = new Uint8ClampedArray(plane.alpha.length * 4);
  for (let i = 0; i < plane.alpha.length; i++) {
    data[i * 4] = r!;
    data[i * 4 + 1] = g!;
    data[i * 4 + 2] = b!;
    data[i * 4 + 3] = Math.round(plane.alpha[i]! * 255);
  }
  return data;
}

/** The layer's box grown by `reach` each way (moved by `offset`), within `bounds`; undefined if empty. */
function workBox(layer: EffectSource, bounds: EffectBounds, reach: number, offset = { x: 0, y: 0 }) {
  const [left, top] = [bounds.x ?? 0, bounds.y ?? 0];
  const x0 = Math.max(left, layer.box.x + Math.min(0, offset.x) - reach);
  const y0 = Math.max(top, layer.box.y + Math.min(0, offset.y) - reach);
  const x1 = Math.min(left + bounds.width, layer.box.x + layer.width + Math.max(0, offset.x) + reach);
  const y1 = Math.min(top + bounds.height, layer.box.y + layer.height + Math.max(0, offset.y) + reach);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The layer's alpha (0..1) over `box`, moved by `offset`. */
function shapeIn(layer: EffectSource, box: Box, offset: { x: number; y: number }): Float32Array {
  const alpha = new Float32Array(box.width * box.height);
  // Only the layer's rows and columns that land in the box are read.
  const [dx, dy] = [layer.box.x + offset.x - box.x, layer.box.y + offset.y - box.y];
  const [col0, col1] = [Math.max(0, -dx), Math.min(layer.width, box.width - dx)];
  const [row0, row1] = [Math.max(0, -dy), Math.min(layer.height, box.height - dy)];
  for (let row = row0; row < row1; row++) {
    const to = (row + dy) * box.width + dx;
    const from = row * layer.width;
    for (let col = col0; col < col1; col++) alpha[to + col] = layer.data[(from + col) * 4 + 3]! / 255;
  }
  return alpha;
}

/** The canvas box around the layer's pixels that are not fully transparent, or undefined if none are. */
export function shownBox(layer: EffectSource): Box | undefined {
  let [x0, y0, x1, y1] = [layer.width, layer.height, -1, -1];
  for (let row = 0; row < layer.height; row++) {
    const from = row * layer.width * 4 + 3;
    let first = -1;
    for (let col = 0; col < layer.width; col++) {
      if (layer.data[from + col * 4] !== 0) {
        first = col;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let col = layer.width - 1; col > first; col--) {
      if (layer.data[from + col * 4] !== 0) {
        last = col;
        break;
      }
    }
    [x0, x1] = [Math.min(x0, first), Math.max(x1, last)];
    [y0, y1] = [Math.min(y0, row), row];
  }
  if (x1 < 0) return undefined;
  return { x: layer.box.x + x0, y: layer.box.y + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The blurred, spread shape of a shadow or glow, or undefined when it falls outside `bounds`. */
export function softShape(
  layer: EffectSource,
  bounds: EffectBounds,
  { size, spread, offset }: { size: number; spread: number; offset: { x: number; y: number } },
): Plane | undefined {
  const box = workBox(layer, bounds, Math.ceil(size), offset);
  if (!box) return undefined;
  const alpha = shapeIn(layer, box, offset);
  soften(alpha, box, size, spread);
  return { box, alpha };
}

/** Photoshop's size and spread (choke) on a shape, in place: blurred, then its contrast raised. */
function soften(alpha: Float32Array, box: Box, size: number, spread: number): void {
  const radius = Math.round(size / 3);
  if (radius > 0) for (let pass = 0; pass < 3; pass++) boxBlur(alpha, box.width, box.height, radius);
  if (spread > 0) {
    const gain = spread >= 1 ? Infinity : 1 / (1 - spread);
    for (let i = 0; i < alpha.length; i++) alpha[i] = alpha[i]! > 0 ? Math.min(1, alpha[i]! * gain) : 0;
  }
}

/** A box blur of `radius` along rows then columns, in place (pixels outside count as 0). */
export function boxBlur(alpha: Float32Array, width: number, height: number, radius: number): void {
  const line = new Float32Array(Math.max(width, height));
  const run = (start: number, step: number, length: number) => {
    for (let i = 0; i < length; i++) line[i] = alpha[start + i * step]!;
    let sum = 0;
    for (let i = 0; i < Math.min(radius, length); i++) sum += line[i]!;
    const span = 2 * radius + 1;
    for (let i = 0; i < length; i++) {
      if (i + radius < length) sum += line[i + radius]!;
      if (i - radius - 1 >= 0) sum -= line[i - radius - 1]!;
      alpha[start + i * step] = sum / span;
    }
  };
  for (let row = 0; row < height; row++) run(row * width, 1, width);
  for (let col = 0; col < width; col++) run(col, width, height);
}

/** A stroke's alpha: the band within `size` pixels outside, inside or across the layer's edge. */
export function strokeShape(
  layer: EffectSource,
  bounds: EffectBounds,
  size: number,
  position: 'inside' | 'center' | 'outside',
): Plane | undefined {
  // The band lies within `size` of what the layer shows: the (costly) distance transforms run over
  // that, not over the layer's whole box (a canvas-sized layer or artwork with a small design).
  const shown = size > 0 ? shownBox(layer) : undefined;
  if (!shown) return undefined;
  const box = workBox(
    { ...layer, box: shown, width: shown.width, height: shown.height },
    bounds,
    Math.ceil(size) + 1,
  );
  if (!box) return undefined;
  const alpha = shapeIn(layer, box, { x: 0, y: 0 });
  const outer = position === 'outside' ? size : position === 'center' ? size / 2 : 0;
  const inner = position === 'inside' ? size : position === 'center' ? size / 2 : 0;
  // Each side's distances only when the band reaches that side (each transform is the costly part).
  const inside = outer > 0 ? distanceTo(alpha, box, (a) => a >= 0.5) : undefined;
  const outside = inner > 0 ? distanceTo(alpha, box, (a) => a < 0.5) : undefined;
  const band = new Float32Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    // Outside the edge the band covers what the layer leaves; inside it, what the layer covers.
    const out = inside ? coverage(outer - inside[i]!) * (1 - a) : 0;
    const into = outside ? coverage(inner - outside[i]!) * a : 0;
    band[i] = Math.min(1, out + into);
  }
  return { box, alpha: band };
}

/** How much of a pixel `margin` pixels inside a band of whole pixels (distance 1 = the first ring) it covers. */
const coverage = (margin: number) => Math.max(0, Math.min(1, margin + 1));

/** Euclidean distance from every pixel to the nearest pixel where `is` holds (Felzenszwalb's transform). */
function distanceTo(alpha: Float32Array, box: Box, is: (a: number) => boolean): Float32Array {
  const { width, height } = box;
  const far = (width + height) ** 2;
  const squared = new Float64Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) squared[i] = is(alpha[i]!) ? 0 : far;
  const line = new Float64Array(Math.max(width, height));
  const out = new Float64Array(Math.max(width, height));
  for (let col = 0; col < width; col++) {
    for (let row = 0; row < height; row++) line[row] = squared[row * width + col]!;
    transform1d(line, height, out);
    for (let row = 0; row < height; row++) squared[row * width + col] = out[row]!;
  }
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) line[col] = squared[row * width + col]!;
    transform1d(line, width, out);
    for (let col = 0; col < width; col++) squared[row * width + col] = out[col]!;
  }
  const distance = new Float32Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) distance[i] = Math.sqrt(squared[i]!);
  return distance;
}

function transform1d(f: Float64Array, n: number, d: Float64Array): void {
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    d[q] = (q - v[k]!) ** 2 + f[v[k]!]!;
  }
}

/**
 * An inner shadow's or glow's strength over the layer's box: what lies outside the layer (moved by
 * `offset`), blurred and choked, seen from inside. The layer's own alpha masks it in `paint`.
 */
export function innerShape(
  layer: EffectSource,
  { size, spread, offset }: { size: number; spread: number; offset: { x: number; y: number } },
): Float32Array & { width: number } {
  // Far enough out that the blur never reaches the work box's edge (where "outside" ends).
  const pad = Math.ceil(size) + 3 + Math.max(Math.abs(offset.x), Math.abs(offset.y));
  const box = {
    x: layer.box.x - pad,
    y: layer.box.y - pad,
    width: layer.width + 2 * pad,
    height: layer.height + 2 * pad,
  };
  const alpha = shapeIn(layer, box, offset);
  for (let i = 0; i < alpha.length; i++) alpha[i] = 1 - alpha[i]!;
  soften(alpha, box, size, spread);
  const plane = Object.assign(new Float32Array(layer.width * layer.height), { width: layer.width });
  for (let row = 0; row < layer.height; row++) {
    plane.set(
      alpha.subarray((row + pad) * box.width + pad, (row + pad) * box.width + pad + layer.width),
      row * layer.width,
    );
  }
  return plane;
}
