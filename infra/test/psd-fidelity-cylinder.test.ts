// Photoshop's cylinder warp against Photoshop itself: ag-psd's cylinder test file (corpus, MIT) holds
// a 272×420 gradient wrapped with the cylinder preset at its default handles and the composite
// Photoshop drew of it. Imported by the worker's parser and rendered with the embedded content, the
// layer must match that composite inside its box, with no warning (the warp is reproduced).
import { corpusFile, createCorpusCheck } from './support/corpus-check.js';

describe("the cylinder warp preset against Photoshop's composite", () => {
  const { check, close } = createCorpusCheck();
  afterAll(close);

  it('draws the wrapped layer as Photoshop did (MAD ≤ 2 inside its box) and does not warn', async () => {
    const result = await check(corpusFile('ag-psd_cyllinder-warp.psd'));
    expect(result).toMatchObject({ status: 'ready', reference: 'composite' });
    expect(result.warnings).toEqual([]);
    const layer = (result as { worstLayers?: { layer: string; mad: number }[] }).worstLayers?.find(
      ({ layer }) => layer === 'cylinder_warp',
    );
    expect(layer).toBeDefined();
    expect(layer!.mad).toBeLessThanOrEqual(2);
    expect(result.mad).toBeLessThanOrEqual(1);
  }, 60_000);
});
