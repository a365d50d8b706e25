// Real Photoshop files with smart filters (ag-psd's test documents, see
// test/fixtures/psd/ag-psd-filters/SOURCES.md): each stored filter is imported or named, and each
// file's filter mask (white everywhere, Photoshop's default) is read: no mask to carry, no warning.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { smartObjectsOf, templateManifestSchema } from '@platen/compositor';
import { importPsd } from './psd-importer.js';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'psd', 'ag-psd-filters');

async function importFixture(file: string) {
  const result = await importPsd(readFileSync(join(FIXTURES, file)), {
    smartObjectUuid: () => '5a0f3f9c-7c3e-4a51-9d2c-1f2e3d4c5b6a',
  });
  const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
  // A white filter mask changes nothing: it is read, not carried.
  expect(so!.filter_mask).toBeUndefined();
  return { filters: so!.filters, warnings: result.warnings };
}

describe('importPsd on Photoshop files with smart filters', () => {
  it('imports Gaussian Blur then Curves in the order Photoshop runs them', async () => {
    const { filters, warnings } = await importFixture('smart-filter-blur.psd');
    expect(filters).toEqual([
      { kind: 'gaussian_blur', params: { radius: 3.5 }, opacity: 1, blend_mode: 'normal' },
      { kind: 'curves', params: {}, opacity: 1, blend_mode: 'normal' },
    ]);
    expect(warnings).toEqual([]);
  });

  it("imports a Curves smart filter's points", async () => {
    const { filters, warnings } = await importFixture('smart-object-curves.psd');
    expect(filters).toEqual([
      {
        kind: 'curves',
        params: {
          composite: [
            [0, 0],
            [132, 196],
            [255, 255],
          ],
        },
        opacity: 1,
        blend_mode: 'normal',
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it("imports an Average smart filter, saying its mean is close to but not exactly Photoshop's", async () => {
    const { filters, warnings } = await importFixture('smart-filter.psd');
    expect(filters).toEqual([{ kind: 'average', params: {}, opacity: 1, blend_mode: 'normal' }]);
    expect(warnings).toEqual([
      {
        layer: 'temmie',
        code: 'SMART_FILTERS_APPROXIMATED',
        message:
          'Smart filter "Average" is drawn with a published model of Photoshop\'s formula: colours may differ slightly.',
      },
    ]);
  });

  it('names the filter it does not apply (Liquify), and no mask warning with nothing applied', async () => {
    const { filters, warnings } = await importFixture('smart-filters-2.psd');
    expect(filters).toBeUndefined();
    expect(warnings).toEqual([
      {
        layer: 'temmie',
        code: 'SMART_FILTERS_SKIPPED',
        message: 'Smart filter "Liquify..." is not applied to the artwork.',
      },
    ]);
  });
});
