// Undoing an accepted render that will not run, shared by the render and batch acceptors: its charge
// refunded (retried in the background when the key-service cannot answer now), and, for a render
// that could not be queued, the row failed with the refund it got (also retried in the background).
import type { Clock } from '@platen/contracts';
import type { CreditsClient } from '@platen/key-service-client';
import type { Logger } from 'pino';
import type { RenderRow, RenderStore } from './render-store.js';
import type { SettleLater } from './settle-later.js';

export interface RenderUndo {
  /** True when the refund is applied now; otherwise it is retried in the background, then `afterwards` runs. */
  refund(row: RenderRow, afterwards?: () => Promise<void>): Promise<boolean>;
  /** Refunds a render no job was queued for and fails its row (only while still queued). */
  failUnqueued(row: RenderRow): Promise<void>;
}

export function createRenderUndo(deps: {
  credits: CreditsClient;
  store: Pick<RenderStore, 'markUnqueued' | 'markRefunded'>;
  clock: Clock;
  logger: Logger;
  settleLater: SettleLater;
}): RenderUndo {
  const { credits, store, clock, logger, settleLater } = deps;

  async function refund(
    row: RenderRow,
    afterwards: () => Promise<void> = () => Promise.resolve(),
  ): Promise<boolean> {
    try {
      await credits.refund(row.account_id, row.id);
      return true;
    } catch (error) {
      logger.warn({ err: error, render_id: row.id }, 'credit refund failed: retrying in the background');
      settleLater(`refund of render ${row.id}`, async () => {
        await credits.refund(row.account_id, row.id);
        await afterwards();
      });
      return false;
    }
  }

  return {
    refund,
    async failUnqueued(row) {
      const refunded = await refund(row, () => store.markRefunded(row.account_id, row.id));
      const failedAt = clock.now();
      await store.markUnqueued(row.account_id, row.id, failedAt, { refunded }).catch((error: unknown) => {
        logger.warn({ err: error, render_id: row.id }, 'cannot mark unqueued render failed: retrying');
        settleLater(`failing unqueued render ${row.id}`, () =>
          store.markUnqueued(row.account_id, row.id, failedAt, { refunded }),
        );
      });
    },
  };
}
