// Baseline (a): a straightforward sharp pipeline. Every render decodes every layer from the
// template's encoded assets, resizes the artwork to the smart object's design size, warps it into a
// full-canvas layer with a plain JS loop (naive-warp.mjs: sharp has no perspective or mesh warp),
// masks and shades that layer with sharp composites, then composites all layers over the decoded
// base photo in one sharp pipeline that also encodes. Nothing is cached, cropped or pre-flattened.
import { Buffer } from 'node:buffer';
import sharp from 'sharp';
import { warpToCanvas } from './naive-warp.mjs';
import { assertBaselineSupports, geometryOf, productRgbOf } from './template-plan.mjs';

/** Manifest blend modes → libvips composite modes (the W3C formulas for opaque overlays). */
const BLENDS = new Map([
  ['normal', 'over'],
  ['multiply', 'multiply'],
  ['screen', 'screen'],
  ['overlay', 'overlay'],
  ['hard-light', 'hard-light'],
  ['soft-light', 'soft-light'],
]);
/**
 * libvips weighs a semi-transparent overlay's alpha twice in these modes (white at alpha 0.5
 * screened over grey 34 gives 89, the W3C formula 144), so such overlays are first flattened
 * onto the mode's neutral colour: exact for these modes over an opaque backdrop, because each
 * is linear in the source colour on either side of its neutral value.
 */
const NEUTRAL = new Map([
  ['multiply', 255],
  ['screen', 0],
  ['overlay', 128],
  ['hard-light', 128],
  ['soft-light', 128],
]);
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

export function createSharpBaseline() {
  return {
    name: 'sharp',
    label: '(a) sharp, per-render decode',
    async setup(plan) {
      assertBaselineSupports(plan.manifest, 'sharp', new Set(BLENDS.keys()));
      assertPhotoBase(plan.manifest, 'sharp');
    },
    render: (plan) => renderWithSharp(plan),
    close: async () => {},
  };
}

/** The baselines start from the bottom layer's photo, as every sample template has one. */
export function assertPhotoBase(manifest, method) {
  const [first] = manifest.layers;
  const photo =
    first.type === 'image' &&
    first.x === 0 &&
    first.y === 0 &&
    first.blend_mode === 'normal' &&
    first.opacity === 1 &&
    !first.mask;
  if (!photo) throw new Error(`${method} baseline: the bottom layer must be a full-canvas photo`);
}

async function renderWithSharp(plan) {
  const { manifest, assets, output } = plan;
  const canvas = { width: manifest.width, height: manifest.height };
  const [base, ...layers] = manifest.layers;
  const overlays = [];
  for (const layer of layers) {
    if (layer.type === 'image') overlays.push(await staticOverlay(assets, layer));
    else overlays.push(...(await smartObjectOverlays(plan, layer, canvas)));
  }
  // sharp resizes before it composites, so a resize needs the composite materialised first.
  let pipeline = sharp(assets.get(base.asset)).composite(overlays);
  if (output.width !== canvas.width || output.height !== canvas.height) {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    pipeline = sharp(data, { raw: rawOf(info) }).resize(output.width, output.height, { fit: 'fill' });
  }
  // The encoder settings Platen uses (standard Huffman tables), so the comparison is the pipeline's.
  const data = await pipeline
    .removeAlpha()
    .jpeg({ quality: plan.exportOptions.quality, optimiseCoding: false })
    .toBuffer();
  return { data };
}

function staticOverlay(assets, layer) {
  return blendOverlay(sharp(assets.get(layer.asset)), layer.blend_mode, layer.opacity, layer.x, layer.y);
}

/** An overlay for the final composite: decoded now, opacity and the libvips workaround applied. */
async function blendOverlay(source, mode, opacity, left, top) {
  const neutral = NEUTRAL.get(mode);
  let pipeline = source;
  if (neutral === undefined) {
    pipeline = withOpacity(pipeline, opacity);
  } else {
    // sharp flattens before it applies linear(): fade the flattened colour towards the neutral.
    pipeline = pipeline.flatten({ background: { r: neutral, g: neutral, b: neutral } });
    if (opacity < 1) pipeline = pipeline.linear(opacity, (1 - opacity) * neutral);
  }
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { input: data, raw: rawOf(info), left, top, blend: BLENDS.get(mode) };
}

