import { artworkFitWarnings, exportSizeWarnings } from './render-warnings.js';

const so = { uuid: '5a0c2e7d-41b6-4f0e-8d3a-6c9b1e2f3a11', name: 'Front' };
const square = { width: 1000, height: 1000 };

describe('artwork fit warnings', () => {
  it('counts a quarter turn: a tall artwork turned 90° into a wide area is not cropped', () => {
    const fit = { smartObject: so, fit: 'cover' as const, area: { width: 2000, height: 1000 } };
    const placed = { width: 2000, height: 1000 };

    expect(
      artworkFitWarnings({ ...fit, artwork: { width: 1000, height: 2000 }, rotate: 90, placed }),
    ).toEqual([]);
    expect(
      artworkFitWarnings({ ...fit, artwork: { width: 1000, height: 2000 }, rotate: 0, placed })[0]?.message,
    ).toContain('cut 75%');
  });

  it('stays quiet at a crop of 5% or less of the area', () => {
    const input = { smartObject: so, fit: 'cover' as const, area: square, placed: square, rotate: 0 };

    expect(artworkFitWarnings({ ...input, artwork: { width: 1050, height: 1000 } })).toEqual([]);
    expect(artworkFitWarnings({ ...input, artwork: { width: 1100, height: 1000 } })[0]?.code).toBe(
      'ARTWORK_CROPPED',
    );
  });

  it('does not call artwork upscaled until it is enlarged more than 2×', () => {
    const input = { smartObject: so, fit: 'fill' as const, area: square, placed: square, rotate: 0 };

    expect(artworkFitWarnings({ ...input, artwork: { width: 500, height: 500 } })).toEqual([]);
    expect(artworkFitWarnings({ ...input, artwork: { width: 400, height: 400 } })).toEqual([
      expect.objectContaining({ code: 'ARTWORK_UPSCALED', smart_object_uuid: so.uuid }),
    ]);
  });
});

describe('export size warnings', () => {
  it('warns only past the template’s longest side', () => {
    expect(exportSizeWarnings({ width: 2000, height: 1500 }, undefined)).toEqual([]);
    expect(exportSizeWarnings({ width: 2000, height: 1500 }, 2000)).toEqual([]);
    expect(exportSizeWarnings({ width: 2000, height: 1500 }, 2001)[0]?.message).toContain(
      'native 2000×1500 px',
    );
  });
});
