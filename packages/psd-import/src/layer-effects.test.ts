// Layer effects on a pixel layer, written with ag-psd's writer, imported and rendered through the
// compositor, then compared with a reference computed here pixel by pixel from what the effect
// means: offset + gaussian blur of the layer's rectangle for shadows and glows, distance to the
// rectangle for strokes, the colour mixed over the layer for overlays. Warnings name exactly the
// effects that are not drawn.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  smartObjectsOf,
  templateManifestSchema,
  type Compositor,
} from '@platen/compositor';
import type { Layer, LayerEffectsInfo } from 'ag-psd';
import sharp from 'sharp';
import { bakeEffects } from './layer-effects.js';
import { importPsd, type ImportedPsd } from './psd-importer.js';
import { makeTestPsd, solidPixels, type Rgb } from './test-psd.js';

const W = 200;
const H = 140;
const BG = 200;
/** The pixel layer that carries the effects: a red rectangle. */
const RECT = { x: 70, y: 40, width: 50, height: 40 };
const RED: Rgb = [220, 30, 30];
const options = { smartObjectUuid: () => randomUUID() };

let compositor: Compositor;
let artwork: Buffer;

beforeAll(async () => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 32 * 1024 * 1024 });
  artwork = await sharp({
    create: { width: 20, height: 20, channels: 3, background: { r: 0, g: 0, b: 255 } },
  })
    .png()
    .toBuffer();
});

/** A black drop shadow 10 px down-left of its layer (light from 120°), hard-edged. */
const HARD_SHADOW = {
  enabled: true,
  color: { r: 0, g: 0, b: 0 },
  opacity: 1,
  blendMode: 'multiply' as const,
  angle: 120,
  useGlobalLight: false,
  distance: { units: 'Pixels' as const, value: 10 },
  size: { units: 'Pixels' as const, value: 0 },
  choke: { units: 'Pixels' as const, value: 0 },
};

function rectLayer(effects: LayerEffectsInfo | undefined, extra: Partial<Layer> = {}): Layer {
  return {
    name: 'Shape',
    left: RECT.x,
    top: RECT.y,
    right: RECT.x + RECT.width,
    bottom: RECT.y + RECT.height,
    imageData: solidPixels(RECT.width, RECT.height, RED),
    ...(effects ? { effects } : {}),
    ...extra,
  };
}

async function imported(layer: Layer, ppi?: number): Promise<ImportedPsd> {
  const bytes = await makeTestPsd({
    width: W,
    height: H,
    ...(ppi ? { ppi } : {}),
    background: [BG, BG, BG],
    // The smart object sits in a corner, far from every effect compared here.
    smartObjects: [{ name: 'Art', x: 0, y: 0, width: 10, height: 10 }],
    above: [layer],
  });
  return importPsd(bytes, options);
}

/** The rendered RGB pixels. */
async function render({ manifest, assets }: ImportedPsd): Promise<Buffer> {
  const parsed = templateManifestSchema.parse(manifest);
  const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest: parsed }, assets);
  const inputs = smartObjectsOf(parsed).map((so) => ({
    uuid: so.uuid,
    asset: artwork,
    fit: 'fill' as const,
    rotate: 0,
  }));
  const { data } = await compositor.render(prepared, inputs, { format: 'png' });
  return sharp(data).removeAlpha().raw().toBuffer();
}

/** Compares the render with `expected(x, y)` over the canvas below the smart object's corner. */
function compare(actual: Buffer, expected: (x: number, y: number) => Rgb) {
  let sum = 0;
  let max = 0;
  let count = 0;
  for (let y = 20; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const want = expected(x, y);
      for (let c = 0; c < 3; c++) {
        const diff = Math.abs(actual[(y * W + x) * 3 + c]! - want[c]!);
        sum += diff;
        max = Math.max(max, diff);
        count++;
      }
    }
  }
  return { mad: sum / count, max };
}

const inRect = (x: number, y: number) =>
  x >= RECT.x && x < RECT.x + RECT.width && y >= RECT.y && y < RECT.y + RECT.height;

/** A gaussian's mass over [from, to) seen from x: the separable blur of a rectangle's edge. */
function mass(x: number, from: number, to: number, sigma: number): number {
  let total = 0;
  let inside = 0;
  const reach = Math.ceil(sigma * 4);
  for (let i = -reach; i <= reach; i++) {
    const weight = Math.exp(-(i * i) / (2 * sigma * sigma));
    total += weight;
    if (x + i >= from && x + i < to) inside += weight;
  }
  return inside / total;
}

/** The rectangle blurred by a gaussian whose reach is `size` pixels, moved by (dx, dy). */
function blurredRect(x: number, y: number, size: number, dx: number, dy: number): number {
  const sigma = size / 2.5;
  // A gaussian reaches about 2.5 σ visibly: Photoshop's size is that reach.
  return (
    mass(x, RECT.x + dx, RECT.x + dx + RECT.width, sigma) *
    mass(y, RECT.y + dy, RECT.y + dy + RECT.height, sigma)
  );
}

const mix = (under: number, over: number, alpha: number) => under * (1 - alpha) + over * alpha;

