// A print file: one smart object's artwork as it will be printed, laid out exactly as the render lays
// it out on the design canvas (decodeOnCanvas + layOutArtwork, on the kernel pool: size, position, fit, tiles,
// background, rotation, adjustments) but before the smart filters and the warp, at the smart
// object's physical print area and the requested DPI, as a PNG with that DPI in its pHYs chunk.
import {
  PRINT_AREA_FALLBACK_DPI,
  PRINT_FILE_MAX_PIXELS,
  printAreaAt,
  printFileSize,
  type PhysicalPrintArea,
} from '@platen/contracts';
import { decodeOnCanvas, designAreaOf } from './artwork-placement.js';
import { RenderFailedError, isCompositorError } from './compositor-errors.js';
import type { KernelPool } from './kernel-pool.js';
import type { EncodeInput, SharpMedia } from './sharp-media.js';
import type { PreparedTemplate } from './template-preparer.js';
import { smartStepsOf } from './template-preparer.js';
import type { SmartObjectInput, SmartObjectLayer } from './template-model.js';

export interface PrintFileOutput {
  /** PNG bytes. */
  data: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/** The physical size of a smart object's design area: the template's, else its pixels at 72 DPI. */
export function physicalPrintAreaOf(layer: Pick<SmartObjectLayer, 'size' | 'print_size'>): PhysicalPrintArea {
  return layer.print_size ? { ...layer.print_size } : printAreaAt(layer.size, PRINT_AREA_FALLBACK_DPI);
}

export async function renderPrintFile(
  { media, pool }: { media: SharpMedia; pool: KernelPool },
  prepared: PreparedTemplate,
  input: SmartObjectInput,
  dpi: number,
): Promise<PrintFileOutput> {
  const step = smartStepsOf(prepared.steps).find((candidate) => candidate.layer.uuid === input.uuid);
  if (!step) throw new RenderFailedError(`unknown smart object ${input.uuid}`);
  const { layer } = step;
  const canvas = printFileSize(physicalPrintAreaOf(layer), dpi);
  if (canvas.width * canvas.height > PRINT_FILE_MAX_PIXELS) {
    throw new RenderFailedError(`a print file of ${canvas.width}×${canvas.height} px is too large`);
  }
  try {
    const placed = await decodeOnCanvas(media, input, {
      area: designAreaOf(layer, input),
      canvas,
      sx: canvas.width / layer.size.width,
      sy: canvas.height / layer.size.height,
    });
    // A layout is pixel work in JavaScript (tens of megapixels): on the kernel pool, off the event loop.
    const art: EncodeInput =
      'layout' in placed
        ? {
            data: await pool.compose({
              ...canvas,
              channels: 4,
              base: null,
              steps: [{ kind: 'layout', art: placed.art, layout: placed.layout }],
            }),
            ...canvas,
            channels: 4,
            opaque: placed.layout.background !== undefined,
          }
        : placed.art;
    const encoded = await media.encode(art, {
      format: 'png',
      width: canvas.width,
      height: canvas.height,
      quality: 100,
      density: dpi,
    });
    return { data: encoded.data, width: encoded.width, height: encoded.height, dpi };
  } catch (error) {
    throw isCompositorError(error) ? error : new RenderFailedError('print file failed', { cause: error });
  }
}
