// What a render costs, in one place: 1 credit per started 4 output megapixels (so every render up to
// 4 MP costs 1). The output size is the template's, scaled so its longest side is `size` when given.
// Each print file costs as a render of its own pixel size, on top.
import { printFileSize, type PhysicalPrintArea } from '@platen/contracts';

export const MEGAPIXELS_PER_CREDIT = 4;

export interface OutputSize {
  width: number;
  height: number;
}

export function outputSize(template: OutputSize, size: number | undefined): OutputSize {
  if (size === undefined) return { width: template.width, height: template.height };
  const scale = size / Math.max(template.width, template.height);
  return {
    width: Math.max(1, Math.round(template.width * scale)),
    height: Math.max(1, Math.round(template.height * scale)),
  };
}

export function renderCredits({ width, height }: OutputSize): number {
  return Math.max(1, Math.ceil((width * height) / (MEGAPIXELS_PER_CREDIT * 1_000_000)));
}

/** One print file: its smart object's print area at `dpi`, priced as a render of that size. */
export function printFileCredits(area: PhysicalPrintArea, dpi: number): number {
  return renderCredits(printFileSize(area, dpi));
}
