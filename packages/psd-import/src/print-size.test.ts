import { randomUUID } from 'node:crypto';
import { smartObjectsOf, templateManifestSchema } from '@platen/compositor';
import type { Layer, Psd } from 'ag-psd';
import { importPsd } from './psd-importer.js';
import { printSizeOf } from './print-size.js';
import { makeTestPsd } from './test-psd.js';

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

describe('an imported PSD', () => {
  it('records each smart object’s physical size from its placed file’s resolution', async () => {
    const psd = await makeTestPsd({
      width: 240,
      height: 160,
      smartObjects: [
        { name: 'Print', x: 10, y: 10, width: 300, height: 150, resolution: 300 },
        { name: 'Default', x: 10, y: 100, width: 144, height: 36 },
      ],
    });
    const { manifest } = await importPsd(psd, { smartObjectUuid: () => randomUUID() });
    const [print, plain] = smartObjectsOf(templateManifestSchema.parse(manifest));
    expect(print!.print_size).toEqual({ width_mm: 25.4, height_mm: 12.7 });
    // ag-psd writes 72 ppi for a placed file without one, as Photoshop does.
    expect(plain!.print_size).toEqual({ width_mm: 50.8, height_mm: 12.7 });
  });
});
