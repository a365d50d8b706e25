// Photoshop's preset warps against Photoshop itself: Aspose.PSD's test files (corpus, MIT) hold one
// embedded 1024 px picture placed at 300 px under the twist, inflate and squeeze presets at bend
// 50 %, and the composite Photoshop 23.1 drew of each. Imported by the worker's parser and rendered
// with the embedded content: the twist is reproduced (no warning, Photoshop's pixels matched); inflate
// and squeeze are drawn from the envelope measured on these files and say they are approximated
// (measured at one bend only), and must stay as close as that got (before, 32, 34 and 22 levels off).
import { corpusFile, createCorpusCheck } from './support/corpus-check.js';

describe("the preset warps against Photoshop's composite", () => {
  const { check, close } = createCorpusCheck();
  afterAll(close);

  it('draws the twist as Photoshop did and does not warn', async () => {
    const result = await check(corpusFile('Aspose.PSD_Twist.psd'));
    expect(result).toMatchObject({ status: 'ready', reference: 'composite' });
    expect(result.warnings).toEqual([]);
    // The layer fills the canvas; what is left is resampling the 1024 px picture down to 300 px.
    expect(result.mad).toBeLessThanOrEqual(2.5);
  }, 60_000);

  it.each([
    ['Aspose.PSD_Inflate.psd', 'inflate', 2.2],
    ['Aspose.PSD_Squeeze.psd', 'squeeze', 4],
    ['Aspose.PSD_Squeeze_vert.psd', 'squeeze', 2.6],
  ])(
    'draws %s close to Photoshop and says the "%s" curve differs',
    async (file, style, most) => {
      const result = await check(corpusFile(file));
      expect(result).toMatchObject({ status: 'ready', reference: 'composite' });
      expect(result.warnings.map(({ layer, code }) => [layer, code])).toEqual([
        ['snow_man', 'WARP_APPROXIMATED'],
      ]);
      expect(result.warnings[0]!.message).toContain(
        `the "${style}" warp preset is drawn from the envelope closest to Photoshop's`,
      );
      expect(result.mad).toBeLessThanOrEqual(most);
    },
    60_000,
  );
});
