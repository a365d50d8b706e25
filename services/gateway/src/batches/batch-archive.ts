// Streams a batch's ZIP. Each result is opened only when the archive reaches it and passed through
// as it is (stored, not re-compressed: PNG, JPEG and WebP are compressed already), so memory stays
// flat whatever the batch's size and a slow client slows the reads down (backpressure). manifest.json
// comes last, so it can also list a result that has vanished from storage.
import {
  BATCH_ARCHIVE_MANIFEST_NAME,
  type BatchArchiveManifest,
  type BatchArchiveManifestRender,
  type Clock,
} from '@platen/contracts';
import type { ObjectStorage } from '@platen/storage';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { ArchivePlan } from './archive-plan.js';

/** `abandoned`: the client went away before the end (nothing to report, nothing to retry). */
export type ArchiveOutcome = 'sent' | 'abandoned';

/**
 * Writes the plan's archive to `out` and ends it. A storage read failing part-way cannot be answered
 * any more (the 200 is sent): `out` is destroyed, so the client sees a cut download, and the error is
 * thrown for the caller to log.
 */
export type BatchArchiveWriter = (plan: ArchivePlan, out: Writable) => Promise<ArchiveOutcome>;

const RESULT_MISSING = { code: 'RESULT_MISSING', message: 'The result is no longer in storage' };

export function createBatchArchiveWriter({
  storage,
  clock,
}: {
  storage: Pick<ObjectStorage, 'getStream'>;
  clock: Clock;
}): BatchArchiveWriter {
  return async (plan, out) => {
    if (out.destroyed) return 'abandoned';
    const zip = new ZipFile();
    const manifest: BatchArchiveManifestRender[] = plan.manifest.map((render) => ({ ...render }));
    let current: Readable | undefined;
    let failure: Error | undefined;
    let abandoned = false;

    const fail = (error: unknown) => {
      failure ??= error instanceof Error ? error : new Error(String(error));
      current?.destroy();
      out.destroy();
    };
    const onClose = () => {
      if (out.writableFinished) return;
      abandoned = true;
      current?.destroy();
    };
    zip.on('error', fail);
    out.once('close', onClose);
    const sent = pipeline(zip.outputStream, out);
    // Its outcome is read after the loop; a client leaving mid-loop must not be an unhandled rejection.
    sent.catch(() => undefined);

    try {
      for (const file of plan.files) {
        if (abandoned || failure !== undefined) break;
        const object = await storage.getStream(file.storageKey);
        if (!object) {
          manifest[file.index] = { ...manifest[file.index]!, file: null, error: RESULT_MISSING };
          continue;
        }
        if (abandoned) {
          object.body.destroy();
          break;
        }
        current = object.body;
        zip.addReadStream(object.body, file.name, { compress: false, mtime: file.mtime });
        // Resolves once the ZIP has read the whole object: only then is the next one opened.
        await finished(object.body);
        current = undefined;
      }
    } catch (error) {
      if (!abandoned) fail(error);
    } finally {
      current = undefined;
    }

    if (failure === undefined && !abandoned) {
      const body: BatchArchiveManifest = { batch_uuid: plan.batchId, status: plan.status, renders: manifest };
      zip.addBuffer(Buffer.from(`${JSON.stringify(body, null, 2)}\n`), BATCH_ARCHIVE_MANIFEST_NAME, {
        mtime: clock.now(),
      });
      zip.end();
    }
    await sent.catch((error: unknown) => {
      if (!abandoned) fail(error);
    });
    out.off('close', onClose);
    if (failure !== undefined) throw failure;
    return abandoned ? 'abandoned' : 'sent';
  };
}
