import { outputSize, renderCredits } from './credits-rule.js';

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
