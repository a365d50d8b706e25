import type { Layer, Psd } from 'ag-psd';
import { printSizeOf } from './print-size.js';

type Placed = NonNullable<Layer['placedLayer']>;
const placed = (resolution?: Placed['resolution']): Placed =>
  ({ id: 'file', transform: [0, 0, 1, 0, 1, 1, 0, 1], ...(resolution ? { resolution } : {}) }) as Placed;
const documentAt = (horizontalResolution: number, unit: 'PPI' | 'PPCM'): Pick<Psd, 'imageResources'> => ({
  imageResources: {
    resolutionInfo: {
      horizontalResolution,
      horizontalResolutionUnit: unit,
      widthUnit: 'Inches',
      verticalResolution: horizontalResolution,
      verticalResolutionUnit: unit,
      heightUnit: 'Inches',
    },
  },
});
const size = { width: 3000, height: 1500 };

describe('the physical size of an imported smart object', () => {
  it('is its pixels at the resolution recorded for the placed file', () => {
    expect(printSizeOf(placed({ units: 'Density', value: 300 }), documentAt(72, 'PPI'), size)).toEqual({
      width_mm: 254,
      height_mm: 127,
    });
  });

  it('falls back to the document’s resolution, in pixels per centimetre too', () => {
    expect(printSizeOf(placed(), documentAt(150, 'PPI'), size)).toEqual({ width_mm: 508, height_mm: 254 });
    expect(printSizeOf(placed(), documentAt(100, 'PPCM'), size)).toEqual({ width_mm: 300, height_mm: 150 });
  });

  it('is left unknown (read at 72 dpi later) when neither resolution is usable', () => {
    expect(printSizeOf(placed({ units: 'Density', value: 0 }), {}, size)).toBeUndefined();
    expect(printSizeOf(placed({ units: 'Pixels', value: 300 }), {}, size)).toBeUndefined();
  });
});
