// Accepting a batch, in the render acceptor's phases: (1) admit: expand the body into its renders,
// every one checked against its mockup, and the webhook_url checked; (2) claim: the batch, all its
// renders (queued, each with its price) and its Idempotency-Key in one transaction; (3) parkAndCharge:
// park each inline artwork once for the whole batch and, at the same time, charge every render in one
// all-or-nothing call (each render its own ledger charge, so each is refunded on its own); (4) queue:
// one job per render; (5) countUsage. Compensations: undoRefused (refund, remove parked artwork,
// discard the batch and its key) and undoUnqueued (the renders not queued are refunded and failed,
// the key released; a batch none of whose renders runs is finished here), answering 503.
import { randomUUID } from 'node:crypto';
import { ApiError, type Clock, type CreateBatchRequest, type Mockup } from '@platen/contracts';
import type { BatchRecordRow, BatchRecords, NewRenderRecord, RenderRecordRow } from '@platen/db';
import type { CreditsClient } from '@platen/key-service-client';
import { batchArtworkKey, type ObjectStorage } from '@platen/storage';
import type { Logger } from 'pino';
import { isShortOfCredits, within } from '../renders/render-acceptor.js';
import type { RenderStore } from '../renders/render-store.js';
import { createRenderUndo } from '../renders/render-undo.js';
import type { RenderUsage } from '../renders/render-usage.js';
import { createSettleLater, type SettleLater } from '../renders/settle-later.js';
import type { WebhookUrlCheck } from '../webhooks/webhook-url-check.js';
import { expandBatch, type BatchPlan } from './batch-expander.js';

export interface AcceptBatchInput {
  accountId: string;
  keyId: string | null;
  request: CreateBatchRequest;
  /** Every mockup the request names, as the account sees it (undefined: unknown to it). */
  mockups: ReadonlyMap<string, Mockup | undefined>;
  idempotency?: { key: string; requestHash: string } | undefined;
}

export interface AcceptedBatch {
  batch: BatchRecordRow;
  /** True when an earlier request with the same Idempotency-Key made this batch. */
  replayed: boolean;
}

export interface BatchAcceptorDeps {
  batches: BatchRecords;
  /** The renders' own compensations (fail unqueued, record refunds). */
  renders: Pick<RenderStore, 'markUnqueued' | 'markRefunded'>;
  storage: ObjectStorage;
  credits: CreditsClient;
  enqueue: (renderId: string) => Promise<void>;
  /** Queues `batch.finished` for a batch finished here (none of its renders could be queued). */
  queueBatchEvent: (batchId: string) => Promise<void>;
  usage: RenderUsage;
  clock: Clock;
  logger: Logger;
  checkWebhookUrl: WebhookUrlCheck;
  onAccepted?: (renders: number) => void;
  enqueueTimeoutMs?: number;
  settleLater?: SettleLater;
}

export type BatchAcceptor = (input: AcceptBatchInput) => Promise<AcceptedBatch>;

const MAX_CLAIMS = 3;

type Claim =
  | { kind: 'new'; batch: BatchRecordRow; renders: RenderRecordRow[] }
  | { kind: 'replay'; batch: BatchRecordRow }
  | { kind: 'lost' };

