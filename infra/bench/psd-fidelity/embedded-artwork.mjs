// The artwork a smart object showed in Photoshop: the file embedded in the document for its placed
// layer, as image bytes a render accepts. PNG and JPEG go in as they are (what a user would upload);
// an embedded PSD/PSB goes in as its own Photoshop image (photoshop-reference.mjs), an SVG as sharp
// rasterises it, cropped to its drawing as Photoshop places it. Smart objects are matched to placed
// layers by their layer path.
import { Buffer } from 'node:buffer';
import sharp from 'sharp';
import { smartObjectsOf, toLayerName } from '@platen/compositor';
import { photoshopReference, readDocument } from './photoshop-reference.mjs';

/** Placed layers of the document by the path the importer names them with (`Group / Layer`). */
export function placedLayersByPath(psd) {
  const found = new Map();
  const walk = (layers, parent) => {
    for (const layer of layers ?? []) {
      const own = toLayerName(layer.name ?? 'Layer', 'Layer');
      const path = parent ? `${parent} / ${own}` : own;
      if (layer.hidden) continue;
      if (layer.children) walk(layer.children, path);
      else if (layer.placedLayer) found.set(toLayerName(path, 'Layer'), layer);
    }
  };
  walk(psd.children, '');
  return found;
}

/**
 * For each smart object of the manifest: { uuid, name, required, file, artwork?, note? }, `artwork`
 * being the bytes to render it with (absent when the file is not in the document or not decodable).
 */
export async function artworkFor(psd, manifest) {
  const placed = placedLayersByPath(psd);
  const files = new Map((psd.linkedFiles ?? []).map((file) => [file.id, file]));
  const seen = new Map();
  // smartObjectsOf looks inside groups too (isolated groups are layers of their own).
  for (const layer of smartObjectsOf(manifest)) {
    const source = placed.get(layer.layer_name);
    const file = source ? files.get(source.placedLayer.id) : undefined;
    const entry = { uuid: layer.uuid, name: layer.name, required: layer.required, size: layer.size };
    if (!source) entry.note = `no placed layer at "${layer.layer_name}"`;
    else if (!file) entry.note = 'its file is not in the linked-files table';
    else if (!file.data) entry.note = `"${file.name}" is linked from outside the document`;
    else Object.assign(entry, { file: file.name, ...(await decodable(file, layer.size)) });
    if (entry.blank) {
      delete entry.blank;
      Object.assign(entry, await fromStoredPixels(source, layer.size));
    }
    seen.set(layer.uuid, entry);
  }
  return [...seen.values()];
}

async function decodable(file, size) {
  const bytes = Buffer.from(file.data);
  const head = bytes.subarray(0, 4).toString('latin1');
  if (head === '8BPS') {
    const inner = photoshopReference(readDocument(bytes));
    const { data, width, height } = inner.image;
    const artwork = await sharp(data, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer();
    if (!inner.image.data.some((value, i) => i % 4 === 3 && value > 0)) return { blank: true };
    const note =
      inner.kind === 'composite' ? undefined : `embedded document has no composite: its layers flattened`;
    return { artwork, ...(note ? { note } : {}) };
  }
  if (/^\s*<(\?xml|svg)/i.test(bytes.subarray(0, 64).toString('utf8'))) {
    // Photoshop places an SVG cropped to its drawing's bounds, not its page: trim, then scale.
    const page = await sharp(bytes, { density: 288 }).png().toBuffer();
    const drawn = await sharp(page)
      .trim({ background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .toBuffer();
    const artwork = await sharp(drawn)
      .resize(Math.round(size.width), Math.round(size.height), { fit: 'fill' })
      .png()
      .toBuffer();
    return {
      artwork,
      note: 'SVG rasterised by sharp (librsvg), cropped to its drawing and scaled to the placed size',
    };
  }
  try {
    await sharp(bytes).metadata();
    return { artwork: bytes };
  } catch {
    return { note: `"${file.name}" (${head.replace(/[^\x20-\x7e]/g, '.')}) is not an image sharp decodes` };
  }
}

/**
 * An embedded document without pixels (a vector shape layer: ag-psd reads no fill) leaves the
 * harness only Photoshop's drawing of the placed layer. Where the placement is an axis-aligned box,
 * that box scaled to the content size is the artwork (exact for a plain placement; it already
 * carries any smart filter, which the render then applies again). Otherwise there is none.
 */
async function fromStoredPixels(layer, size) {
  const [x0, y0, x1, , , y2, x3] = layer.placedLayer.transform;
  const aligned = layer.placedLayer.transform[3] === y0 && x3 === x0 && layer.placedLayer.transform[4] === x1;
  const image = layer.imageData;
  if (!aligned || !image) {
    return {
      note: 'embedded document has no pixels (vector only) and the placement is not a plain box: no artwork',
    };
  }
  const left = Math.round(x0 - (layer.left ?? 0));
  const top = Math.round(y0 - (layer.top ?? 0));
  const width = Math.round(x1 - x0);
  const height = Math.round(y2 - y0);
  const canvas = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = left + x;
      const sy = top + y;
      if (sx < 0 || sy < 0 || sx >= image.width || sy >= image.height) continue;
      canvas.set(
        image.data.subarray((sy * image.width + sx) * 4, (sy * image.width + sx) * 4 + 4),
        (y * width + x) * 4,
      );
    }
  }
  const artwork = await sharp(canvas, { raw: { width, height, channels: 4 } })
    .resize(Math.round(size.width), Math.round(size.height), { fit: 'fill' })
    .png()
    .toBuffer();
  return {
    artwork,
    note: "embedded document has no pixels (vector only): the placed layer's stored pixels stand in for it",
  };
}
