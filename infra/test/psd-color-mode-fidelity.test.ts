// Photoshop's own images of two corpus files against Platen's render: a greyscale document shows
// its placed colour artwork in grey, and an Average smart filter fills the artwork with its mean.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCompositor, createDemoArtwork, createKernelPool } from '@platen/compositor';
import { createPsdParser } from '../../services/render-worker/src/psd-parser.js';
import { classifyImportFailure } from '../../services/render-worker/src/import-failure.js';
import { createFidelityCheck } from '../bench/psd-fidelity/fidelity-check.mjs';

const CORPUS = path.join(__dirname, '../../test/fixtures/psd/corpus');
const corpusFile = (name: string) => readFileSync(path.join(CORPUS, name));

describe('corpus files rendered as Photoshop drew them', () => {
  const pool = createKernelPool({ threads: 0 });
  const compositor = createCompositor({ pool, cacheBytes: 64 * 1024 * 1024 });
  const parser = createPsdParser({ maxPixels: 100_000_000, threaded: false });
  const check = createFidelityCheck({
    parse: (bytes, mockupId) => parser.parse(bytes, mockupId),
    compositor,
    demoArtwork: () => createDemoArtwork(),
    classify: classifyImportFailure,
  });
  afterAll(() => pool.close());

  it('draws a colour PNG placed in a greyscale document in grey, as in its composite', async () => {
    const result = await check(corpusFile('psd-tools_gray-blend-modes.psd'));
    expect(result).toMatchObject({ status: 'ready', reference: 'composite', size: '530×512' });
    // In colour it was 22 levels off; with its groups composed as Photoshop does, nothing is warned.
    expect(result.mad).toBeLessThanOrEqual(2);
    expect(result.warnings).toEqual([]);
  }, 60_000);

  it("fills the artwork under an Average smart filter with its mean colour, as in Photoshop's layer", async () => {
    const result = await check(corpusFile('ag-psd_smart-filter.psd'));
    expect(result).toMatchObject({ status: 'ready', reference: 'stored layers' });
    expect(result.warnings.map((w) => w.code)).toEqual([
      'SMART_FILTERS_APPROXIMATED',
      'SMART_FILTER_MASK_IGNORED',
    ]);
    // Unfiltered it was 37 levels off; the alpha-weighted mean is 10 levels off in green.
    expect(result.mad).toBeLessThanOrEqual(3);
  }, 60_000);
});
