import { creditsLabel, renderPrice } from '../web/lib/render-price.js';

describe('the price shown before a render', () => {
  const template = { width: 2000, height: 1500 };

  it('is 1 credit at the template’s own size and 1 more per started 4 output megapixels', () => {
    expect(renderPrice(template, undefined)).toEqual({
      width: 2000,
      height: 1500,
      credits: 1,
      enlarged: false,
    });
    expect(renderPrice(template, 4000)).toEqual({ width: 4000, height: 3000, credits: 3, enlarged: true });
    expect(renderPrice(template, 8000)).toMatchObject({ width: 8000, height: 6000, credits: 12 });
  });

  it('says when the size only enlarges the template', () => {
    expect(renderPrice(template, 2000).enlarged).toBe(false);
    expect(renderPrice(template, 2001).enlarged).toBe(true);
  });

  it('spells the credits', () => {
    expect(creditsLabel(1)).toBe('1 credit');
    expect(creditsLabel(12)).toBe('12 credits');
  });
});