export function createBatchAcceptor(deps: BatchAcceptorDeps): BatchAcceptor {
  const { batches, storage, credits, enqueue, usage, clock, logger, enqueueTimeoutMs = 5_000 } = deps;
  const settleLater = deps.settleLater ?? createSettleLater(logger);
  const undo = createRenderUndo({ credits, store: deps.renders, clock, logger, settleLater });

  // Phase 1: nothing is stored or charged for a body any of whose renders would be refused.
  async function admit({ request, mockups }: AcceptBatchInput): Promise<BatchPlan> {
    const plan = expandBatch(request, mockups);
    if (request.webhook_url !== undefined) await deps.checkWebhookUrl(request.webhook_url, 'webhook_url');
    return plan;
  }

  // Phase 2: the batch and its queued renders, claiming the Idempotency-Key in the same transaction.
  async function claim(input: AcceptBatchInput, plan: BatchPlan, now: Date): Promise<Claim> {
    const { accountId, keyId, request, idempotency } = input;
    const batchId = randomUUID();
    const renderWebhookUrl = request.render_webhooks ? (request.webhook_url ?? null) : null;
    // Created in one instant: ascending ids keep the renders in the order asked for (batch reads sort by id).
    const ids = plan.renders.map(() => randomUUID()).sort();
    const renders: NewRenderRecord[] = plan.renders.map((render, i) => ({
      id: ids[i]!,
      account_id: accountId,
      key_id: keyId,
      mockup_id: render.mockup.uuid,
      inputs: render.inputs,
      export_options: render.export_options,
      webhook_url: renderWebhookUrl,
      metadata: null,
      credits_charged: render.price,
      created_at: now,
      export_label: render.export_label,
    }));
    const outcome = await batches.create(
      {
        id: batchId,
        account_id: accountId,
        key_id: keyId,
        credits_charged: renders.reduce((sum, render) => sum + render.credits_charged, 0),
        webhook_url: request.webhook_url ?? null,
        render_webhooks: request.render_webhooks,
        metadata: request.metadata ?? null,
        artwork_ids: [...plan.inlineArtwork.keys()],
        created_at: now,
      },
      renders,
      idempotency,
    );
    if (outcome.kind === 'conflict') throw new ApiError('IDEMPOTENCY_CONFLICT');
    if (outcome.kind === 'claimed') return { kind: 'new', batch: outcome.batch, renders: outcome.renders };
    const earlier = await batches.find(outcome.batchId, accountId);
    return earlier ? { kind: 'replay', batch: earlier } : { kind: 'lost' };
  }

  // Phase 3: parking and charging side by side; both must succeed before anything is queued.
  async function parkAndCharge(batch: BatchRecordRow, renders: RenderRecordRow[], plan: BatchPlan) {
    const [parked, charged] = await Promise.allSettled([
      park(batch.id, plan.inlineArtwork),
      credits.chargeMany(
        batch.account_id,
        renders.map((render) => ({ render_id: render.id, amount: render.credits_charged })),
      ),
    ]);
    if (parked.status === 'fulfilled' && charged.status === 'fulfilled') return;
    if (parked.status === 'rejected') {
      logger.warn({ err: parked.reason, batch_id: batch.id }, 'cannot park batch artwork');
    }
    await undoRefused(batch, renders, { charged: !isShortOfCredits(charged) });
    throw charged.status === 'rejected' ? charged.reason : new ApiError('SERVICE_UNAVAILABLE');
  }

  // Phase 4: one job per render (jobId = render uuid), each within enqueueTimeoutMs.
  async function queue(batch: BatchRecordRow, renders: RenderRecordRow[]): Promise<void> {
    const queued = await Promise.allSettled(
      renders.map((render) => within(enqueueTimeoutMs, enqueue(render.id))),
    );
    const unqueued = renders.filter((_, i) => queued[i]!.status === 'rejected');
    if (unqueued.length === 0) return;
    const first = queued.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    logger.warn(
      { err: first.reason, batch_id: batch.id, unqueued: unqueued.length, renders: renders.length },
      'cannot enqueue batch renders: refunding those',
    );
    await undoUnqueued(batch, unqueued);
    throw new ApiError('SERVICE_UNAVAILABLE');
  }

  async function countUsage(batch: BatchRecordRow, keyId: string | null, renders: number, now: Date) {
    if (keyId === null) return;
    await usage(keyId, batch.credits_charged, now, renders).catch((error: unknown) => {
      logger.warn({ err: error, batch_id: batch.id }, 'batch usage not counted');
    });
  }

  async function undoRefused(
    batch: BatchRecordRow,
    renders: RenderRecordRow[],
    { charged }: { charged: boolean },
  ): Promise<void> {
    // A timed-out charge may have been applied: refunding a render never charged records it called off.
    if (charged) await Promise.all(renders.map((render) => undo.refund(render)));
    await removeParked(batch);
    await batches.discard(batch.account_id, batch.id).catch((error: unknown) => {
      logger.warn({ err: error, batch_id: batch.id }, 'cannot discard refused batch: retrying');
      settleLater(`discard of batch ${batch.id}`, () => batches.discard(batch.account_id, batch.id));
    });
  }

  async function undoUnqueued(batch: BatchRecordRow, unqueued: RenderRecordRow[]): Promise<void> {
    await Promise.all(unqueued.map((render) => undo.failUnqueued(render)));
    await batches.releaseIdempotencyKey(batch.account_id, batch.id).catch((error: unknown) => {
      logger.warn({ err: error, batch_id: batch.id }, 'batch Idempotency-Key not released');
    });
    // If none of its renders runs, no worker will finish the batch: it ends here.
    const finished = await batches.finishIfDone(batch.id, clock.now()).catch(() => undefined);
    if (finished) {
      await removeParked(batch);
      await deps.queueBatchEvent(batch.id).catch((error: unknown) => {
        logger.warn({ err: error, batch_id: batch.id }, 'batch.finished not queued');
      });
    }
  }

  async function park(batchId: string, artwork: Map<string, Buffer>): Promise<void> {
    await Promise.all(
      [...artwork].map(([id, bytes]) =>
        storage.put(batchArtworkKey(batchId, id), bytes, 'application/octet-stream'),
      ),
    );
  }

  async function removeParked(batch: BatchRecordRow): Promise<void> {
    await Promise.all(
      batch.artwork_ids.map((id) => storage.delete(batchArtworkKey(batch.id, id)).catch(() => undefined)),
    );
  }

  return async function accept(input) {
    const plan = await admit(input);
    const now = clock.now();
    for (let attempt = 1; ; attempt++) {
      const claimed = await claim(input, plan, now);
      if (claimed.kind === 'replay') return { batch: claimed.batch, replayed: true };
      if (claimed.kind === 'lost') {
        if (attempt >= MAX_CLAIMS) throw new ApiError('SERVICE_UNAVAILABLE');
        continue;
      }
      await parkAndCharge(claimed.batch, claimed.renders, plan);
      await queue(claimed.batch, claimed.renders);
      deps.onAccepted?.(claimed.renders.length);
      await countUsage(claimed.batch, input.keyId, claimed.renders.length, now);
      return { batch: claimed.batch, replayed: false };
    }
  };
}
