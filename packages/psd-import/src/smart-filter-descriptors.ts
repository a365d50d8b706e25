// Photoshop's own record of a placed layer's smart filters (the `filterFX` of its 'SoLd' descriptor),
// kept beside ag-psd's parse of it: ag-psd drops every filter kind it has no parser for (Levels,
// Hue/Saturation, Exposure…), so without this record such a filter would vanish without a warning.
// ag-psd's handler still builds `placedLayer`; this only re-reads the same bytes once it is done.
import type { PlacedLayer } from 'ag-psd';
import { infoHandlersMap, type InfoHandler } from 'ag-psd/dist/additionalInfo.js';
import { readVersionAndDescriptor } from 'ag-psd/dist/descriptor.js';
import { createReader, readInt32, readSignature, type PsdReader } from 'ag-psd/dist/psdReader.js';

const recorded = new WeakMap<PlacedLayer, unknown>();
let installed = false;

function filterFxAt(reader: PsdReader, start: number, end: number): unknown {
  try {
    const block = createReader(reader.view.buffer, reader.view.byteOffset + start, end - start);
    if (readSignature(block) !== 'soLD') return undefined;
    readInt32(block); // version, checked by ag-psd's handler
    const descriptor = readVersionAndDescriptor(block, true) as { filterFX?: unknown };
    return descriptor.filterFX;
  } catch {
    // ag-psd read the block; a second read failing only loses the filters it dropped.
    return undefined;
  }
}

/** Wraps ag-psd's 'SoLd'/'SoLE' reader (one handler object) once per process. */
export function recordSmartFilterDescriptors(): void {
  if (installed) return;
  const handler: InfoHandler | undefined = infoHandlersMap['SoLd'];
  if (!handler) throw new Error("ag-psd has no 'SoLd' handler: the smart filters cannot be read");
  const read = handler.read;
  handler.read = (reader, target, left, psd, imageResources) => {
    const start = reader.offset;
    try {
      read(reader, target, left, psd, imageResources);
    } finally {
      // Also when ag-psd's parse of the block fails (the layer then keeps its 'PlLd' record): the
      // filters are still listed, so none is lost silently.
      const placed = target.placedLayer;
      const end = reader.offset + left();
      const filterFx = placed ? filterFxAt(reader, start, end) : undefined;
      if (placed && filterFx !== undefined) recorded.set(placed, filterFx);
    }
  };
  installed = true;
}

/** The placed layer's `filterFX` descriptor as Photoshop stored it (unvalidated), if it has one. */
export function smartFilterDescriptorOf(placed: PlacedLayer): unknown {
  return recorded.get(placed);
}
