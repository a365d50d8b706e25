// What a render costs at each output size, computed from the credits rule itself, so the table on /docs
// and in docs/api.md can never disagree with what is charged. The cost depends on the aspect ratio too
// (the size is the longest side), hence one column per common ratio.
import { EXPORT_SIZE, PRINT_FILE_MAX_PIXELS, printFileSize, type PhysicalPrintArea } from '@platen/contracts';
import { outputSize, printFileCredits, renderCredits, type OutputSize } from './credits-rule.js';

export interface AspectRatio {
  label: string;
  /** The template's shape: only the ratio matters, the output is scaled to the requested size. */
  shape: OutputSize;
}

/** The built-ins are 4:3 (poster, tablet, mug) and 4:5 (t-shirt). */
export const PRICE_TABLE_RATIOS: readonly AspectRatio[] = [
  { label: '1:1', shape: { width: 1000, height: 1000 } },
  { label: '5:4 or 4:5', shape: { width: 1250, height: 1000 } },
  { label: '4:3 or 3:4', shape: { width: 1200, height: 900 } },
  { label: '3:2 or 2:3', shape: { width: 1500, height: 1000 } },
  { label: '16:9 or 9:16', shape: { width: 1600, height: 900 } },
];

export const PRICE_TABLE_SIZES: readonly number[] = [
  1000,
  2000,
  2500,
  3000,
  4000,
  5000,
  6000,
  7000,
  EXPORT_SIZE.max,
];

export interface PriceRow {
  size: number;
  /** Credits per ratio, in the order of PRICE_TABLE_RATIOS. */
  credits: number[];
}

export function priceTable(): PriceRow[] {
  return PRICE_TABLE_SIZES.map((size) => ({
    size,
    credits: PRICE_TABLE_RATIOS.map(({ shape }) => renderCredits(outputSize(shape, size))),
  }));
}

/** The table as Markdown (GitHub and Swagger UI both render it). */
export function priceTableMarkdown(): string {
  const header = `| \`export_options.size\` (longest side, px) | ${PRICE_TABLE_RATIOS.map((r) => r.label).join(' | ')} |`;
  const rule = `|---|${PRICE_TABLE_RATIOS.map(() => '---').join('|')}|`;
  const rows = priceTable().map(({ size, credits }) => `| ${size} | ${credits.join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

/** Print areas a print file is often asked for: the built-ins' and the usual paper and DTG sizes. */
export const PRINT_PRICE_AREAS: readonly { label: string; area: PhysicalPrintArea }[] = [
  { label: 'A4 (210 × 297 mm)', area: { width_mm: 210, height_mm: 297 } },
  { label: 'mug side, built-in (208 × 160 mm)', area: { width_mm: 208, height_mm: 160 } },
  { label: 'poster, built-in (300 × 400 mm)', area: { width_mm: 300, height_mm: 400 } },
  { label: 'DTG front, built-in t-shirt (12 × 15 in)', area: { width_mm: 304.8, height_mm: 381 } },
  { label: 'A3 (297 × 420 mm)', area: { width_mm: 297, height_mm: 420 } },
];
export const PRINT_PRICE_DPIS: readonly number[] = [150, 300, 600];

/** Credits of one print file, or '—' where it is over the pixel cap (refused). */
function printFileCell(area: PhysicalPrintArea, dpi: number): string {
  const { width, height } = printFileSize(area, dpi);
  return width * height > PRINT_FILE_MAX_PIXELS ? '—' : String(printFileCredits(area, dpi));
}

/** What one print file costs on top of its render, per print area and dpi, as Markdown. */
export function printFilePriceTableMarkdown(): string {
  const header = `| print area | ${PRINT_PRICE_DPIS.map((dpi) => `${dpi} dpi`).join(' | ')} |`;
  const rule = `|---|${PRINT_PRICE_DPIS.map(() => '---').join('|')}|`;
  const rows = PRINT_PRICE_AREAS.map(
    ({ label, area }) =>
      `| ${label} | ${PRINT_PRICE_DPIS.map((dpi) => printFileCell(area, dpi)).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
