// Answering a batch archive download, for the public API (API key) and the dashboard (session) alike:
// the account's batch or 404, 409 CONFLICT while it is still processing unless a partial archive is
// asked for, then the ZIP streamed as it is built.
import { ApiError } from '@platen/contracts';
import { findOwnedOr404, isUuid } from '@platen/http';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ArchivePlans } from './archive-plan.js';
import type { BatchArchiveWriter } from './batch-archive.js';

export interface ArchiveDownloadDeps {
  plans: ArchivePlans;
  writeArchive: BatchArchiveWriter;
  logger: Logger;
}

export type ArchiveDownload = (
  download: { accountId: string; batchUuid: string; partial: boolean },
  req: Request,
  res: Response,
) => Promise<void>;

export function createArchiveDownload({ plans, writeArchive, logger }: ArchiveDownloadDeps): ArchiveDownload {
  return async ({ accountId, batchUuid, partial }, req, res) => {
    const plan = await findOwnedOr404(isUuid(batchUuid) ? plans.find(accountId, batchUuid) : undefined);
    if (plan.status !== 'finished' && !partial) {
      throw new ApiError('CONFLICT', {
        message: 'batch is still processing',
        details: { hint: 'wait for batch.finished, or ask for ?partial=true' },
      });
    }
    res.status(200);
    res.type('application/zip');
    res.attachment(`batch-${plan.batchId}.zip`);
    res.set('Cache-Control', 'no-store');
    const outcome = await writeArchive(plan, res);
    if (outcome === 'abandoned') {
      logger.info({ request_id: req.requestId, batch_id: plan.batchId }, 'batch archive download abandoned');
    }
  };
}
