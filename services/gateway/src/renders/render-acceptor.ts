// Accepting a render. Order, and why: (1) check the request against its mockup; (2) insert the row
// (queued, with its price), claiming the Idempotency-Key in the same transaction; (3) park inline
// artwork in storage and, at the same time, charge the credits (idempotent per render uuid); (4)
// enqueue (jobId = render uuid). So there is never a charge without a row, nor a job without a charge
// and its artwork. Undo on failure: if parking or the charge fails, the charge (if any) is refunded and
// the row and its key are deleted; a failed enqueue refunds, marks the row failed and releases the
// key, answering 503: a client never pays for a render that does not exist.
import { randomUUID } from 'node:crypto';
import { ApiError, type CreateRenderRequest, type Mockup, type Clock } from '@platen/contracts';
import { toStoredRenderInput } from '@platen/mockups';
import { renderInputKey, type ObjectStorage } from '@platen/storage';
import type { Logger } from 'pino';
import type { WebhookUrlCheck } from '../webhooks/webhook-url-check.js';
import type { CreditsClient } from '@platen/key-service-client';
import { outputSize, renderCredits } from './credits-rule.js';
import { checkAgainstMockup, type InlineArtwork } from './mockup-fit.js';
import type { RenderUsage } from './render-usage.js';
import { createSettleLater, type SettleLater } from './settle-later.js';
import type { RenderRow, RenderStore } from './render-store.js';

export interface AcceptRenderInput {
  accountId: string;
  /** The API key that asked; null for a render made from the dashboard (counted on no key). */
  keyId: string | null;
  request: CreateRenderRequest;
  /** The mockup named by the request, as the account sees it (undefined: unknown to it). */
  mockup: Mockup | undefined;
  idempotency?: { key: string; requestHash: string } | undefined;
}

export interface AcceptedRender {
  row: RenderRow;
  /** True when an earlier request with the same Idempotency-Key made this render. */
  replayed: boolean;
}

export interface RenderAcceptorDeps {
  store: RenderStore;
  storage: ObjectStorage;
  credits: CreditsClient;
  enqueue: (renderId: string) => Promise<void>;
  usage: RenderUsage;
  clock: Clock;
  logger: Logger;
  /** Refuses a webhook_url the deliveries could not reach, before anything is stored or charged. */
  checkWebhookUrl: WebhookUrlCheck;
  onAccepted?: () => void;
  enqueueTimeoutMs?: number;
  /** Where undo steps go when their dependency is down (default: retried with backoff, ~5 min). */
  settleLater?: SettleLater;
}

export type RenderAcceptor = (input: AcceptRenderInput) => Promise<AcceptedRender>;

