// A render's print files: each requested smart object's artwork made by the compositor as it will be
// printed, then stored beside the result under renderPrintFileKey (a retry overwrites). Made one at a
// time inside the render's compose slot: each is one full-size raster in memory.
import type { Compositor, PreparedTemplate, SmartObjectInput } from '@platen/compositor';
import { printFileRequestSchema } from '@platen/contracts';
import type { ObjectStorage } from '@platen/storage';
import { renderPrintFileKey } from '@platen/storage';
import { z } from 'zod';
import { RenderFailureError } from './render-failure.js';

export interface PrintFileRequest {
  smart_object_uuid: string;
  dpi: number;
}

/** As recorded on the succeeded render (`result_print_files`); the URL is signed when it is read. */
export interface StoredPrintFile {
  smart_object_uuid: string;
  key: string;
  width: number;
  height: number;
  dpi: number;
}

interface MadePrintFile extends PrintFileRequest {
  data: Buffer;
  width: number;
  height: number;
}

const requestsSchema = z.array(printFileRequestSchema).nullable();

/** The row's print files (null: none asked for); a row the gateway did not write so fails the render. */
export function parsePrintFiles(stored: unknown): PrintFileRequest[] {
  const parsed = requestsSchema.safeParse(stored ?? null);
  if (!parsed.success) throw new RenderFailureError('RENDER_FAILED', 'The render’s print files are unusable');
  return parsed.data ?? [];
}

export async function makePrintFiles(
  compositor: Pick<Compositor, 'printFile'>,
  prepared: PreparedTemplate,
  inputs: readonly SmartObjectInput[],
  requests: readonly PrintFileRequest[],
): Promise<MadePrintFile[]> {
  const made: MadePrintFile[] = [];
  for (const request of requests) {
    const input = inputs.find((candidate) => candidate.uuid === request.smart_object_uuid);
    // The gateway refuses a print file of a smart object the render does not fill.
    if (!input) throw new RenderFailureError('RENDER_FAILED', 'A print file’s smart object has no artwork');
    const file = await compositor.printFile(prepared, input, request.dpi);
    made.push({ ...request, data: file.data, width: file.width, height: file.height });
  }
  return made;
}

export async function storePrintFiles(
  storage: Pick<ObjectStorage, 'put'>,
  renderId: string,
  files: readonly MadePrintFile[],
): Promise<StoredPrintFile[]> {
  return Promise.all(
    files.map(async ({ smart_object_uuid, dpi, data, width, height }) => {
      const key = renderPrintFileKey(renderId, smart_object_uuid);
      await storage.put(key, data, 'image/png');
      return { smart_object_uuid, key, width, height, dpi };
    }),
  );
}
