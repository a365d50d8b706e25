// The blend modes that need the whole RGB triple: hue, saturation, color and luminosity as the W3C
// Compositing spec defines them (Lum, ClipColor, SetLum, SetSat; Photoshop uses the same
// definitions), and Photoshop's darker / lighter color, which pick a whole pixel by luminosity.
// Inputs and outputs are straight colours in [0, 1]; `out` receives B(Cb, Cs).

/** B(Cb, Cs) on RGB triples, written to out[0..2]. */
export type RgbBlendFunction = (
  cr: number,
  cg: number,
  cb: number,
  sr: number,
  sg: number,
  sb: number,
  out: Float64Array,
) => void;

const { max, min, round } = Math;

const lum = (r: number, g: number, b: number) => 0.3 * r + 0.59 * g + 0.11 * b;

/** SetLum(C, l) with ClipColor, written to out. */
function setLum(r: number, g: number, b: number, l: number, out: Float64Array): void {
  const d = l - lum(r, g, b);
  r += d;
  g += d;
  b += d;
  const n = min(r, g, b);
  const x = max(r, g, b);
  if (n < 0) {
    const k = l / (l - n);
    r = l + (r - l) * k;
    g = l + (g - l) * k;
    b = l + (b - l) * k;
  }
  if (x > 1) {
    const k = (1 - l) / (x - l);
    r = l + (r - l) * k;
    g = l + (g - l) * k;
    b = l + (b - l) * k;
  }
  out[0] = r;
  out[1] = g;
  out[2] = b;
}

/** SetSat(C, s): the channels keep their order, max − min becomes s (all 0 for a grey C). */
function setSat(r: number, g: number, b: number, s: number, out: Float64Array): void {
  const hi = max(r, g, b);
  const lo = min(r, g, b);
  if (hi <= lo) {
    out[0] = out[1] = out[2] = 0;
    return;
  }
  const k = s / (hi - lo);
  out[0] = (r - lo) * k;
  out[1] = (g - lo) * k;
  out[2] = (b - lo) * k;
}

const sat = (r: number, g: number, b: number) => max(r, g, b) - min(r, g, b);

const hue: RgbBlendFunction = (cr, cg, cb, sr, sg, sb, out) => {
  setSat(sr, sg, sb, sat(cr, cg, cb), out);
  setLum(out[0]!, out[1]!, out[2]!, lum(cr, cg, cb), out);
};

const saturation: RgbBlendFunction = (cr, cg, cb, sr, sg, sb, out) => {
  setSat(cr, cg, cb, sat(sr, sg, sb), out);
  setLum(out[0]!, out[1]!, out[2]!, lum(cr, cg, cb), out);
};

const color: RgbBlendFunction = (cr, cg, cb, sr, sg, sb, out) => setLum(sr, sg, sb, lum(cr, cg, cb), out);

const luminosity: RgbBlendFunction = (cr, cg, cb, sr, sg, sb, out) =>
  setLum(cr, cg, cb, lum(sr, sg, sb), out);

/**
 * Photoshop's luminosity of a colour whose channels are bytes / 255, as the integer
 * 30R + 59G + 11B: pixels of equal luminosity compare equal (floats would pick either by rounding).
 */
const lumKey = (r: number, g: number, b: number) => round((30 * r + 59 * g + 11 * b) * 255);

function pick(
  useSource: boolean,
  cr: number,
  cg: number,
  cb: number,
  sr: number,
  sg: number,
  sb: number,
  out: Float64Array,
) {
  out[0] = useSource ? sr : cr;
  out[1] = useSource ? sg : cg;
  out[2] = useSource ? sb : cb;
}

// On equal luminosity the backdrop stays: the source replaces it only when strictly darker/lighter.
const darkerColor: RgbBlendFunction = (cr, cg, cb, sr, sg, sb, out) =>
  pick(lumKey(sr, sg, sb) < lumKey(cr, cg, cb), cr, cg, cb, sr, sg, sb, out);

const lighterColor: RgbBlendFunction = (cr, cg, cb, sr, sg, sb, out) =>
  pick(lumKey(sr, sg, sb) > lumKey(cr, cg, cb), cr, cg, cb, sr, sg, sb, out);

export const RGB_BLEND_FUNCTIONS = {
  hue,
  saturation,
  color,
  luminosity,
  'darker-color': darkerColor,
  'lighter-color': lighterColor,
} as const satisfies Record<string, RgbBlendFunction>;

export type RgbBlendMode = keyof typeof RGB_BLEND_FUNCTIONS;
