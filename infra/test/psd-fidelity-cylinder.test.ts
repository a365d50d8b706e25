// Photoshop's cylinder warp against Photoshop itself: ag-psd's cylinder test file (corpus, MIT) holds
// a 272×420 gradient wrapped with the cylinder preset at its default handles and the composite
// Photoshop drew of it. Imported by the worker's parser and rendered with the embedded content, the
// layer must match that composite inside its box, with no warning (the warp is reproduced).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCompositor, createDemoArtwork, createKernelPool } from '@platen/compositor';
import { createPsdParser } from '../../services/render-worker/src/psd-parser.js';
import { classifyImportFailure } from '../../services/render-worker/src/import-failure.js';
import { createFidelityCheck } from '../bench/psd-fidelity/fidelity-check.mjs';

const CORPUS = path.join(__dirname, '../../test/fixtures/psd/corpus');

describe("the cylinder warp preset against Photoshop's composite", () => {
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

  it('draws the wrapped layer as Photoshop did (MAD ≤ 2 inside its box) and does not warn', async () => {
    const result = await check(readFileSync(path.join(CORPUS, 'ag-psd_cyllinder-warp.psd')));
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