describe('importPsd: layer effects on pixel layers', () => {
  it('draws a drop shadow under the layer: the shape moved away from the light, blurred, multiplied', async () => {
    const result = await imported(
      rectLayer({
        dropShadow: [
          {
            enabled: true,
            color: { r: 0, g: 0, b: 80 },
            opacity: 0.75,
            blendMode: 'multiply',
            angle: 90,
            useGlobalLight: false,
            distance: { units: 'Pixels', value: 12 },
            size: { units: 'Pixels', value: 9 },
            choke: { units: 'Pixels', value: 0 },
          },
        ],
      }),
    );
    expect(result.warnings).toEqual([]);
    const names = result.manifest.layers.map((layer) => layer.name);
    expect(names.indexOf('Shape (drop shadow)')).toBe(names.indexOf('Shape') - 1);
    const pixels = await render(result);
    const { mad, max } = compare(pixels, (x, y) => {
      if (inRect(x, y)) return RED;
      // Light from above (90°): the shadow falls 12 px down.
      const a = blurredRect(x, y, 9, 0, 12) * 0.75;
      return [mix(BG, (BG * 0) / 255, a), mix(BG, (BG * 0) / 255, a), mix(BG, (BG * 80) / 255, a)];
    });
    // Three box blurs against a true gaussian: a few levels apart at most, near nothing on average.
    expect(mad).toBeLessThan(0.1);
    expect(max).toBeLessThanOrEqual(3);
    // Under the rectangle's bottom edge the shadow shows; above its top edge there is none.
    const at = (x: number, y: number) => pixels[(y * W + x) * 3]!;
    expect(at(95, RECT.y + RECT.height + 4)).toBeLessThan(BG - 60);
    expect(at(95, RECT.y - 4)).toBe(BG);
  });

  it('uses the document angle for a shadow that follows the global light, and spread hardens its edge', async () => {
    const bytes = await makeTestPsd({
      width: W,
      height: H,
      background: [BG, BG, BG],
      smartObjects: [{ name: 'Art', x: 0, y: 0, width: 10, height: 10 }],
      above: [
        rectLayer({
          dropShadow: [
            {
              enabled: true,
              color: { r: 0, g: 0, b: 0 },
              opacity: 1,
              blendMode: 'normal',
              angle: 30,
              useGlobalLight: true,
              distance: { units: 'Pixels', value: 10 },
              size: { units: 'Pixels', value: 0 },
              choke: { units: 'Pixels', value: 100 },
            },
          ],
        }),
      ],
    });
    // The writer keeps no global angle: Photoshop's default, 120°, applies (light from upper left).
    const result = await importPsd(bytes, options);
    expect(result.warnings).toEqual([]);
    const pixels = await render(result);
    const dx = Math.round(-Math.cos((120 * Math.PI) / 180) * 10);
    const dy = Math.round(Math.sin((120 * Math.PI) / 180) * 10);
    expect([dx, dy]).toEqual([5, 9]);
    const { max } = compare(pixels, (x, y) => {
      if (inRect(x, y)) return RED;
      const shadow =
        x >= RECT.x + dx && x < RECT.x + dx + RECT.width && y >= RECT.y + dy && y < RECT.y + dy + RECT.height;
      return shadow ? [0, 0, 0] : [BG, BG, BG];
    });
    expect(max).toBe(0);
  });

  it('draws an outer glow around the layer with its colour and blend mode', async () => {
    const result = await imported(
      rectLayer({
        outerGlow: {
          enabled: true,
          color: { r: 255, g: 255, b: 0 },
          opacity: 0.8,
          blendMode: 'screen',
          size: { units: 'Pixels', value: 12 },
          choke: { units: 'Pixels', value: 0 },
        },
      }),
    );
    expect(result.warnings).toEqual([]);
    const { mad, max } = compare(await render(result), (x, y) => {
      if (inRect(x, y)) return RED;
      const a = blurredRect(x, y, 12, 0, 0) * 0.8;
      const screen = (b: number, s: number) => b + s - (b * s) / 255;
      return [mix(BG, screen(BG, 255), a), mix(BG, screen(BG, 255), a), BG];
    });
    // Three box blurs against a true gaussian: a few levels apart at most, near nothing on average.
    expect(mad).toBeLessThan(0.1);
    expect(max).toBeLessThanOrEqual(3);
  });

  it.each([
    [1, ['Background', 'Art', 'Shape (outer glow)', 'Shape'], []],
    [0.5, ['Background', 'Art', 'Shape'], ['EFFECTS_SKIPPED']],
  ] as const)(
    'draws an outer glow whose range ag-psd reads as %s only at 100 %%',
    async (range, layers, codes) => {
      const result = await imported(
        rectLayer({
          outerGlow: {
            enabled: true,
            color: { r: 255, g: 255, b: 0 },
            opacity: 0.8,
            blendMode: 'normal',
            size: { units: 'Pixels', value: 8 },
            range,
          },
        }),
      );
      expect(result.warnings.map((warning) => warning.code)).toEqual(codes);
      expect(result.manifest.layers.map((layer) => layer.name)).toEqual(layers);
    },
  );

  it('merges colour overlays into the layer pixels, the top one last, and nothing outside the layer', async () => {
    const result = await imported(
      rectLayer({
        solidFill: [
          { enabled: true, color: { r: 0, g: 0, b: 255 }, opacity: 0.5, blendMode: 'normal' },
          { enabled: true, color: { r: 128, g: 255, b: 255 }, opacity: 1, blendMode: 'multiply' },
        ],
      }),
    );
    expect(result.warnings).toEqual([]);
    const multiplied = RED.map((c, i) => (c * [128, 255, 255][i]!) / 255);
    const overlaid = multiplied.map((c, i) => mix(c, [0, 0, 255][i]!, 0.5)) as Rgb;
    const { max } = compare(await render(result), (x, y) => (inRect(x, y) ? overlaid : [BG, BG, BG]));
    expect(max).toBeLessThanOrEqual(1);
  });

  it.each([
    ['outside', 4, 0],
    ['inside', 0, 4],
    ['center', 2, 2],
  ] as const)('draws a %s stroke as a band around the edge', async (position, outer, inner) => {
    const result = await imported(
      rectLayer({
        stroke: [
          {
            enabled: true,
            position,
            fillType: 'color',
            color: { r: 0, g: 160, b: 0 },
            opacity: 1,
            blendMode: 'normal',
            size: { units: 'Pixels', value: 4 },
          },
        ],
      }),
    );
    expect(result.warnings).toEqual([]);
    const green: Rgb = [0, 160, 0];
    const { max, mad } = compare(await render(result), (x, y) => {
      const right = RECT.x + RECT.width - 1;
      const bottom = RECT.y + RECT.height - 1;
      if (inRect(x, y)) {
        // Distance to the nearest pixel outside the rectangle.
        const d = Math.min(x - RECT.x, right - x, y - RECT.y, bottom - y) + 1;
        return d <= inner ? green : RED;
      }
      const dx = Math.max(RECT.x - x, 0, x - right);
      const dy = Math.max(RECT.y - y, 0, y - bottom);
      const a = Math.max(0, Math.min(1, outer - Math.hypot(dx, dy) + 1));
      return green.map((c) => mix(BG, c, a)) as Rgb;
    });
    expect(max).toBeLessThanOrEqual(1);
    expect(mad).toBeLessThan(0.05);
  });

  it.each([
    // Photoshop records the resolution over 72 as the effects' scale and draws the stored sizes.
    [300, 300 / 72, 4, []],
    [150, 150 / 72, 4, []],
    // A scale of its own multiplies sizes: not confirmed against Photoshop, so it says so.
    [72, 2, 8, ['EFFECTS_APPROXIMATED']],
  ] as const)(
    'at %s ppi with effects scaled %s, draws a 4 px stroke %s px wide',
    async (ppi, scale, width, codes) => {
      const result = await imported(
        rectLayer({
          scale,
          stroke: [
            {
              enabled: true,
              position: 'outside',
              fillType: 'color',
              color: { r: 0, g: 160, b: 0 },
              opacity: 1,
              blendMode: 'normal',
              size: { units: 'Pixels', value: 4 },
            },
          ],
        }),
        ppi,
      );
      expect(result.warnings.map((warning) => warning.code)).toEqual(codes);
      const green: Rgb = [0, 160, 0];
      const { max } = compare(await render(result), (x, y) => {
        if (inRect(x, y)) return RED;
        const dx = Math.max(RECT.x - x, 0, x - (RECT.x + RECT.width - 1));
        const dy = Math.max(RECT.y - y, 0, y - (RECT.y + RECT.height - 1));
        const a = Math.max(0, Math.min(1, width - Math.hypot(dx, dy) + 1));
        return green.map((c) => mix(BG, c, a)) as Rgb;
      });
      expect(max).toBeLessThanOrEqual(1);
    },
  );

  const blackToWhite = (smoothness: number) => ({
    name: 'Black, White',
    type: 'solid' as const,
    smoothness,
    colorStops: [
      { color: { r: 0, g: 0, b: 0 }, location: 0, midpoint: 0.5 },
      { color: { r: 255, g: 255, b: 255 }, location: 1, midpoint: 0.5 },
    ],
    opacityStops: [
      { opacity: 1, location: 0, midpoint: 0.5 },
      { opacity: 1, location: 1, midpoint: 0.5 },
    ],
  });

  /** 30° across the 50 × 40 rectangle: the line through its centre leaves it at the sides. */
  const at30 = (x: number, y: number) => {
    const [cos, sin] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    const length = Math.min(RECT.width / cos, RECT.height / sin);
    const along = (x + 0.5 - (RECT.x + RECT.width / 2)) * cos - (y + 0.5 - (RECT.y + RECT.height / 2)) * sin;
    return Math.max(0, Math.min(1, along / length + 0.5));
  };

  it.each([
    // 90°: from the bottom edge (black) up to the top edge (white).
    [90, false, (x: number, y: number) => 1 - (y + 0.5 - RECT.y) / RECT.height],
    // 0° reversed: white on the left, black on the right.
    [0, true, (x: number, _y: number) => 1 - (x + 0.5 - RECT.x) / RECT.width],
    [30, false, at30],
  ] as const)(
    'merges a linear gradient overlay at %s° (reversed: %s) across the layer',
    async (angle, reverse, t) => {
      const result = await imported(
        rectLayer({
          gradientOverlay: [
            {
              enabled: true,
              blendMode: 'normal',
              opacity: 1,
              align: true,
              scale: 1,
              reverse,
              type: 'linear',
              angle,
              offset: { x: 0, y: 0 },
              // ag-psd writes stop locations scaled by the smoothness: 0 would put every stop at 0.
              gradient: blackToWhite(1),
            },
          ],
        }),
      );
      expect(result.warnings).toEqual([]);
      // Smoothness 100 %: each step bent halfway to smoothstep (as gradient fill layers).
      const smooth = (u: number) => 0.5 * u + 0.5 * u * u * (3 - 2 * u);
      const { max } = compare(await render(result), (x, y) => {
        if (!inRect(x, y)) return [BG, BG, BG];
        const grey = 255 * smooth(t(x, y));
        return [grey, grey, grey];
      });
      expect(max).toBeLessThanOrEqual(1);
    },
  );

  it('draws a gradient overlay whose scale and offset ag-psd gives as fractions (50 %, moved a quarter right)', async () => {
    const result = await imported(
      rectLayer({
        gradientOverlay: [
          {
            enabled: true,
            opacity: 1,
            type: 'linear',
            angle: 0,
            scale: 0.5,
            offset: { x: 0.25, y: 0 },
            gradient: blackToWhite(1),
          },
        ],
      }),
    );
    expect(result.warnings).toEqual([]);
    // Black to white over half the width, centred three quarters of the way across.
    const { max } = compare(await render(result), (x, y) => {
      if (!inRect(x, y)) return [BG, BG, BG];
      const t = Math.max(0, Math.min(1, (x + 0.5 - (RECT.x + 0.75 * RECT.width)) / (RECT.width / 2) + 0.5));
      const grey = 255 * (0.5 * t + 0.5 * t * t * (3 - 2 * t));
      return [grey, grey, grey];
    });
    expect(max).toBeLessThanOrEqual(1);
  });

  it('merges an inner shadow: what lies outside the layer, moved from the light and blurred, inside it', async () => {
    const result = await imported(
      rectLayer({
        innerShadow: [
          {
            enabled: true,
            color: { r: 0, g: 0, b: 0 },
            opacity: 1,
            blendMode: 'multiply',
            angle: 90,
            useGlobalLight: false,
            distance: { units: 'Pixels', value: 6 },
            size: { units: 'Pixels', value: 6 },
            choke: { units: 'Pixels', value: 0 },
          },
        ],
      }),
    );
    expect(result.warnings).toEqual([]);
    const pixels = await render(result);
    const { max, mad } = compare(pixels, (x, y) => {
      if (!inRect(x, y)) return [BG, BG, BG];
      const a = 1 - blurredRect(x, y, 6, 0, 6);
      return RED.map((c) => c * (1 - a)) as Rgb;
    });
    expect(mad).toBeLessThan(0.1);
    // A small blur (σ ≈ 2.4) is where box blurs and the gaussian differ most, on a steep edge.
    expect(max).toBeLessThanOrEqual(6);
    // Dark along the top edge (the light comes from above), red at the bottom.
    expect(pixels[((RECT.y + 1) * W + 95) * 3]).toBeLessThan(60);
    expect(pixels[((RECT.y + RECT.height - 2) * W + 95) * 3]).toBe(RED[0]);
  });

  it('merges an inner glow from the edges inward', async () => {
    const result = await imported(
      rectLayer({
        innerGlow: {
          enabled: true,
          color: { r: 255, g: 255, b: 255 },
          opacity: 0.9,
          blendMode: 'screen',
          source: 'edge',
          size: { units: 'Pixels', value: 9 },
          choke: { units: 'Pixels', value: 0 },
        },
      }),
    );
    expect(result.warnings).toEqual([]);
    const { max, mad } = compare(await render(result), (x, y) => {
      if (!inRect(x, y)) return [BG, BG, BG];
      const a = (1 - blurredRect(x, y, 9, 0, 0)) * 0.9;
      return RED.map((c) => mix(c, 255, a)) as Rgb;
    });
    expect(mad).toBeLessThan(0.1);
    expect(max).toBeLessThanOrEqual(3);
  });

  it('keeps a warning per effect it does not draw and none for those it draws', async () => {
    const result = await imported(
      rectLayer({
        dropShadow: [
          {
            enabled: true,
            color: { r: 0, g: 0, b: 0 },
            opacity: 0.5,
            distance: { units: 'Pixels', value: 4 },
          },
        ],
        satin: { enabled: true, color: { r: 0, g: 0, b: 0 }, opacity: 0.5 },
        bevel: { enabled: true },
        stroke: [{ enabled: true, fillType: 'gradient', size: { units: 'Pixels', value: 3 } }],
        solidFill: [{ enabled: false, color: { r: 0, g: 0, b: 255 }, opacity: 1 }],
      }),
    );
    expect(result.warnings).toEqual([
      {
        layer: 'Shape',
        code: 'EFFECTS_SKIPPED',
        message: 'The "bevel and emboss" layer effect is not drawn: this effect is not supported yet.',
      },
      {
        layer: 'Shape',
        code: 'EFFECTS_SKIPPED',
        message: 'The "satin" layer effect is not drawn: this effect is not supported yet.',
      },
      {
        layer: 'Shape',
        code: 'EFFECTS_SKIPPED',
        message: 'The "stroke" layer effect is not drawn: its gradient fill is not supported.',
      },
    ]);
    expect(result.manifest.layers.map((layer) => layer.name)).toEqual([
      'Background',
      'Art',
      'Shape (drop shadow)',
      'Shape',
    ]);
  });

  it('fades a translucent layer and its effects as one picture: its shadow stays hidden under it', async () => {
    const result = await imported(
      rectLayer(
        {
          dropShadow: [HARD_SHADOW],
          solidFill: [{ enabled: true, color: { r: 0, g: 0, b: 255 }, opacity: 1 }],
        },
        { opacity: 0.5 },
      ),
    );
    expect(result.warnings).toEqual([]);
    // The layer and its shadow inside one pass-through group carrying the layer's opacity (a byte: 128/255).
    const group = result.manifest.layers.find((layer) => layer.name === 'Shape');
    expect(group).toMatchObject({ type: 'group', pass_through: true });
    const opacity = group!.opacity!;
    expect(opacity).toBeCloseTo(0.502, 3);
    const inner = (group as { layers: { name: string; opacity?: number }[] }).layers;
    expect(inner.map((layer) => [layer.name, layer.opacity])).toEqual([
      ['Shape (drop shadow)', 1],
      ['Shape', 1],
    ]);
    // Photoshop's rule, per pixel: the blue-overlaid layer over its black shadow (moved 5 right, 9
    // down) over the backdrop, then mixed with the backdrop by the layer's opacity.
    const inShadow = (x: number, y: number) => inRect(x - 5, y - 9);
    const pixels = await render(result);
    const { max } = compare(pixels, (x, y) => {
      const whole: Rgb = inRect(x, y) ? [0, 0, 255] : inShadow(x, y) ? [0, 0, 0] : [BG, BG, BG];
      return whole.map((c) => mix(BG, c, opacity)) as Rgb;
    });
    expect(max).toBeLessThanOrEqual(1);
  });

  it.each([
    ["knocks out its drop shadow under it (Photoshop's default)", true],
    ['shows its drop shadow through it when the knock-out is off', false],
  ])(
    'fades only the pixels of a layer with a 30 %% fill, paints its overlay at full strength, and %s',
    async (_name, conceals) => {
      const result = await imported(
        rectLayer(
          {
            dropShadow: [{ ...HARD_SHADOW, layerConceals: conceals }],
            solidFill: [{ enabled: true, color: { r: 0, g: 0, b: 255 }, opacity: 0.5, blendMode: 'normal' }],
          },
          { fillOpacity: 0.3 },
        ),
      );
      expect(result.warnings).toEqual([]);
      // The fill is stored as a byte: 77/255.
      const fill = Math.round(0.3 * 255) / 255;
      const inShadow = (x: number, y: number) => inRect(x - 5, y - 9);
      const { max } = compare(await render(result), (x, y) => {
        const under = inShadow(x, y) && (!conceals || !inRect(x, y)) ? 0 : BG;
        if (!inRect(x, y)) return [under, under, under];
        // The red faded by the fill over what is under it, then half the blue over that.
        const faded = RED.map((c) => mix(under, c, fill));
        return faded.map((c, i) => mix(c, [0, 0, 255][i]!, 0.5)) as Rgb;
      });
      expect(max).toBeLessThanOrEqual(1);
    },
  );

  it('leaves out an outer glow under a translucent fill, and says so', async () => {
    const result = await imported(
      rectLayer(
        {
          outerGlow: { enabled: true, color: { r: 255, g: 255, b: 0 }, size: { units: 'Pixels', value: 5 } },
        },
        { fillOpacity: 0.5 },
      ),
    );
    expect(result.warnings).toEqual([
      {
        layer: 'Shape',
        code: 'EFFECTS_SKIPPED',
        message:
          'The "outer glow" layer effect is not drawn: the layer\'s fill opacity is below 100 %, which is not reproduced for a glow.',
      },
    ]);
  });

  it('fades a translucent layer, the multiply layer clipped to it and its shadow as one picture', async () => {
    const bytes = await makeTestPsd({
      width: W,
      height: H,
      background: [BG, BG, BG],
      smartObjects: [{ name: 'Art', x: 0, y: 0, width: 10, height: 10 }],
      above: [
        rectLayer(
          {
            dropShadow: [HARD_SHADOW],
          },
          { opacity: 0.6 },
        ),
        {
          name: 'Tint',
          clipping: true,
          blendMode: 'multiply',
          left: 0,
          top: 0,
          right: RECT.x + 25,
          bottom: H,
          imageData: solidPixels(RECT.x + 25, H, [128, 255, 255]),
        },
      ],
    });
    const result = await importPsd(bytes, options);
    expect(result.warnings).toEqual([]);
    const opacity = Math.round(0.6 * 255) / 255;
    const inShadow = (x: number, y: number) => inRect(x - 5, y - 9);
    const { max } = compare(await render(result), (x, y) => {
      // The left half of the red is tinted (multiplied), the shadow hidden under it, all faded together.
      const tinted = x < RECT.x + 25 ? RED.map((c, i) => (c * [128, 255, 255][i]!) / 255) : RED;
      const whole = inRect(x, y) ? tinted : inShadow(x, y) ? [0, 0, 0] : [BG, BG, BG];
      return whole.map((c) => mix(BG, c, opacity)) as Rgb;
    });
    expect(max).toBeLessThanOrEqual(1);
  });

  it('keeps the layer-wide warning and draws no effect when the layer has a blend mode', async () => {
    const result = await imported(
      rectLayer(
        { dropShadow: [{ enabled: true, color: { r: 0, g: 0, b: 0 }, opacity: 1 }] },
        { blendMode: 'multiply' },
      ),
    );
    expect(result.warnings).toEqual([expect.objectContaining({ layer: 'Shape', code: 'EFFECTS_SKIPPED' })]);
    expect(result.manifest.layers.some((layer) => layer.name.includes('drop shadow'))).toBe(false);
  });

  /** A mask hiding the rectangle's top-left 10 × 10 corner. */
  const cornerMask = {
    left: RECT.x,
    top: RECT.y,
    right: RECT.x + 10,
    bottom: RECT.y + 10,
    defaultColor: 255,
    imageData: solidPixels(10, 10, [0, 0, 0]),
  };
  const inCorner = (x: number, y: number) => x >= RECT.x && x < RECT.x + 10 && y >= RECT.y && y < RECT.y + 10;
  const green: Rgb = [0, 160, 0];
  const stroke3 = {
    stroke: [
      {
        enabled: true,
        position: 'outside' as const,
        fillType: 'color' as const,
        color: { r: 0, g: 160, b: 0 },
        opacity: 1,
        blendMode: 'normal' as const,
        size: { units: 'Pixels' as const, value: 3 },
      },
    ],
  };
  /** A 3 px outside stroke's colour at (x, y) around the pixels where `shape` holds. */
  const strokeAround = (shape: (x: number, y: number) => boolean) => (x: number, y: number) => {
    if (shape(x, y)) return RED;
    let nearest = Infinity;
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++)
        if (shape(x + dx, y + dy)) nearest = Math.min(nearest, Math.hypot(dx, dy));
    }
    const a = Math.max(0, Math.min(1, 3 - nearest + 1));
    return green.map((c) => mix(BG, c, a)) as Rgb;
  };

  it("draws a masked layer's stroke around what the mask leaves of it, not hidden by the mask", async () => {
    const result = await imported(rectLayer(stroke3, { mask: cornerMask }));
    expect(result.warnings).toEqual([]);
    const { max } = compare(
      await render(result),
      strokeAround((x, y) => inRect(x, y) && !inCorner(x, y)),
    );
    expect(max).toBeLessThanOrEqual(1);
  });

  it('with "Layer Mask Hides Effects", strokes the whole layer and hides the stroke with it', async () => {
    const result = await imported(rectLayer(stroke3, { mask: cornerMask, layerMaskAsGlobalMask: true }));
    expect(result.warnings).toEqual([]);
    const around = strokeAround(inRect);
    const { max } = compare(await render(result), (x, y) => (inCorner(x, y) ? [BG, BG, BG] : around(x, y)));
    expect(max).toBeLessThanOrEqual(1);
  });

  it('draws a clipped layer into the layer, not into its stroke', async () => {
    const bytes = await makeTestPsd({
      width: W,
      height: H,
      background: [BG, BG, BG],
      smartObjects: [{ name: 'Art', x: 0, y: 0, width: 10, height: 10 }],
      above: [
        rectLayer({
          stroke: [
            {
              enabled: true,
              position: 'outside',
              fillType: 'color',
              color: { r: 0, g: 0, b: 0 },
              opacity: 1,
              blendMode: 'normal',
              size: { units: 'Pixels', value: 3 },
            },
          ],
        }),
        {
          name: 'Clip',
          clipping: true,
          left: 0,
          top: 0,
          right: W,
          bottom: H,
          imageData: solidPixels(W, H, [255, 255, 255]),
        },
      ],
    });
    const clipped = await importPsd(bytes, options);
    expect(clipped.warnings).toEqual([]);
    const pixels = await render(clipped);
    const at = (x: number, y: number) => [...pixels.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
    expect(at(RECT.x + 5, RECT.y + 5)).toEqual([255, 255, 255]);
    expect(at(RECT.x - 2, RECT.y + 5)).toEqual([0, 0, 0]);
  });
});

