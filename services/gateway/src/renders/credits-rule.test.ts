// The dashboard's "try it" form restates the rule for the browser; this keeps the two in step.
import { renderPrice } from '../../../../packages/dashboard/web/lib/render-price.js';
import { outputSize, printFileCredits, renderCredits } from './credits-rule.js';

describe('the credits rule', () => {
  it('charges 1 credit up to 4 output megapixels, then 1 more per started 4 MP', () => {
    expect(renderCredits({ width: 2000, height: 2000 })).toBe(1);
    expect(renderCredits({ width: 2001, height: 2000 })).toBe(2);
    expect(renderCredits({ width: 8000, height: 8000 })).toBe(16);
    expect(renderCredits({ width: 1, height: 1 })).toBe(1);
  });

  it('scales the template so its longest side is the requested size, keeping the aspect ratio', () => {
    expect(outputSize({ width: 2000, height: 1500 }, 4000)).toEqual({ width: 4000, height: 3000 });
    expect(outputSize({ width: 1500, height: 2000 }, 64)).toEqual({ width: 48, height: 64 });
    expect(outputSize({ width: 2000, height: 1500 }, undefined)).toEqual({ width: 2000, height: 1500 });
  });
});

describe('the price of a print file', () => {
  it('is that of a render of its pixel size: the print area at its dpi', () => {
    // 12 × 15 in: 3600 × 4500 px at 300 dpi (16.2 MP), 1800 × 2250 at 150 (4.05 MP), 864 × 1080 at 72.
    const shirt = { width_mm: 304.8, height_mm: 381 };
    expect(printFileCredits(shirt, 300)).toBe(5);
    expect(printFileCredits(shirt, 150)).toBe(2);
    expect(printFileCredits(shirt, 72)).toBe(1);
    // A6 at 1200 dpi: 4961 × 6992 px, 34.7 MP.
    expect(printFileCredits({ width_mm: 105, height_mm: 148 }, 1200)).toBe(9);
  });
});

describe('the price the dashboard shows before a render', () => {
  it('is what the gateway charges, for every template shape and size tried', () => {
    const templates = [
      { width: 2000, height: 1500 },
      { width: 1500, height: 2000 },
      { width: 2400, height: 2400 },
      { width: 7, height: 3001 },
    ];
    const sizes = [undefined, 64, 999, 2000, 2001, 2829, 4000, 5657, 8000];
    for (const template of templates) {
      for (const size of sizes) {
        const shown = renderPrice(template, size);
        const output = outputSize(template, size);
        expect({ template, size, ...shown }).toMatchObject({
          template,
          size,
          ...output,
          credits: renderCredits(output),
        });
      }
    }
  });
});
