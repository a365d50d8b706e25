// The "try it" form's rules: which artworks a mockup needs, the body sent for them, and the upload
// size that fits the dashboard API's 35 MB body limit once base64-encoded.
import type { CreateRenderBody, ExportFormat, FitMode, Mockup, Render } from './api-types.js';
import type { FormResult } from './key-form.js';

/** base64 grows data by 4/3: 25 MB of files is about 33.4 MB of JSON, under the 35 MB body limit. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const EXPORT_SIZE = { min: 64, max: 8000 } as const;

/** `data:image/png;base64,AAAA` (what FileReader.readAsDataURL gives) → `AAAA`. */
export function base64FromDataUrl(dataUrl: string): string {
  const comma = dataUrl.indexOf(',');
  if (!dataUrl.startsWith('data:') || comma < 0 || !dataUrl.slice(0, comma).endsWith(';base64')) {
    throw new Error('The file could not be read as base64.');
  }
  return dataUrl.slice(comma + 1);
}

export interface RenderFormInput {
  /** base64 artwork per smart object uuid; objects without one are left out. */
  artworks: Record<string, string | undefined>;
  /** Bytes of each chosen file, for the size check. */
  fileSizes: number[];
  fit: FitMode;
  format: ExportFormat;
  /** Longest side in pixels, empty for the template's own size. */
  size: string;
  /** The product colour chosen per smart object uuid (only those that take one are sent). */
  colors?: Record<string, string | undefined>;
}

/** The size field as a number, undefined when empty (the template's own size). */
export function parseExportSize(size: string): FormResult<number | undefined> {
  if (size.trim() === '') return { ok: true, value: undefined };
  const value = Number(size);
  if (!Number.isInteger(value) || value < EXPORT_SIZE.min || value > EXPORT_SIZE.max) {
    return {
      ok: false,
      error: `The size must be a whole number from ${EXPORT_SIZE.min} to ${EXPORT_SIZE.max}.`,
    };
  }
  return { ok: true, value };
}

export function buildRenderBody(mockup: Mockup, input: RenderFormInput): FormResult<CreateRenderBody> {
  const missing = mockup.smart_objects.filter((object) => object.required && !input.artworks[object.uuid]);
  if (missing.length > 0) {
    return { ok: false, error: `Choose an image for ${missing.map((object) => object.name).join(', ')}.` };
  }
  const smartObjects: CreateRenderBody['smart_objects'] = [];
  for (const object of mockup.smart_objects) {
    const data = input.artworks[object.uuid];
    if (!data) continue;
    const color = object.color ? input.colors?.[object.uuid]?.toLowerCase() : undefined;
    if (color !== undefined && object.color?.allowed && !object.color.allowed.includes(color)) {
      return {
        ok: false,
        error: `${object.name} comes in ${object.color.allowed.join(', ')}: choose one of those colours.`,
      };
    }
    smartObjects.push({ uuid: object.uuid, asset: { data, fit: input.fit }, ...(color ? { color } : {}) });
  }
  if (smartObjects.length === 0) return { ok: false, error: 'Choose at least one image.' };
  const totalBytes = input.fileSizes.reduce((a, b) => a + b, 0);
  if (totalBytes > MAX_UPLOAD_BYTES) {
    return { ok: false, error: 'The images are too large: at most 25 MB in all.' };
  }
  const exportOptions: NonNullable<CreateRenderBody['export_options']> = { format: input.format };
  const size = parseExportSize(input.size);
  if (!size.ok) return size;
  if (size.value !== undefined) exportOptions.size = size.value;
  return {
    ok: true,
    value: { mockup_uuid: mockup.uuid, smart_objects: smartObjects, export_options: exportOptions },
  };
}

export function isFinished(render: Pick<Render, 'status'>): boolean {
  return render.status === 'succeeded' || render.status === 'failed';
}
