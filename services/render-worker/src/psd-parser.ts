// Parses an uploaded PSD/PSB into a template (packages/psd-import), on a worker thread: ag-psd parses
// synchronously, and seconds of parsing on the main thread would starve BullMQ's lock renewal of the
// renders running beside the import. The thread gets the file's bytes transferred, not copied, and
// its own heap limit, so a hostile file costs that thread, never the process.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { importPsd, PsdImportError, type ImportedPsd } from '@platen/psd-import';

export interface PsdParser {
  parse(bytes: Buffer, mockupId: string): Promise<ImportedPsd>;
}

export interface PsdParserOptions {
  /** Canvas pixel cap (MOCKUP_MAX_PIXELS). */
  maxPixels: number;
  /** false runs the parse inline (tests running from TypeScript sources, which a thread cannot load). */
  threaded: boolean;
  /** The thread's heap limit. */
  maxHeapMb?: number;
}

/** The smart objects' uuids, from the mockup and the layer's position: a retried import makes the same ones. */
export function smartObjectUuidFor(mockupId: string, index: number): string {
  const hash = createHash('sha1').update(`platen-smart-object:${mockupId}:${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface PsdThreadInput {
  bytes: Uint8Array;
  mockupId: string;
  maxPixels: number;
}

export type PsdThreadOutput =
  | {
      ok: true;
      manifest: ImportedPsd['manifest'];
      assets: [string, Uint8Array][];
      warnings: ImportedPsd['warnings'];
    }
  | { ok: false; code: PsdImportError['code'] | null; message: string };

export async function parseInline({ bytes, mockupId, maxPixels }: PsdThreadInput): Promise<ImportedPsd> {
  return importPsd(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    maxPixels,
    smartObjectUuid: (index) => smartObjectUuidFor(mockupId, index),
  });
}

export function createPsdParser(options: PsdParserOptions): PsdParser {
  return {
    parse(bytes, mockupId) {
      const input: PsdThreadInput = { bytes, mockupId, maxPixels: options.maxPixels };
      return options.threaded ? parseInThread(input, options.maxHeapMb ?? 2048) : parseInline(input);
    },
  };
}

function parseInThread(input: PsdThreadInput, maxHeapMb: number): Promise<ImportedPsd> {
  // Transfer the file's memory when the Buffer owns all of it; otherwise the thread gets a copy.
  const { bytes } = input;
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const transferable = owned ? bytes : new Uint8Array(bytes);
  return new Promise<ImportedPsd>((resolve, reject) => {
    const worker = new Worker(new URL('./psd-thread.js', import.meta.url), {
      workerData: { ...input, bytes: transferable },
      transferList: [transferable.buffer as ArrayBuffer],
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    });
    let answered = false;
    worker.once('message', (output: PsdThreadOutput) => {
      answered = true;
      if (output.ok) {
        resolve({
          manifest: output.manifest,
          assets: new Map(output.assets.map(([name, data]) => [name, Buffer.from(data)])),
          warnings: output.warnings,
        });
      } else if (output.code) {
        reject(new PsdImportError(output.code, output.message));
      } else {
        reject(new Error(output.message));
      }
      void worker.terminate();
    });
    worker.once('error', (error: Error & { code?: string }) => {
      if (answered) return;
      answered = true;
      reject(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new PsdImportError('PSD_TOO_LARGE', 'The PSD needs more memory to import than the limit allows.')
          : error,
      );
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`PSD parser thread exited with code ${code}`));
    });
  });
}
