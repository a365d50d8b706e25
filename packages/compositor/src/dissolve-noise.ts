// The dissolve blend mode's threshold: a pseudo-random value in [0, 1) per canvas pixel, fixed by
// its position alone, so a render is reproducible and a pixel gets the same value whichever tile,
// row or worker draws it. A pixel shows the source where threshold < its alpha × the layer's
// opacity, the backdrop elsewhere, so that share of the layer's pixels show. Photoshop's noise is
// also fixed by position (every dissolving layer of a document shows through the same pixels, as
// here), but its generator is not published: the density matches, the pattern never does.

/** A well-mixed hash of (x, y) (murmur3's finaliser) scaled to [0, 1). */
export function dissolveThreshold(x: number, y: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y + 0x3c6ef372, 0x165667b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
