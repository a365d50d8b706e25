// Photoshop's own images of two corpus files against Platen's render: a greyscale document shows
// its placed colour artwork in grey, and an Average smart filter fills the artwork with its mean.
import { corpusFile, createCorpusCheck } from './support/corpus-check.js';

describe('corpus files rendered as Photoshop drew them', () => {
  const { check, close } = createCorpusCheck();
  afterAll(close);

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
    // Its filter mask is read (white everywhere): only the modelled mean is warned about.
    expect(result.warnings.map((w) => w.code)).toEqual(['SMART_FILTERS_APPROXIMATED']);
    // Unfiltered it was 37 levels off; the alpha-weighted mean is 10 levels off in green.
    expect(result.mad).toBeLessThanOrEqual(3);
  }, 60_000);
});
