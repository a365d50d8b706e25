// What a render costs at each output size, computed from the credits rule itself, so the table on /docs
// and in docs/api.md can never disagree with what is charged. The cost depends on the aspect ratio too
// (the size is the longest side), hence one column per common ratio.
import { EXPORT_SIZE } from '@platen/contracts';
import { outputSize, renderCredits, type OutputSize } from './credits-rule.js';

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