describe('importPsd: layer effects on placed layers', () => {
  const SO = { x: 60, y: 40, width: 60, height: 40 };
  /** The artwork's transparent hole, in canvas pixels (the artwork fills the placement exactly). */
  const HOLE = { x: 80, y: 50, width: 20, height: 20 };
  const inBox = (box: typeof SO, x: number, y: number) =>
    x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
  const shadow = {
    ...HARD_SHADOW,
    blendMode: 'normal' as const,
    angle: 90,
    distance: { units: 'Pixels' as const, value: 8 },
  };
  const stroke = {
    enabled: true,
    position: 'outside' as const,
    fillType: 'color' as const,
    color: { r: 0, g: 200, b: 0 },
    opacity: 1,
    blendMode: 'normal' as const,
    size: { units: 'Pixels' as const, value: 3 },
  };
  const placedWith = (effects: LayerEffectsInfo) =>
    makeTestPsd({
      width: W,
      height: H,
      background: [BG, BG, BG],
      smartObjects: [{ name: 'Art', ...SO, effects }],
    });

  /** Blue artwork the placement's size, with or without a transparent hole. */
  async function blueArtwork(withHole: boolean): Promise<Buffer> {
    const data = Buffer.alloc(SO.width * SO.height * 4);
    for (let y = 0; y < SO.height; y++) {
      for (let x = 0; x < SO.width; x++) {
        const i = (y * SO.width + x) * 4;
        data[i + 2] = 255;
        data[i + 3] = withHole && inBox(HOLE, x + SO.x, y + SO.y) ? 0 : 255;
      }
    }
    return sharp(data, { raw: { width: SO.width, height: SO.height, channels: 4 } })
      .png()
      .toBuffer();
  }

  async function renderWith(result: ImportedPsd, asset: Buffer): Promise<(x: number, y: number) => number[]> {
    const parsed = templateManifestSchema.parse(result.manifest);
    const prepared = await compositor.prepare(
      { id: randomUUID(), version: 1, manifest: parsed },
      result.assets,
    );
    const inputs = smartObjectsOf(parsed).map((so) => ({
      uuid: so.uuid,
      asset,
      fit: 'fill' as const,
      rotate: 0,
    }));
    const { data } = await compositor.render(prepared, inputs, { format: 'png' });
    const pixels = await sharp(data).removeAlpha().raw().toBuffer();
    return (x, y) => [...pixels.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
  }

  /** Photoshop's drop shadow (8 px down, hard) and 3 px outside stroke of the artwork's own alpha. */
  function expected(withHole: boolean) {
    const shows = (x: number, y: number) => inBox(SO, x, y) && !(withHole && inBox(HOLE, x, y));
    return (x: number, y: number) => {
      if (shows(x, y)) return [0, 0, 255];
      // The stroke reaches 4 px at most: the nearest shown pixel within that.
      let d = Infinity;
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) if (shows(x + dx, y + dy)) d = Math.min(d, Math.hypot(dx, dy));
      }
      const band = Math.max(0, Math.min(1, 3 - d + 1));
      const under = shows(x, y - 8) ? 0 : BG;
      return [under * (1 - band), under * (1 - band) + 200 * band, under * (1 - band)];
    };
  }

  it("imports a drop shadow and a stroke into the smart object's render-time effects, without a warning", async () => {
    const result = await importPsd(await placedWith({ dropShadow: [shadow], stroke: [stroke] }), options);
    expect(result.warnings).toEqual([]);
    expect(result.manifest.layers.map((layer) => [layer.type, layer.name])).toEqual([
      ['image', 'Background'],
      ['smart_object', 'Art'],
    ]);
    const so = result.manifest.layers[1] as { effects?: unknown };
    expect(so.effects).toEqual([
      {
        type: 'drop_shadow',
        color: '#000000',
        opacity: 1,
        blend_mode: 'normal',
        angle: 90,
        distance: 8,
        size: 0,
        spread: 0,
      },
      { type: 'stroke', color: '#00c800', opacity: 1, blend_mode: 'normal', size: 3, position: 'outside' },
    ]);
  });

  it.each([
    ['an opaque artwork', false],
    ['an artwork with a transparent hole', true],
  ])('draws the shadow and stroke of %s from its own alpha', async (_name, withHole) => {
    const result = await importPsd(await placedWith({ dropShadow: [shadow], stroke: [stroke] }), options);
    const at = await renderWith(result, await blueArtwork(withHole));
    const want = expected(withHole);
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const got = at(x, y);
        worst = Math.max(worst, ...want(x, y).map((value, c) => Math.abs(got[c]! - value)));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("fades a translucent placed layer's artwork, shadow and stroke as one picture at render time", async () => {
    const bytes = await makeTestPsd({
      width: W,
      height: H,
      background: [BG, BG, BG],
      smartObjects: [
        { name: 'Art', ...SO, opacity: 0.4, effects: { dropShadow: [shadow], stroke: [stroke] } },
      ],
    });
    const result = await importPsd(bytes, options);
    expect(result.warnings).toEqual([]);
    const so = result.manifest.layers[1] as { type: string; opacity?: number; effects?: unknown[] };
    expect(so.type).toBe('smart_object');
    expect(so.effects).toHaveLength(2);
    const opacity = so.opacity!;
    expect(opacity).toBeCloseTo(0.4, 2);
    const at = await renderWith(result, await blueArtwork(true));
    const whole = expected(true);
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const want = whole(x, y).map((c) => mix(BG, c, opacity));
        worst = Math.max(worst, ...want.map((value, c) => Math.abs(at(x, y)[c]! - value)));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('moves colour overlays and inner shadows to render time, and warns for a gradient overlay without a gradient', async () => {
    const solidFill = [
      { enabled: true, color: { r: 255, g: 0, b: 0 }, opacity: 0.5, blendMode: 'multiply' as const },
    ];
    const innerShadow = [
      { ...shadow, blendMode: 'multiply' as const, distance: { units: 'Pixels' as const, value: 4 } },
    ];
    const gradientOverlay = [{ enabled: true }];
    const result = await importPsd(
      await placedWith({ dropShadow: [shadow], solidFill, innerShadow, gradientOverlay }),
      options,
    );
    expect(result.warnings).toEqual([
      {
        layer: 'Art',
        code: 'EFFECTS_SKIPPED',
        message:
          'The "gradient overlay" layer effect is not drawn: only solid linear and reflected gradients are supported.',
      },
    ]);
    expect((result.manifest.layers[1] as { effects?: unknown }).effects).toEqual([
      expect.objectContaining({ type: 'drop_shadow' }),
      { type: 'color_overlay', color: '#ff0000', opacity: 0.5, blend_mode: 'multiply' },
      {
        type: 'inner_shadow',
        color: '#000000',
        opacity: 1,
        blend_mode: 'multiply',
        angle: 90,
        distance: 4,
        size: 0,
        spread: 0,
      },
    ]);
  });

  it.each([
    ['aligned with the layer: across what the artwork shows', true],
    ['not aligned: across the canvas', false],
  ])('paints a gradient overlay into each artwork at render time, %s', async (_name, align) => {
    const gradientOverlay = [
      {
        enabled: true,
        blendMode: 'normal' as const,
        opacity: 1,
        type: 'linear' as const,
        angle: 0,
        align,
        // ag-psd writes stop locations scaled by the smoothness: 0 would put every stop at 0.
        gradient: {
          name: 'Black, White',
          type: 'solid' as const,
          smoothness: 1,
          colorStops: [
            { color: { r: 0, g: 0, b: 0 }, location: 0, midpoint: 0.5 },
            { color: { r: 255, g: 255, b: 255 }, location: 1, midpoint: 0.5 },
          ],
          opacityStops: [
            { opacity: 1, location: 0, midpoint: 0.5 },
            { opacity: 1, location: 1, midpoint: 0.5 },
          ],
        },
      },
    ];
    const result = await importPsd(await placedWith({ gradientOverlay }), options);
    expect(result.warnings).toEqual([]);
    expect((result.manifest.layers[1] as { effects?: unknown[] }).effects).toEqual([
      expect.objectContaining({ type: 'gradient_overlay', style: 'linear', angle: 0 }),
    ]);
    // An artwork narrower than the placement (its right quarter transparent): aligned, the
    // gradient spans the shown three quarters; else the whole canvas, left (black) to right.
    const shown = { ...SO, width: SO.width * 0.75 };
    const data = Buffer.alloc(SO.width * SO.height * 4);
    for (let y = 0; y < SO.height; y++) {
      for (let x = 0; x < shown.width; x++) data[(y * SO.width + x) * 4 + 3] = 255;
    }
    const asset = await sharp(data, { raw: { width: SO.width, height: SO.height, channels: 4 } })
      .png()
      .toBuffer();
    const at = await renderWith(result, asset);
    const span = align ? shown : { x: 0, width: W };
    // Smoothness 100 %: the step bent halfway to smoothstep, as on a pixel layer.
    const smooth = (u: number) => 0.5 * u + 0.5 * u * u * (3 - 2 * u);
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const grey = 255 * smooth(Math.max(0, Math.min(1, (x + 0.5 - span.x) / span.width)));
        const want = inBox(shown, x, y) ? [grey, grey, grey] : [BG, BG, BG];
        worst = Math.max(worst, ...want.map((value, c) => Math.abs(at(x, y)[c]! - value)));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('warns for an inner shadow in a blend mode not drawn inside a layer, and leaves it out', async () => {
    const innerShadow = [{ ...shadow, blendMode: 'overlay' as const }];
    const result = await importPsd(await placedWith({ innerShadow }), options);
    expect(result.warnings).toEqual([
      {
        layer: 'Art',
        code: 'EFFECTS_SKIPPED',
        message:
          'The "inner shadow" layer effect is not drawn: its colour, units or blend mode cannot be read or is not supported inside a layer.',
      },
    ]);
    expect((result.manifest.layers[1] as { effects?: unknown }).effects).toBeUndefined();
  });

  it('keeps baking a shadow the renderer cannot draw (a non-linear contour) and says so', async () => {
    const contour = {
      name: 'Cone',
      curve: [
        { x: 0, y: 0 },
        { x: 128, y: 255 },
        { x: 255, y: 0 },
      ],
    };
    const result = await importPsd(await placedWith({ dropShadow: [{ ...shadow, contour }] }), options);
    expect(result.warnings).toEqual([
      {
        layer: 'Art',
        code: 'EFFECTS_SKIPPED',
        message: 'The "drop shadow" layer effect is not drawn: its contour is not linear.',
      },
    ]);
    expect((result.manifest.layers[1] as { effects?: unknown }).effects).toBeUndefined();
  });
});

describe('layer effects: bounds', () => {
  const shadow = {
    enabled: true,
    color: { r: 0, g: 0, b: 0 },
    opacity: 0.1,
    distance: { units: 'Pixels' as const, value: 2 },
    size: { units: 'Pixels' as const, value: 3 },
  };

  it("draws at most 10 effects of a kind (Photoshop's own limit) and says so", async () => {
    const result = await imported(rectLayer({ dropShadow: Array.from({ length: 12 }, () => shadow) }));
    expect(result.warnings).toEqual([
      {
        layer: 'Shape',
        code: 'EFFECTS_SKIPPED',
        message:
          'The "drop shadow" layer effect is not drawn: the layer has more than 10: only the first 10 are drawn.',
      },
    ]);
    expect(result.manifest.layers.filter((layer) => layer.name === 'Shape (drop shadow)')).toHaveLength(10);
  });

  it('draws nothing and names every effect when the effects would cover more pixels than the budget left', () => {
    const layer = { ...solidPixels(40, 40, RED), box: { x: 10, y: 10, width: 40, height: 40 } };
    const effects = { dropShadow: [shadow], solidFill: [{ enabled: true, color: { r: 0, g: 0, b: 255 } }] };
    const budget = { pixels: 1000 };
    const baked = bakeEffects(effects, layer, { width: 100, height: 100 }, 120, { interior: true, budget });
    expect(baked.below).toEqual([]);
    expect(baked.pixels).toBe(layer);
    expect(baked.skipped.map((skipped) => skipped.effect)).toEqual(['drop shadow', 'color overlay']);
    expect(budget.pixels).toBe(1000);
    const roomy = { pixels: 100_000 };
    const drawn = bakeEffects(effects, layer, { width: 100, height: 100 }, 120, {
      interior: true,
      budget: roomy,
    });
    expect(drawn.skipped).toEqual([]);
    expect(drawn.below).toHaveLength(1);
    expect(roomy.pixels).toBeLessThan(100_000);
  });
});