async function smartObjectOverlays(plan, so, canvas) {
  const overlays = [];
  const rgb = productRgbOf(so);
  if (rgb) overlays.push(await colourOverlay(plan, so.color.mask, rgb));

  const { data: art, info } = await sharp(plan.artwork)
    .resize(so.size.width, so.size.height, { fit: 'cover', position: 'centre' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const displacement = so.displacement
    ? { map: await placedGrey(plan, so.displacement), strength: so.displacement.strength }
    : undefined;
  const warped = warpToCanvas(
    { data: art, width: info.width, height: info.height },
    geometryOf(so),
    canvas,
    displacement,
  );
  let layer = Buffer.from(warped.buffer, warped.byteOffset, warped.byteLength);
  if (so.mask) layer = await maskLayer(plan, layer, canvas, so.mask);
  if (so.shading) layer = await shadeLayer(plan, layer, canvas, so.shading);
  const raw = { width: canvas.width, height: canvas.height, channels: 4 };
  overlays.push(await blendOverlay(sharp(layer, { raw }), so.blend_mode, so.opacity, 0, 0));
  return overlays;
}

/** A grey map decoded now: its alpha if it has transparency, else its luminance. */
async function placedGrey(plan, ref) {
  const bytes = plan.assets.get(ref.asset);
  const pipeline = plan.greyFromAlpha.get(ref.asset)
    ? sharp(bytes).ensureAlpha().extractChannel(3)
    : sharp(bytes).removeAlpha().greyscale();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`grey map ${ref.asset} decoded to ${info.channels} channels`);
  return { data, width: info.width, height: info.height, x: ref.x, y: ref.y };
}

/** The product colour with the colour mask as its alpha, to multiply onto the canvas. */
async function colourOverlay(plan, ref, [r, g, b]) {
  const grey = await placedGrey(plan, ref);
  const colour = sharp({
    create: { width: grey.width, height: grey.height, channels: 3, background: { r, g, b } },
  }).joinChannel(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } });
  // joinChannel comes last in a sharp pipeline: materialise before blendOverlay flattens.
  const { data, info } = await colour.raw().toBuffer({ resolveWithObject: true });
  return blendOverlay(sharp(data, { raw: rawOf(info) }), 'multiply', 1, ref.x, ref.y);
}

/** Multiplies the layer's alpha by the mask (dest-in); outside the mask the layer is hidden. */
async function maskLayer(plan, layer, canvas, ref) {
  const grey = await placedGrey(plan, ref);
  const extend = {
    left: ref.x,
    top: ref.y,
    right: canvas.width - ref.x - grey.width,
    bottom: canvas.height - ref.y - grey.height,
  };
  if (Object.values(extend).some((side) => side < 0))
    throw new Error(`sharp baseline: mask ${ref.asset} reaches outside the canvas`);
  const rawGrey = { raw: { width: grey.width, height: grey.height, channels: 1 } };
  const mask = await sharp(grey.data, rawGrey)
    .joinChannel(grey.data, rawGrey)
    .extend({ ...extend, background: TRANSPARENT })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(layer, { raw: { width: canvas.width, height: canvas.height, channels: 4 } })
    .composite([{ input: mask.data, raw: rawOf(mask.info), blend: 'dest-in' }])
    .raw()
    .toBuffer();
}

/** Blends the shading onto the layer, then restores the layer's alpha (a clipping layer). */
async function shadeLayer(plan, layer, canvas, shading) {
  const raw = { width: canvas.width, height: canvas.height, channels: 4 };
  const overlay = await blendOverlay(
    sharp(plan.assets.get(shading.asset)),
    shading.blend_mode,
    shading.opacity,
    shading.x,
    shading.y,
  );
  const shaded = await sharp(layer, { raw }).composite([overlay]).raw().toBuffer();
  // Two pipelines: within one, sharp would join the alpha before removing the old one.
  const alpha = await sharp(layer, { raw }).extractChannel(3).raw().toBuffer();
  const colour = await sharp(shaded, { raw }).removeAlpha().raw().toBuffer();
  return sharp(colour, { raw: { ...raw, channels: 3 } })
    .joinChannel(alpha, { raw: { ...raw, channels: 1 } })
    .raw()
    .toBuffer();
}

function withOpacity(pipeline, opacity) {
  const rgba = pipeline.ensureAlpha();
  return opacity >= 1 ? rgba : rgba.linear([1, 1, 1, opacity], [0, 0, 0, 0]);
}

function rawOf(info) {
  return { width: info.width, height: info.height, channels: info.channels };
}
