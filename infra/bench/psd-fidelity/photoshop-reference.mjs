// What Photoshop shows for a document: the composite it saved, or, when it saved none ("maximize
// compatibility" off: the version-info resource says so and the composite is blank), its stored layer
// images flattened here: each visible layer's pixels (what Photoshop last drew for it) over the ones
// under it, normal blending at the layer's opacity times its groups'. That fallback is only exact
// for normal layers without masks or effects, so it reports what it could not honour.
import { initializeCanvas, readPsd } from 'ag-psd';

// ag-psd wants a canvas factory even for image data; Node has none, plain pixel arrays do.
initializeCanvas(
  () => {
    throw new Error('no canvas in Node: read with useImageData');
  },
  (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }),
);

const READ = {
  useImageData: true,
  skipThumbnail: true,
  throwForMissingFeatures: false,
  logMissingFeatures: false,
};

export function readDocument(bytes) {
  return readPsd(bytes, READ);
}

/** { image, kind: 'composite' | 'stored layers', caveats } for a document read by readDocument. */
export function photoshopReference(psd) {
  const saved = psd.imageResources?.versionInfo?.hasRealMergedData !== false;
  if (psd.imageData && saved && !uniform(psd.imageData)) {
    return { image: rgba(psd.imageData), kind: 'composite', caveats: [] };
  }
  return { ...flattenStoredLayers(psd), kind: 'stored layers' };
}

/** Stored layer images over transparency, normal blending; caveats name what was not honoured. */
export function flattenStoredLayers(psd) {
  const { width, height } = psd;
  const out = new Float64Array(width * height * 4);
  const caveats = new Set();
  const draw = (layers, opacity) => {
    for (const layer of layers ?? []) {
      if (layer.hidden) continue;
      const alpha = (layer.opacity ?? 1) * opacity;
      if (layer.children) {
        if (layer.mask) caveats.add('group masks');
        draw(layer.children, alpha);
        continue;
      }
      if (layer.blendMode && layer.blendMode !== 'normal') caveats.add(`blend mode ${layer.blendMode}`);
      if (layer.mask) caveats.add('layer masks');
      if (layer.effects && Object.keys(layer.effects).some((key) => key !== 'scale'))
        caveats.add('layer effects');
      if (layer.clipping) caveats.add('clipping');
      if (layer.imageData) over(out, width, height, layer.imageData, layer.left ?? 0, layer.top ?? 0, alpha);
    }
  };
  draw(psd.children, 1);
  const data = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i += 4) {
    const a = out[i + 3];
    for (let c = 0; c < 3; c++) data[i + c] = a > 0 ? Math.round(out[i + c] / a) : 0;
    data[i + 3] = Math.round(a * 255);
  }
  return { image: { data, width, height }, caveats: [...caveats] };
}

/** Source-over in premultiplied floats (colour 0–255 × alpha 0–1). */
function over(out, width, height, image, left, top, opacity) {
  const { data, width: w, height: h } = image;
  for (let y = 0; y < h; y++) {
    const ty = top + y;
    if (ty < 0 || ty >= height) continue;
    for (let x = 0; x < w; x++) {
      const tx = left + x;
      if (tx < 0 || tx >= width) continue;
      const s = (y * w + x) * 4;
      const d = (ty * width + tx) * 4;
      const a = (data[s + 3] / 255) * opacity;
      if (a === 0) continue;
      for (let c = 0; c < 3; c++) out[d + c] = data[s + c] * a + out[d + c] * (1 - a);
      out[d + 3] = a + out[d + 3] * (1 - a);
    }
  }
}

function rgba({ data, width, height }) {
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
}

function uniform({ data }) {
  for (let i = 4; i < data.length; i++) if (data[i] !== data[i % 4]) return false;
  return true;
}
