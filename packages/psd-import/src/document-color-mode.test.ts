import type { SmartFilter } from '@platen/compositor';
import { colorModeWarning, documentFilters, GREYSCALE_MODE } from './document-color-mode.js';

const RGB_MODE = 3;
const invert: SmartFilter = { kind: 'invert', params: {}, opacity: 1, blend_mode: 'normal' };
const toGrey: SmartFilter = { kind: 'grayscale', params: {}, opacity: 1, blend_mode: 'normal' };
const xmp = (profile: string) =>
  `<x:xmpmeta><rdf:Description><photoshop:ColorMode>1</photoshop:ColorMode><photoshop:ICCProfile>${profile}</photoshop:ICCProfile></rdf:Description></x:xmpmeta>`;

describe('documentFilters', () => {
  it("leaves an RGB document's filters as they are", () => {
    expect(documentFilters(RGB_MODE, [invert])).toEqual({ filters: [invert] });
  });

  it('converts to grey first in a greyscale document, before the layer’s own filters', () => {
    expect(documentFilters(GREYSCALE_MODE, [])).toEqual({ filters: [toGrey] });
    expect(documentFilters(GREYSCALE_MODE, [invert])).toEqual({ filters: [toGrey, invert] });
  });

  it('names the filter that no longer fits beside the conversion', () => {
    const own = Array.from({ length: 16 }, () => invert);
    const { filters, skipped } = documentFilters(GREYSCALE_MODE, own);
    expect(filters).toHaveLength(16);
    expect(filters[0]).toEqual(toGrey);
    expect(skipped).toBe(
      'The last 1 smart filter is not applied: the greyscale conversion takes a place among the first 16.',
    );
  });
});

describe('colorModeWarning', () => {
  it('says nothing for RGB, nor for the Gray Gamma 2.2 profile the conversion reproduces', () => {
    expect(colorModeWarning(RGB_MODE, undefined)).toBeUndefined();
    expect(colorModeWarning(GREYSCALE_MODE, xmp('Gray Gamma 2.2'))).toBeUndefined();
  });

  it('warns for another grey profile, or none recorded', () => {
    expect(colorModeWarning(GREYSCALE_MODE, xmp('Dot Gain 20%'))).toBe(
      'The greyscale document uses the grey profile "Dot Gain 20%": smart object artwork is converted to grey as with Gray Gamma 2.2, so its greys may differ slightly.',
    );
    expect(colorModeWarning(GREYSCALE_MODE, undefined)).toBe(
      'The greyscale document records no grey profile: smart object artwork is converted to grey as with Gray Gamma 2.2, so its greys may differ slightly.',
    );
  });
});
