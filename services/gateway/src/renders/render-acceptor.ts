// Accepting a render, in named phases: (1) admit: check the request against its mockup; (2) claim:
// insert the row (queued, with its price), claiming the Idempotency-Key in the same transaction; (3)
// parkAndCharge: park inline artwork in storage and, at the same time, charge the credits (idempotent
// per render uuid); (4) queue: enqueue (jobId = render uuid); (5) countUsage. So there is never a
// charge without a row, nor a job without a charge and its artwork. Each phase that can fail after
// something was stored has its compensation: undoRefused (refund, remove parked artwork, discard the
// row and its key) and undoUnqueued (refund, fail the row and release its key, remove parked
// artwork), answering 503: a client never pays for a render that does not exist.
import { randomUUID } from 'node:crypto';
import { ApiError, type CreateRenderRequest, type Mockup, type Clock } from '@platen/contracts';
import { toStoredRenderInput } from '@platen/mockups';
import { renderInputKey, type ObjectStorage } from '@platen/storage';
import type { Logger } from 'pino';
import type { WebhookUrlCheck } from '../webhooks/webhook-url-check.js';
import type { CreditsClient } from '@platen/key-service-client';
import { outputSize, printFileCredits, renderCredits } from './credits-rule.js';
import { checkAgainstMockup, type InlineArtwork } from './mockup-fit.js';
import type { RenderUsage } from './render-usage.js';
import { createRenderUndo } from './render-undo.js';
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

/** `work`, or a rejection once `ms` pass (the batch acceptor's enqueues are bounded the same way). */
export function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** What the admit phase found: the mockup, the artwork to park, the price. */
interface Admitted {
  template: Mockup;
  artwork: InlineArtwork;
  price: number;
}

type Claim = { kind: 'new'; row: RenderRow } | { kind: 'replay'; row: RenderRow } | { kind: 'lost' };

