// Deterministic procedural textures for the sample templates (plaster, wood, fabric folds, knit): a
// seeded PRNG and fractal value noise. The same seed always yields the same pixels.
// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { ceil, floor, max } = Math;

/** mulberry32: a tiny seeded PRNG with good enough statistics for textures. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NoiseOptions {
  /** Lattice spacing in pixels of the first octave (x and y may differ for grain). */
  cellX: number;
  cellY: number;
  seed: number;
  octaves?: number;
  /** Amplitude factor per octave. */
  persistence?: number;
}

/** Fractal value noise in [0, 1], width × height, row-major. */
export function valueNoise(width: number, height: number, options: NoiseOptions): Float32Array {
  const { octaves = 1, persistence = 0.5 } = options;
  const random = createRandom(options.seed);
  const out = new Float32Array(width * height);
  let amplitude = 1;
  let total = 0;
  for (let octave = 0; octave < octaves; octave++) {
    const cellX = max(1, options.cellX / 2 ** octave);
    const cellY = max(1, options.cellY / 2 ** octave);
    const cols = ceil(width / cellX) + 2;
    const rows = ceil(height / cellY) + 2;
    const lattice = new Float32Array(cols * rows);
    for (let i = 0; i < lattice.length; i++) lattice[i] = random();
    for (let y = 0; y < height; y++) {
      const gy = y / cellY;
      const j = floor(gy);
      const ty = smooth(gy - j);
      for (let x = 0; x < width; x++) {
        const gx = x / cellX;
        const i = floor(gx);
        const tx = smooth(gx - i);
        const a = lattice[j * cols + i]!;
        const b = lattice[j * cols + i + 1]!;
        const c = lattice[(j + 1) * cols + i]!;
        const d = lattice[(j + 1) * cols + i + 1]!;
        const top = a + (b - a) * tx;
        out[y * width + x]! += amplitude * (top + (c + (d - c) * tx - top) * ty);
      }
    }
    total += amplitude;
    amplitude *= persistence;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

export interface KnitOptions {
  seed: number;
  /** Distance between the columns of loops (wales), in pixels. */
  wale: number;
  /** Distance between the rows of loops (courses), in pixels. */
  course: number;
  /** Overall contrast: the texture stays within 1 ± about this much. */
  contrast: number;
}

/**
 * Single-jersey knit as a brightness multiplier around 1: columns of V-shaped loops, a little
 * unevenness per stitch and the faint horizontal streaks (slub) of real cotton yarn.
 */
export function jerseyKnit(width: number, height: number, options: KnitOptions): Float32Array {
  const { wale, course, contrast } = options;
  const stitch = valueNoise(width, height, { cellX: wale, cellY: course, seed: options.seed });
  const slub = valueNoise(width, height, { cellX: 70, cellY: course, seed: options.seed + 1, octaves: 2 });
  const out = new Float32Array(width * height);
  const tau = 2 * Math.PI;
  const { abs, cos } = Math;
  for (let y = 0; y < height; y++) {
    const v = y / course;
    for (let x = 0; x < width; x++) {
      const u = x / wale;
      const across = u - floor(u) - 0.5;
      const i = y * width + x;
      // The loops' legs lean towards each wale's centre line, which reads as a chevron.
      const loops = 0.35 * cos(tau * u) + 0.35 * cos(tau * (v + 0.8 * abs(across)));
      out[i] = 1 + contrast * (loops * 0.5 + (stitch[i]! - 0.5) * 0.7 + (slub[i]! - 0.5) * 0.8);
    }
  }
  return out;
}
