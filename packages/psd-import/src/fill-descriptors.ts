// Photoshop's pattern fill settings that ag-psd drops (its parse of 'PtFl' keeps the pattern and
// phase, not the scale or angle), re-read from the same bytes once ag-psd is done, kept beside
// the layer's `vectorFill` so a scaled or turned pattern is drawn so, or named.
import type { VectorContent } from 'ag-psd';
import { infoHandlersMap, type InfoHandler } from 'ag-psd/dist/additionalInfo.js';
import { readVersionAndDescriptor } from 'ag-psd/dist/descriptor.js';
import { createReader, readSignature, type PsdReader } from 'ag-psd/dist/psdReader.js';
import { z } from 'zod';

export interface PatternSettings {
  /** 1 = 100 %. */
  scale: number;
  /** Degrees. */
  angle: number;
}

const recorded = new WeakMap<VectorContent, PatternSettings>();
let installed = false;

const units = z.object({ value: z.number().finite() });
const settings = z.object({ 'Scl ': units.optional(), Angl: units.optional() }).passthrough();

function settingsAt(reader: PsdReader, start: number, end: number, signed: boolean) {
  try {
    const block = createReader(reader.view.buffer, reader.view.byteOffset + start, end - start);
    if (signed) readSignature(block);
    const parsed = settings.safeParse(readVersionAndDescriptor(block));
    if (!parsed.success) return undefined;
    return {
      scale: (parsed.data['Scl ']?.value ?? 100) / 100,
      angle: parsed.data.Angl?.value ?? 0,
    };
  } catch {
    return undefined;
  }
}

/** Wraps ag-psd's 'PtFl' and 'vscg' readers once per process. */
export function recordFillDescriptors(): void {
  if (installed) return;
  for (const [key, signed] of [
    ['PtFl', false],
    ['vscg', true],
  ] as const) {
    const handler: InfoHandler | undefined = infoHandlersMap[key];
    if (!handler) throw new Error(`ag-psd has no '${key}' handler: fill layers cannot be read`);
    const read = handler.read;
    handler.read = (reader, target, left, psd, imageResources) => {
      const start = reader.offset;
      const end = start + left();
      read(reader, target, left, psd, imageResources);
      const fill = target.vectorFill;
      if (fill?.type !== 'pattern') return;
      const found = settingsAt(reader, start, end, signed);
      if (found) recorded.set(fill, found);
    };
  }
  installed = true;
}

/** A pattern fill's scale and angle as Photoshop stored them (100 % and 0° when not recorded). */
export function patternSettingsOf(fill: VectorContent): PatternSettings {
  return recorded.get(fill) ?? { scale: 1, angle: 0 };
}