export function createRenderAcceptor(deps: RenderAcceptorDeps): RenderAcceptor {
  const { store, storage, credits, enqueue, usage, clock, logger, enqueueTimeoutMs = 5_000 } = deps;
  const settleLater = deps.settleLater ?? createSettleLater(logger);
  const undo = createRenderUndo({ credits, store, clock, logger, settleLater });

  // Phase 1: nothing is stored or charged for a request its mockup or webhook_url refuses.
  async function admit({ request, mockup }: AcceptRenderInput): Promise<Admitted> {
    const artwork = checkAgainstMockup(request, mockup);
    const template = mockup!; // checkAgainstMockup refuses an unknown mockup
    if (request.webhook_url !== undefined) await deps.checkWebhookUrl(request.webhook_url, 'webhook_url');
    return { template, artwork, price: priceOf(request, template) };
  }

  // Phase 2: the queued row, claiming the Idempotency-Key in the same transaction.
  async function claim(
    { accountId, keyId, request, idempotency }: AcceptRenderInput,
    { template, price }: Admitted,
    now: Date,
  ): Promise<Claim> {
    const outcome = await store.create(
      {
        id: randomUUID(),
        account_id: accountId,
        key_id: keyId,
        mockup_id: template.uuid,
        inputs: request.smart_objects.map(toStoredRenderInput),
        export_options: request.export_options,
        webhook_url: request.webhook_url ?? null,
        metadata: request.metadata ?? null,
        credits_charged: price,
        created_at: now,
        export_label: request.export_label ?? null,
        ...(request.print_files?.length ? { print_files: request.print_files } : {}),
      },
      idempotency,
    );
    if (outcome.kind === 'conflict') throw new ApiError('IDEMPOTENCY_CONFLICT');
    if (outcome.kind === 'claimed') return { kind: 'new', row: outcome.row };
    const earlier = await store.find(accountId, outcome.renderId);
    return earlier ? { kind: 'replay', row: earlier } : { kind: 'lost' };
  }

  // Phase 3: parking and charging are independent, so they run side by side; both must succeed
  // before the enqueue. The charge still follows the row (never a charge without a row).
  async function parkAndCharge(row: RenderRow, { artwork, price }: Admitted): Promise<void> {
    const [parked, charged] = await Promise.allSettled([
      park(row.id, artwork),
      credits.charge(row.account_id, row.id, price),
    ]);
    if (parked.status === 'fulfilled' && charged.status === 'fulfilled') return;
    if (parked.status === 'rejected') {
      logger.warn({ err: parked.reason, render_id: row.id }, 'cannot park inline artwork');
    }
    await undoRefused(row, artwork, { charged: !isShortOfCredits(charged) });
    throw charged.status === 'rejected' ? charged.reason : new ApiError('SERVICE_UNAVAILABLE');
  }

  // Phase 4: the job (jobId = render uuid), within enqueueTimeoutMs.
  async function queue(row: RenderRow, { artwork }: Admitted): Promise<void> {
    try {
      await within(enqueueTimeoutMs, enqueue(row.id));
    } catch (error) {
      logger.warn({ err: error, render_id: row.id }, 'cannot enqueue render: refunding');
      await undoUnqueued(row, artwork);
      throw new ApiError('SERVICE_UNAVAILABLE');
    }
  }

  // Phase 5: counted on the key that asked; a miss is logged, never fails an accepted render.
  async function countUsage(row: RenderRow, keyId: string | null, now: Date): Promise<void> {
    if (keyId === null) return;
    await usage(keyId, row.credits_charged, now).catch((error: unknown) => {
      logger.warn({ err: error, render_id: row.id }, 'render usage not counted');
    });
  }

  // Compensation of phase 3: refund (a timed-out charge may have been applied: refunding an
  // uncharged render is a no-op), remove parked artwork, discard the row and its key.
  async function undoRefused(row: RenderRow, artwork: InlineArtwork, { charged }: { charged: boolean }) {
    if (charged) await undo.refund(row);
    await removeParked(row.id, artwork.keys());
    await discardRow(row);
  }

  // Compensation of phase 4: refund, fail the row and release its key, remove parked artwork.
  async function undoUnqueued(row: RenderRow, artwork: InlineArtwork): Promise<void> {
    await undo.failUnqueued(row);
    await removeParked(row.id, artwork.keys());
  }

  async function discardRow(row: RenderRow): Promise<void> {
    await store.discard(row.account_id, row.id).catch((error: unknown) => {
      logger.warn({ err: error, render_id: row.id }, 'cannot discard refused render: retrying');
      settleLater(`discard of render ${row.id}`, () => store.discard(row.account_id, row.id));
    });
  }

  async function park(renderId: string, artwork: InlineArtwork): Promise<void> {
    await Promise.all(
      [...artwork].map(([uuid, bytes]) =>
        storage.put(renderInputKey(renderId, uuid), bytes, 'application/octet-stream'),
      ),
    );
  }

  async function removeParked(renderId: string, uuids: Iterable<string>): Promise<void> {
    await Promise.all(
      [...uuids].map((uuid) => storage.delete(renderInputKey(renderId, uuid)).catch(() => undefined)),
    );
  }

  return async function accept(input) {
    const admitted = await admit(input);
    const now = clock.now();
    for (let attempt = 1; ; attempt++) {
      const claimed = await claim(input, admitted, now);
      if (claimed.kind === 'replay') return { row: claimed.row, replayed: true };
      if (claimed.kind === 'lost') {
        if (attempt >= MAX_CLAIMS) throw new ApiError('SERVICE_UNAVAILABLE');
        continue;
      }
      await parkAndCharge(claimed.row, admitted);
      await queue(claimed.row, admitted);
      deps.onAccepted?.();
      await countUsage(claimed.row, input.keyId, now);
      return { row: claimed.row, replayed: false };
    }
  };
}

/** The mockup at its output size, plus each print file at its own (checkAgainstMockup found each). */
function priceOf(request: CreateRenderRequest, template: Mockup): number {
  const areas = new Map(template.smart_objects.map((so) => [so.uuid, so.print_area] as const));
  const printFiles = (request.print_files ?? []).reduce(
    (sum, file) => sum + printFileCredits(areas.get(file.smart_object_uuid)!, file.dpi),
    0,
  );
  return renderCredits(outputSize(template, request.export_options.size)) + printFiles;
}

/** A charge refused for want of credits applied nothing: there is nothing to refund. */
export function isShortOfCredits(charged: PromiseSettledResult<unknown>): boolean {
  return (
    charged.status === 'rejected' &&
    charged.reason instanceof ApiError &&
    charged.reason.code === 'INSUFFICIENT_CREDITS'
  );
}
