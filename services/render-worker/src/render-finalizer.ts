// What happens once a render is finally failed: the row says so, the credits come back (through the
// key-service, idempotent per render), and `render.finished` is announced. Only the call that moved
// the row to `failed` refunds; a re-run of an already failed render settles the refund again, which
// the key-service answers with `applied: false` if it had been applied. A confirmed refund is written
// on the render (credits_refunded) before render.finished, so the event's payload shows it too.
import type { Clock } from '@platen/contracts';
import { REFUND_GIVE_UP_MS } from '@platen/db';
import type { Logger } from 'pino';
import type { CreditsClient } from './credits-client.js';
import type { RenderFailure } from './failure-codes.js';
import type { RenderRecord, RenderStore } from './render-store.js';
import type { ResultPublisher } from './result-publisher.js';

export interface RenderFinalizer {
  /** True when this call failed the render (and refunded it); false when it was final already. */
  fail(render: RenderRecord, failure: RenderFailure): Promise<boolean>;
  /** For a failed render: make sure its refund happened (throws RefundFailedError if it cannot now). */
  settleFailed(render: RenderRecord): Promise<void>;
}

export function createRenderFinalizer(deps: {
  store: RenderStore;
  credits: CreditsClient;
  publisher: ResultPublisher;
  logger: Logger;
  clock: Clock;
}): RenderFinalizer {
  const { store, credits, publisher, logger, clock } = deps;

  async function settleFailed(render: RenderRecord): Promise<void> {
    const log = logger.child({ render_id: render.id });
    if (render.credits_charged > 0) {
      const failedAt = render.completed_at ?? clock.now();
      if (clock.now().getTime() - failedAt.getTime() > REFUND_GIVE_UP_MS) {
        log.error(
          { account_id: render.account_id },
          'refund still not confirmed a day after the failure: giving up',
        );
      } else {
        const outcome = await credits.refund(render.account_id, render.id);
        log.info({ applied: outcome.applied, balance: outcome.balance }, 'credits refunded');
        // Applied now or before (the key-service refunds a render once): the render shows it either way.
        await store.markRefunded(render.id);
      }
    }
    await publisher
      .publish({ render_id: render.id, status: 'failed', batch_id: render.batch_id })
      .catch((error: unknown) => log.warn({ err: error }, 'render.finished not published'));
  }

  return {
    async fail(render, failure) {
      if (!(await store.markFailed(render.id, failure))) return false;
      await settleFailed({ ...render, status: 'failed', completed_at: clock.now() });
      return true;
    },
    settleFailed,
  };
}
