// Baseline (c): jimp (pure JavaScript). Every render decodes every layer with jimp, covers the
// artwork to the smart object's design size with jimp's default resize, warps it into a
// full-canvas layer with the same plain loop as baseline (a) (jimp has no perspective or mesh
// warp), applies mask, shading and product colour with jimp composites plus small alpha loops,
// composites every layer over the base photo and encodes with jimp's JPEG encoder.
import { Buffer } from 'node:buffer';
import { BlendMode, Jimp } from 'jimp';
import { warpToCanvas } from './naive-warp.mjs';
import { assertPhotoBase } from './sharp-baseline.mjs';
import { assertBaselineSupports, geometryOf, productRgbOf } from './template-plan.mjs';

/** Manifest blend modes → jimp's (the others have no jimp counterpart). */
const BLENDS = new Map([
  ['normal', BlendMode.SRC_OVER],
  ['multiply', BlendMode.MULTIPLY],
  ['screen', BlendMode.SCREEN],
  ['overlay', BlendMode.OVERLAY],
  ['darken', BlendMode.DARKEN],
  ['lighten', BlendMode.LIGHTEN],
  ['hard-light', BlendMode.HARD_LIGHT],
  ['difference', BlendMode.DIFFERENCE],
  ['exclusion', BlendMode.EXCLUSION],
]);

export function createJimpBaseline() {
  return {
    name: 'jimp',
    label: '(c) jimp',
    async setup(plan) {
      assertBaselineSupports(plan.manifest, 'jimp', new Set(BLENDS.keys()));
      assertPhotoBase(plan.manifest, 'jimp');
    },
    render: (plan) => renderWithJimp(plan),
    close: async () => {},
  };
}

async function renderWithJimp(plan) {
  const { manifest, assets, output } = plan;
  const [base, ...layers] = manifest.layers;
  const canvas = await Jimp.read(assets.get(base.asset));
  for (const layer of layers) {
    if (layer.type === 'image') {
      const image = await Jimp.read(assets.get(layer.asset));
      canvas.composite(image, layer.x, layer.y, {
        mode: BLENDS.get(layer.blend_mode),
        opacitySource: layer.opacity,
      });
    } else {
      await drawSmartObject(plan, canvas, layer);
    }
  }
  if (output.width !== manifest.width || output.height !== manifest.height)
    canvas.resize({ w: output.width, h: output.height });
  const data = await canvas.getBuffer('image/jpeg', { quality: plan.exportOptions.quality });
  return { data };
}

async function drawSmartObject(plan, canvas, so) {
  const size = { width: plan.manifest.width, height: plan.manifest.height };
  const rgb = productRgbOf(so);
  if (rgb) {
    const grey = await placedGrey(plan, so.color.mask);
    const colour = new Jimp({ width: grey.width, height: grey.height, color: 0x000000ff });
    const data = colour.bitmap.data;
    for (let p = 0; p < grey.data.length; p++) {
      data[p * 4] = rgb[0];
      data[p * 4 + 1] = rgb[1];
      data[p * 4 + 2] = rgb[2];
      data[p * 4 + 3] = grey.data[p];
    }
    canvas.composite(colour, grey.x, grey.y, { mode: BlendMode.MULTIPLY });
  }

  const art = await Jimp.read(plan.artwork);
  art.cover({ w: so.size.width, h: so.size.height });
  const displacement = so.displacement
    ? { map: await placedGrey(plan, so.displacement), strength: so.displacement.strength }
    : undefined;
  const warped = warpToCanvas(
    { data: art.bitmap.data, width: art.bitmap.width, height: art.bitmap.height },
    geometryOf(so),
    size,
    displacement,
  );
  const layer = Jimp.fromBitmap({ data: Buffer.from(warped.buffer), width: size.width, height: size.height });
  const data = layer.bitmap.data;
  if (so.mask) {
    const mask = await placedGrey(plan, so.mask);
    for (let y = 0; y < size.height; y++) {
      for (let x = 0; x < size.width; x++) {
        const a = (y * size.width + x) * 4 + 3;
        if (data[a] === 0) continue;
        const mx = x - mask.x;
        const my = y - mask.y;
        const inside = mx >= 0 && my >= 0 && mx < mask.width && my < mask.height;
        data[a] = inside ? Math.round((data[a] * mask.data[my * mask.width + mx]) / 255) : 0;
      }
    }
  }
  if (so.shading) {
    // A clipping layer: blend the shading on, then give the layer back its own alpha.
    const alpha = new Uint8Array(size.width * size.height);
    for (let p = 0; p < alpha.length; p++) alpha[p] = data[p * 4 + 3];
    const shading = await Jimp.read(plan.assets.get(so.shading.asset));
    layer.composite(shading, so.shading.x, so.shading.y, {
      mode: BLENDS.get(so.shading.blend_mode),
      opacitySource: so.shading.opacity,
    });
    for (let p = 0; p < alpha.length; p++) data[p * 4 + 3] = alpha[p];
  }
  canvas.composite(layer, 0, 0, { mode: BLENDS.get(so.blend_mode), opacitySource: so.opacity });
}

/** A grey map decoded now: its alpha if it has transparency, else its luminance. */
async function placedGrey(plan, ref) {
  const image = await Jimp.read(plan.assets.get(ref.asset));
  const { data, width, height } = image.bitmap;
  const grey = new Uint8Array(width * height);
  const fromAlpha = plan.greyFromAlpha.get(ref.asset);
  for (let p = 0; p < grey.length; p++) {
    const i = p * 4;
    grey[p] = fromAlpha
      ? data[i + 3]
      : Math.round(0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]);
  }
  return { data: grey, width, height, x: ref.x, y: ref.y };
}
