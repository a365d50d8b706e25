// The PSD parser thread (see psd-parser.ts): one file in, one template or one error out.
import { parentPort, workerData } from 'node:worker_threads';
import { PsdImportError } from '@platen/psd-import';
import { parseInline, type PsdThreadInput, type PsdThreadOutput } from './psd-parser.js';

async function run(input: PsdThreadInput): Promise<PsdThreadOutput> {
  try {
    const imported = await parseInline(input);
    return {
      ok: true,
      manifest: imported.manifest,
      assets: [...imported.assets],
      warnings: imported.warnings,
    };
  } catch (error) {
    if (error instanceof PsdImportError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: null, message: error instanceof Error ? error.message : String(error) };
  }
}

// The layer images are compressed PNGs: copying them back is cheap.
parentPort?.postMessage(await run(workerData as PsdThreadInput));
