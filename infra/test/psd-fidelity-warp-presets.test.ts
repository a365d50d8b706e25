// Photoshop's preset warps against Photoshop itself: Aspose.PSD's test files (corpus, MIT) hold one
// embedded 1024 px picture placed at 300 px under the twist, inflate and squeeze presets at bend
// 50 %, and the composite Photoshop 23.1 drew of each. Imported by the worker's parser and rendered
// with the embedded content, each must match that composite with no warning (the preset is
// reproduced); before these presets were measured they were 31, 32, 34 and 22 levels off.
import { corpusFile, createCorpusCheck } from './support/corpus-check.js';

describe("the preset warps against Photoshop's composite", () => {
  const { check, close } = createCorpusCheck();
  afterAll(close);

  // The layer fills the canvas; what is left is mostly resampling the 1024 px picture down to 300 px.
  // Measured 2026-12-07 with the artwork downscaled with Mitchell and the mesh kernel's 2 × 2
  // supersample at 1.5× work size: 1.88, 1.46, 1.55, 1.28 (one tap per pixel: 2.20, 1.51, 1.54,
  // 1.31; Lanczos and one tap: 2.21, 1.63, 1.75, 1.39).
  it.each([
    ['Aspose.PSD_Twist.psd', 2],
    ['Aspose.PSD_Inflate.psd', 1.5],
    ['Aspose.PSD_Squeeze.psd', 1.6],
    ['Aspose.PSD_Squeeze_vert.psd', 1.35],
  ])(
    'draws %s as Photoshop did (MAD ≤ %s) and does not warn',
    async (file, most) => {
      const result = await check(corpusFile(file));
      expect(result).toMatchObject({ status: 'ready', reference: 'composite' });
      expect(result.warnings).toEqual([]);
      expect(result.mad).toBeLessThanOrEqual(most);
    },
    60_000,
  );
});
