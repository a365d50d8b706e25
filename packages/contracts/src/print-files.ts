// Print files: the artwork of a smart object as it will be printed (laid out as in the render,
// before the warp), at the smart object's physical print area and a requested DPI. The pixel size
// is computed here once, so the gateway prices exactly what the worker renders.
import { z } from 'zod';

export const PRINT_FILE_DPI = { min: 72, max: 1200, default: 300 } as const;
/** A print file over this many pixels is refused: it is laid out in memory as one RGBA raster. */
export const PRINT_FILE_MAX_PIXELS = 50_000_000;
/** Where a smart object's physical size is not known (no resolution recorded), it is read at this. */
export const PRINT_AREA_FALLBACK_DPI = 72;
const MM_PER_INCH = 25.4;

export const physicalPrintAreaSchema = z
  .object({
    width_mm: z.number().positive(),
    height_mm: z.number().positive(),
  })
  .meta({
    id: 'PrintArea',
    description:
      'The physical size the smart object’s whole design area (`size`) is printed at; a print file at `dpi` is round(width_mm / 25.4 × dpi) × round(height_mm / 25.4 × dpi) px',
  });
export type PhysicalPrintArea = z.infer<typeof physicalPrintAreaSchema>;

/** The physical size of `pixels` at `dpi`, in millimetres to 0.01 mm. */
export function printAreaAt(pixels: { width: number; height: number }, dpi: number): PhysicalPrintArea {
  const mm = (px: number) => Math.round((px / dpi) * MM_PER_INCH * 100) / 100;
  return { width_mm: mm(pixels.width), height_mm: mm(pixels.height) };
}

/** A print file's pixel size: the print area at `dpi` (at least 1 px a side). */
export function printFileSize(area: PhysicalPrintArea, dpi: number): { width: number; height: number } {
  const px = (mm: number) => Math.max(1, Math.round((mm / MM_PER_INCH) * dpi));
  return { width: px(area.width_mm), height: px(area.height_mm) };
}

export const printFileRequestSchema = z
  .object({
    smart_object_uuid: z.uuid(),
    dpi: z.number().int().min(PRINT_FILE_DPI.min).max(PRINT_FILE_DPI.max).default(PRINT_FILE_DPI.default),
  })
  .strict()
  .meta({ id: 'PrintFileRequest' });
export type PrintFileRequest = z.infer<typeof printFileRequestSchema>;

export const printFileSchema = z
  .object({
    smart_object_uuid: z.uuid(),
    url: z.string().meta({ description: 'Signed URL of the PNG (expires like result.url)' }),
    width: z.number().int(),
    height: z.number().int(),
    dpi: z.number().int().meta({ description: 'Also recorded in the PNG (pHYs)' }),
  })
  .meta({ id: 'PrintFile' });
export type PrintFile = z.infer<typeof printFileSchema>;
