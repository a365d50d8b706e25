// What every method renders for one sample template: the manifest with its defaults applied, the
// render inputs Platen gets, and the geometry the baselines derive from the same manifest, so all
// methods composite the same layers with the same blend modes, opacities and corner points.
import sharp from 'sharp';
import { invertMatrix3, rectToQuad, smartObjectsOf, templateManifestSchema } from '@platen/compositor';

const WHITE = '#ffffff';

/**
 * @param {{ uuid: string, slug: string, name: string, manifest: unknown, assets: Map<string, Buffer> }} sample
 * @param {Buffer} artwork encoded artwork every smart object receives
 * @param {{ format: 'jpeg', size: number, quality: number }} exportOptions
 */
export async function planTemplate(sample, artwork, exportOptions) {
  const manifest = templateManifestSchema.parse(sample.manifest);
  const smartObjects = smartObjectsOf(manifest);
  const inputs = smartObjects.map((so) => ({
    uuid: so.uuid,
    asset: artwork,
    fit: 'cover',
    rotate: 0,
    ...(so.color ? { color: productColorOf(so) } : {}),
  }));
  const scale = exportOptions.size / Math.max(manifest.width, manifest.height);
  return {
    uuid: sample.uuid,
    slug: sample.slug,
    name: sample.name,
    manifest,
    assets: sample.assets,
    artwork,
    inputs,
    exportOptions,
    output: {
      width: Math.max(1, Math.round(manifest.width * scale)),
      height: Math.max(1, Math.round(manifest.height * scale)),
    },
    /** Which grey maps read their alpha (they have real transparency) rather than their luminance. */
    greyFromAlpha: await greyChannels(manifest, sample.assets),
  };
}

/** The most saturated colour offered (white would skip the colour step), so colour errors show. */
export function productColorOf(so) {
  if (!so.color) return undefined;
  const saturation = (hex) => {
    const rgb = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
    return Math.max(...rgb) - Math.min(...rgb);
  };
  const offered = (so.color.allowed ?? [so.color.default]).filter((hex) => hex.toLowerCase() !== WHITE);
  return offered.sort((a, b) => saturation(b) - saturation(a))[0] ?? so.color.default;
}

/** The colour a render applies to a smart object, as [r, g, b], or null when there is none (or white). */
export function productRgbOf(so) {
  const hex = productColorOf(so)?.toLowerCase();
  if (!hex || hex === WHITE) return null;
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}

/** The artwork's corners on the canvas (perspective) or its mesh, in design-size artwork pixels. */
export function geometryOf(so) {
  const { width, height } = so.size;
  if (so.mesh) return { kind: 'mesh', mesh: so.mesh, width, height };
  const { x, y, width: w, height: h } = so.position;
  const quad = so.quad ?? [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
  return {
    kind: 'perspective',
    quad,
    inverse: invertMatrix3(rectToQuad(width, height, quad)),
    width,
    height,
  };
}

/** Every asset the manifest reads as a grey map: masks, displacement maps, colour masks. */
function greyRefsOf(manifest) {
  const refs = [];
  for (const layer of manifest.layers) {
    if (layer.type === 'image') {
      if (layer.mask) refs.push(layer.mask.asset);
      continue;
    }
    for (const ref of [layer.mask, layer.displacement, layer.color?.mask]) if (ref) refs.push(ref.asset);
  }
  return refs;
}

async function greyChannels(manifest, assets) {
  const result = new Map();
  for (const name of new Set(greyRefsOf(manifest))) {
    const { data } = await sharp(assets.get(name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let transparent = false;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] !== 255) {
        transparent = true;
        break;
      }
    }
    result.set(name, transparent);
  }
  return result;
}

/** Throws for manifest features a baseline does not implement (the samples use none of them). */
export function assertBaselineSupports(manifest, method, blendModes) {
  for (const layer of manifest.layers) {
    const modes = [layer.blend_mode, layer.type === 'smart_object' ? layer.shading?.blend_mode : undefined];
    for (const mode of modes) {
      if (mode !== undefined && !blendModes.has(mode))
        throw new Error(`${method} baseline: blend mode ${mode} is not implemented`);
    }
    if (layer.type === 'image' && layer.mask)
      throw new Error(`${method} baseline: masks on static layers are not implemented`);
    if (layer.type === 'smart_object' && layer.mesh && layer.displacement)
      throw new Error(`${method} baseline: displacement on a mesh is not implemented`);
  }
}
