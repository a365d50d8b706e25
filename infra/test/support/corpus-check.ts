// The PSD fidelity corpus as the infra tests read it: its files, and the benchmark's check (the
// worker's parser inline, a compositor without kernel threads) set up once per suite.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCompositor, createDemoArtwork, createKernelPool } from '@platen/compositor';
import { createPsdParser } from '../../../services/render-worker/src/psd-parser.js';
import { classifyImportFailure } from '../../../services/render-worker/src/import-failure.js';
import { createFidelityCheck } from '../../bench/psd-fidelity/fidelity-check.mjs';

export const CORPUS = path.join(__dirname, '../../../test/fixtures/psd/corpus');

export const corpusFile = (name: string): Buffer => readFileSync(path.join(CORPUS, name));

/** The benchmark's per-file check, and close() for the suite's afterAll. */
export function createCorpusCheck(): {
  check: ReturnType<typeof createFidelityCheck>;
  close: () => Promise<void>;
} {
  const pool = createKernelPool({ threads: 0 });
  const compositor = createCompositor({ pool, cacheBytes: 64 * 1024 * 1024 });
  const parser = createPsdParser({ maxPixels: 100_000_000, threaded: false });
  const check = createFidelityCheck({
    parse: (bytes, mockupId) => parser.parse(bytes, mockupId),
    compositor,
    demoArtwork: () => createDemoArtwork(),
    classify: classifyImportFailure,
  });
  return { check, close: () => pool.close() };
}
