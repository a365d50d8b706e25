// The physical size of a placed layer's smart object (a manifest's `print_size`): its pixels at the
// resolution Photoshop recorded for the placed file, else at the document's resolution. Neither
// known: none, and the compositor reads the pixels at 72 DPI.
import { printAreaAt } from '@platen/compositor';
import type { Layer, Psd } from 'ag-psd';

const CM_PER_INCH = 2.54;

export function printSizeOf(
  placed: NonNullable<Layer['placedLayer']>,
  psd: Pick<Psd, 'imageResources'>,
  size: { width: number; height: number },
): { width_mm: number; height_mm: number } | undefined {
  const ppi = placedPpi(placed) ?? documentPpi(psd);
  return ppi === undefined ? undefined : printAreaAt(size, ppi);
}

function placedPpi(placed: NonNullable<Layer['placedLayer']>): number | undefined {
  const resolution = placed.resolution;
  if (resolution?.units !== 'Density') return undefined;
  return usable(resolution.value);
}

function documentPpi(psd: Pick<Psd, 'imageResources'>): number | undefined {
  const info = psd.imageResources?.resolutionInfo;
  if (!info) return undefined;
  const value = info.horizontalResolution;
  return usable(info.horizontalResolutionUnit === 'PPCM' ? value * CM_PER_INCH : value);
}

/** A resolution a print shop would recognise: Photoshop allows 1–30,000 ppi. */
function usable(ppi: number): number | undefined {
  return Number.isFinite(ppi) && ppi >= 1 && ppi <= 30_000 ? ppi : undefined;
}
