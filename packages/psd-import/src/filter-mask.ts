// A placed layer's smart filter mask. Photoshop keeps it in the document's filter effects block
// ('FEid'/'FXid', ag-psd's `filterEffectsMasks`): the entry whose id is the placed layer's `placed`
// id holds, after the cached channels, one more image, the mask, in document coordinates, 8 bits,
// raw, RLE (4-byte row lengths) or ZIP. Outside its box the mask is white when the stack says it
// extends with white (Photoshop's default), black otherwise.
import type { PlacedLayer, Psd } from 'ag-psd';
import { createReader, readDataRLE, readDataZip } from 'ag-psd/dist/psdReader.js';
import type { Box, Rgba } from './pixels.js';

export interface FilterMask {
  box: Box;
  /** The mask's grey in the first channel of each 4-byte pixel (as maskPng reads it). */
  grey: Rgba;
  defaultColor: number;
}

/** Bounded: the mask of a document of at most this many pixels is read. */
const MASK_PIXELS_MAX = 100_000_000;

/**
 * The mask, or undefined when the document stores none for this layer or stores one that cannot
 * be read (another depth, an unknown compression, truncated data).
 */
export function filterMaskOf(psd: Psd, placed: PlacedLayer): FilterMask | undefined {
  const id = placed.placed ?? placed.id;
  const entry = psd.filterEffectsMasks?.find((mask) => mask.id === id);
  const extra = entry?.extra;
  if (!entry || !extra || entry.depth !== 8) return undefined;
  const width = extra.right - extra.left;
  const height = extra.bottom - extra.top;
  if (width < 1 || height < 1 || width * height > MASK_PIXELS_MAX) return undefined;
  const grey = { width, height, data: new Uint8ClampedArray(width * height * 4) };
  try {
    const { data, compressionMode } = extra;
    if (compressionMode === 0) {
      if (data.length < width * height) return undefined;
      for (let i = 0; i < width * height; i++) grey.data[i * 4] = data[i]!;
    } else if (compressionMode === 1) {
      const reader = createReader(data.buffer, data.byteOffset, data.byteLength);
      readDataRLE(reader, grey, width, height, 8, 4, [0], true);
    } else if (compressionMode === 2 || compressionMode === 3) {
      readDataZip(data, grey, width, height, 8, 4, 0, compressionMode === 3);
    } else {
      return undefined;
    }
  } catch {
    return undefined;
  }
  return {
    box: { x: extra.left, y: extra.top, width, height },
    grey,
    defaultColor: placed.filter?.maskExtendWithWhite === false ? 0 : 255,
  };
}

/** A mask that shows the filters everywhere changes nothing: no need to carry it. */
export function showsEverywhere(mask: FilterMask): boolean {
  if (mask.defaultColor !== 255) return false;
  for (let i = 0; i < mask.grey.data.length; i += 4) if (mask.grey.data[i] !== 255) return false;
  return true;
}
