// A stroke is drawn from what a layer shows, however large its box: a canvas-sized layer (or an
// artwork with wide transparent margins) gets the same band as a tight one, computed only around
// the design. Expected coverage is computed here per pixel from the Euclidean distance to the design.
import { strokeShape } from './layer-effect-shapes.js';

const SIDE = 120;
/** A 20 × 12 design inside the canvas-sized layer. */
const DESIGN = { x: 50, y: 40, width: 20, height: 12 };

const inDesign = (x: number, y: number) =>
  x >= DESIGN.x && x < DESIGN.x + DESIGN.width && y >= DESIGN.y && y < DESIGN.y + DESIGN.height;

function canvasSizedLayer() {
  const data = new Uint8ClampedArray(SIDE * SIDE * 4);
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) data[(y * SIDE + x) * 4 + 3] = inDesign(x, y) ? 255 : 0;
  return { box: { x: 0, y: 0, width: SIDE, height: SIDE }, width: SIDE, height: SIDE, data };
}

/** Distance from an outside pixel to the nearest design pixel (centres, Euclidean). */
function toDesign(x: number, y: number): number {
  const dx = Math.max(DESIGN.x - x, 0, x - (DESIGN.x + DESIGN.width - 1));
  const dy = Math.max(DESIGN.y - y, 0, y - (DESIGN.y + DESIGN.height - 1));
  return Math.hypot(dx, dy);
}

/** Distance from a design pixel to the nearest pixel outside it: straight across its nearest edge. */
function toOutside(x: number, y: number): number {
  return Math.min(
    x - DESIGN.x + 1,
    DESIGN.x + DESIGN.width - x,
    y - DESIGN.y + 1,
    DESIGN.y + DESIGN.height - y,
  );
}

describe('strokeShape', () => {
  it.each([
    ['an outside', 'outside', 4],
    ['an inside', 'inside', 3],
  ] as const)(
    'draws %s stroke of a canvas-sized layer around its design only, pixel for pixel',
    (_name, position, size) => {
      const plane = strokeShape(canvasSizedLayer(), { width: SIDE, height: SIDE }, size, position);
      expect(plane).toBeDefined();
      const { box, alpha } = plane!;
      // The work covers the design grown by the stroke, not the layer's box.
      expect(box.width).toBeLessThanOrEqual(DESIGN.width + 2 * (size + 1));
      expect(box.height).toBeLessThanOrEqual(DESIGN.height + 2 * (size + 1));
      let worst = 0;
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          // A band of whole pixels `size` wide, anti-aliased over one pixel, on the chosen side.
          const d =
            position === 'outside'
              ? inDesign(x, y)
                ? Infinity
                : toDesign(x, y)
              : inDesign(x, y)
                ? toOutside(x, y)
                : Infinity;
          const want = Math.max(0, Math.min(1, size - d + 1));
          const inside = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
          const got = inside ? alpha[(y - box.y) * box.width + (x - box.x)]! : 0;
          worst = Math.max(worst, Math.abs(got - want));
        }
      }
      expect(worst).toBeLessThan(1e-6);
    },
  );

  it('draws nothing for a layer that shows nothing', () => {
    const layer = { ...canvasSizedLayer(), data: new Uint8ClampedArray(SIDE * SIDE * 4) };
    expect(strokeShape(layer, { width: SIDE, height: SIDE }, 3, 'outside')).toBeUndefined();
  });
});