/** A duplicate may find the key's render deleted by its first request (402, storage down): claim again. */
const MAX_CLAIMS = 3;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createRenderAcceptor(deps: RenderAcceptorDeps): RenderAcceptor {
  const { store, storage, credits, enqueue, usage, clock, logger, enqueueTimeoutMs = 5_000 } = deps;
  const settleLater = deps.settleLater ?? createSettleLater(logger);

  async function removeParked(renderId: string, uuids: Iterable<string>): Promise<void> {
    await Promise.all(
      [...uuids].map((uuid) => storage.delete(renderInputKey(renderId, uuid)).catch(() => undefined)),
    );
  }

  async function park(renderId: string, artwork: InlineArtwork): Promise<void> {
    await Promise.all(
      [...artwork].map(([uuid, bytes]) =>
        storage.put(renderInputKey(renderId, uuid), bytes, 'application/octet-stream'),
      ),
    );
  }

  /** True when the refund is applied now; otherwise it is retried in the background, then `afterwards` runs. */
  async function refundQuietly(
    accountId: string,
    renderId: string,
    afterwards: () => Promise<void> = () => Promise.resolve(),
  ): Promise<boolean> {
    try {
      await credits.refund(accountId, renderId);
      return true;
    } catch (error) {
      logger.warn({ err: error, render_id: renderId }, 'credit refund failed: retrying in the background');
      settleLater(`refund of render ${renderId}`, async () => {
        await credits.refund(accountId, renderId);
        await afterwards();
      });
      return false;
    }
  }

  return async function accept({ accountId, keyId, request, mockup, idempotency }) {
    const artwork = checkAgainstMockup(request, mockup);
    const template = mockup!; // checkAgainstMockup refuses an unknown mockup
    if (request.webhook_url !== undefined) await deps.checkWebhookUrl(request.webhook_url, 'webhook_url');
    const price = renderCredits(outputSize(template, request.export_options.size));
    const now = clock.now();

    for (let claim = 1; ; claim++) {
      const row: RenderRow = {
        id: randomUUID(),
        account_id: accountId,
        key_id: keyId,
        mockup_id: template.uuid,
        status: 'queued',
        inputs: request.smart_objects.map(toStoredRenderInput),
        export_options: request.export_options,
        webhook_url: request.webhook_url ?? null,
        metadata: request.metadata ?? null,
        credits_charged: price,
        credits_refunded: 0,
        attempts: 0,
        result_key: null,
        result_width: null,
        result_height: null,
        result_format: null,
        result_bytes: null,
        result_warnings: null,
        error_code: null,
        error_message: null,
        webhook_status: request.webhook_url ? 'pending' : null,
        webhook_attempts: 0,
        created_at: now,
        started_at: null,
        completed_at: null,
      };
      const outcome = await store.create(
        {
          ...row,
          inputs: JSON.stringify(row.inputs),
          export_options: JSON.stringify(row.export_options),
          metadata: row.metadata ? JSON.stringify(row.metadata) : null,
          result_warnings: null,
        },
        idempotency,
      );
      if (outcome.kind === 'conflict') throw new ApiError('IDEMPOTENCY_CONFLICT');
      if (outcome.kind === 'replay') {
        const earlier = await store.find(accountId, outcome.renderId);
        if (earlier) return { row: earlier, replayed: true };
        if (claim >= MAX_CLAIMS) throw new ApiError('SERVICE_UNAVAILABLE');
        continue;
      }

      // Parking and charging are independent: they run side by side, and both must succeed before
      // the enqueue. The charge still follows the row (never a charge without a row); a charge whose
      // parking failed is refunded, like a charge that timed out.
      const [parked, charged] = await Promise.allSettled([
        park(row.id, artwork),
        credits.charge(accountId, row.id, price),
      ]);
      if (parked.status === 'rejected' || charged.status === 'rejected') {
        const shortOfCredits =
          charged.status === 'rejected' &&
          charged.reason instanceof ApiError &&
          charged.reason.code === 'INSUFFICIENT_CREDITS';
        // A timed-out charge may have been applied: refunding an uncharged render is a no-op.
        if (!shortOfCredits) await refundQuietly(accountId, row.id);
        if (parked.status === 'rejected') {
          logger.warn({ err: parked.reason, render_id: row.id }, 'cannot park inline artwork');
        }
        await removeParked(row.id, artwork.keys());
        await store.discard(accountId, row.id).catch((error: unknown) => {
          logger.warn({ err: error, render_id: row.id }, 'cannot discard refused render: retrying');
          settleLater(`discard of render ${row.id}`, () => store.discard(accountId, row.id));
        });
        throw charged.status === 'rejected' ? charged.reason : new ApiError('SERVICE_UNAVAILABLE');
      }

      try {
        await within(enqueueTimeoutMs, enqueue(row.id));
      } catch (error) {
        logger.warn({ err: error, render_id: row.id }, 'cannot enqueue render: refunding');
        const refunded = await refundQuietly(accountId, row.id, () => store.markRefunded(accountId, row.id));
        const failedAt = clock.now();
        await store.markUnqueued(accountId, row.id, failedAt, { refunded }).catch((markError: unknown) => {
          logger.warn({ err: markError, render_id: row.id }, 'cannot mark unqueued render failed: retrying');
          settleLater(`failing unqueued render ${row.id}`, () =>
            store.markUnqueued(accountId, row.id, failedAt, { refunded }),
          );
        });
        await removeParked(row.id, artwork.keys());
        throw new ApiError('SERVICE_UNAVAILABLE');
      }

      deps.onAccepted?.();
      if (keyId !== null) {
        await usage(keyId, price, now).catch((error: unknown) => {
          logger.warn({ err: error, render_id: row.id }, 'render usage not counted');
        });
      }
      return { row, replayed: false };
    }
  };
}
