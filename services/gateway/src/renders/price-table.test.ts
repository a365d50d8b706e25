import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PRICE_TABLE_RATIOS,
  PRICE_TABLE_SIZES,
  priceTable,
  priceTableMarkdown,
  printFilePriceTableMarkdown,
} from './price-table.js';

const column = (label: string) => PRICE_TABLE_RATIOS.findIndex((ratio) => ratio.label === label);
const creditsAt = (size: number, label: string) =>
  priceTable().find((row) => row.size === size)!.credits[column(label)];

describe('the price table', () => {
  it('shows what the credits rule charges at each size and aspect ratio', () => {
    // Worked by hand: 1 credit per started 4 MP of width × height.
    expect(creditsAt(2000, '1:1')).toBe(1); // 2000 × 2000 = 4 MP
    expect(creditsAt(2500, '1:1')).toBe(2); // 6.25 MP
    expect(creditsAt(4000, '4:3 or 3:4')).toBe(3); // 4000 × 3000 = 12 MP, the 2000×1500 poster at 4000
    expect(creditsAt(8000, '4:3 or 3:4')).toBe(12); // 48 MP
    expect(creditsAt(8000, '16:9 or 9:16')).toBe(9); // 8000 × 4500 = 36 MP
    expect(creditsAt(8000, '1:1')).toBe(16); // 64 MP
    expect(creditsAt(1000, '16:9 or 9:16')).toBe(1);
  });

  it('goes up to the largest size a render may ask for', () => {
    expect(PRICE_TABLE_SIZES.at(-1)).toBe(8000);
    expect(priceTable().every((row) => row.credits.every((credits) => credits >= 1))).toBe(true);
  });

  it('renders as a Markdown table with one row per size', () => {
    const lines = priceTableMarkdown().split('\n');
    expect(lines[0]).toBe(
      '| `export_options.size` (longest side, px) | 1:1 | 5:4 or 4:5 | 4:3 or 3:4 | 3:2 or 2:3 | 16:9 or 9:16 |',
    );
    expect(lines).toHaveLength(2 + PRICE_TABLE_SIZES.length);
    expect(lines).toContain('| 4000 | 4 | 4 | 3 | 3 | 3 |');
  });

  it('is the table docs/api.md shows (regenerate it there when the rule changes)', () => {
    const guide = readFileSync(join(__dirname, '../../../../docs/api.md'), 'utf8');
    const shown = /<!-- price-table:start[^>]*-->\n([\s\S]*?)\n<!-- price-table:end -->/.exec(guide)?.[1];
    expect(shown).toBe(priceTableMarkdown());
  });
});

describe('the print file price table', () => {
  it('shows what a print file costs on top of its render, per print area and dpi', () => {
    const lines = printFilePriceTableMarkdown().split('\n');
    expect(lines[0]).toBe('| print area | 150 dpi | 300 dpi | 600 dpi |');
    // A4 at 300 dpi is 2480 × 3508 px = 8.7 MP: 3 credits; at 600 dpi 4961 × 7016 = 34.8 MP: 9.
    expect(lines).toContain('| A4 (210 × 297 mm) | 1 | 3 | 9 |');
    // 12 × 15 in at 600 dpi is 7200 × 9000 px = 64.8 MP: over the 50 MP a print file may have.
    expect(lines.find((line) => line.startsWith('| DTG front'))).toBe(
      '| DTG front, built-in t-shirt (12 × 15 in) | 2 | 5 | — |',
    );
  });
});
