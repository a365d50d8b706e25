// Render jobs end to end inside one process: a real BullMQ worker on a per-suite Redis prefix, a real
// database, the real key-service for charges and refunds, and local HTTP servers that misbehave.
import { randomUUID } from 'node:crypto';
import { createDemoArtwork } from '@platen/compositor';
import type { ConnectTarget, ResolvedAddress } from '@platen/outbound';
import {
  bullPrefix,
  channelName,
  CHANNELS,
  QUEUE_NAMES,
  renderFinishedEventSchema,
  type RenderFinishedEvent,
} from '@platen/queue';
import { renderResultKey } from '@platen/storage';
import { pngBomb, waitFor } from '@platen/testing';
import { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { assertEveryJobHasAHandler, createRenderWorker } from '../src/render-worker.js';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { INITIAL_CREDITS, inlineInput, startHarness, urlInput, type Harness } from './support/harness.js';

import { TINY_SO } from './support/tiny-template.js';
import { insertFixtureMockup } from '@platen/db/testing';

jest.setTimeout(60_000);

let harness: Harness;
let assets: AssetServer;
let otherLoopback: AssetServer;
let artwork: Buffer;

beforeAll(async () => {
  harness = await startHarness('worker-jobs', {
    maxInlineAssetBytes: 2 * 1024 * 1024,
    refundRetryDelayMs: 300,
  });
  assets = await startAssetServer('127.0.0.1');
  otherLoopback = await startAssetServer('127.0.0.2');
  artwork = await createDemoArtwork(90, 60);
  assets.image('/art.png', artwork);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await assets?.close();
  await otherLoopback?.close();
});

beforeEach(() => harness.useOutbound({}));

async function refundedOnRow(renderId: string): Promise<number> {
  const row = await harness.db
    .selectFrom('renders.renders')
    .select('credits_refunded')
    .where('id', '=', renderId)
    .executeTakeFirstOrThrow();
  return row.credits_refunded;
}

/** One refund in the key-service's ledger, and the render itself shows its credit given back. */
async function expectRefundedOnce(renderId: string): Promise<void> {
  expect(await harness.refundsOf(renderId)).toBe(1);
  expect(await refundedOnRow(renderId)).toBe(1);
}

describe('a render that succeeds', () => {
  it('composites base64 artwork into the template; the output decodes at the requested size and format under renderResultKey', async () => {
    const renderId = await harness.submit({
      inputs: [inlineInput(TINY_SO)],
      inline: { [TINY_SO]: artwork },
      exportOptions: { format: 'webp', size: 240, quality: 80 },
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      error_code: null,
      result_key: renderResultKey(renderId, 'webp'),
      result_format: 'webp',
      result_width: 240,
      result_height: 160,
    });
    const stored = await harness.storage.get(renderResultKey(renderId, 'webp'));
    expect(stored?.contentType).toBe('image/webp');
    expect(stored?.body.length).toBe(row.result_bytes);
    expect(await sharp(stored!.body).metadata()).toMatchObject({ format: 'webp', width: 240, height: 160 });
    expect(row.started_at).not.toBeNull();
    expect(row.completed_at).not.toBeNull();
  });

  it('hands out a signed result URL that the gateway’s signer accepts and that expires', async () => {
    const renderId = await harness.submit({ inputs: [inlineInput(TINY_SO)], inline: { [TINY_SO]: artwork } });
    const { result_key } = await harness.waitUntilFinal(renderId);

    const url = new URL(await harness.storage.signedUrl(result_key!, 3600));
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature')!;
    const now = Math.floor(Date.now() / 1000);

    expect(url.pathname).toBe(`/files/${result_key}`);
    expect(harness.signer.check(result_key!, expires, signature, now)).toBe('valid');
    expect(harness.signer.check(result_key!, expires, signature, expires + 1)).toBe('expired');
    expect(harness.signer.check(renderResultKey(renderId, 'jpeg'), expires, signature, now)).toBe('invalid');
  });

  it('fetches url artwork from an allowed local server, charges once and refunds nothing', async () => {
    const before = assets.hits('/art.png');
    const renderId = await harness.submit({ inputs: [urlInput(TINY_SO, `${assets.origin}/art.png`)] });

    const row = await harness.waitUntilFinal(renderId);

    expect(row.status).toBe('succeeded');
    expect(assets.hits('/art.png')).toBe(before + 1);
    expect(await harness.refundsOf(renderId)).toBe(0);
    expect(await refundedOnRow(renderId)).toBe(0);
    expect(await harness.keyService.balance(harness.accountId)).toBeLessThan(INITIAL_CREDITS);
  });

  it('announces render.finished on Redis once the row is final', async () => {
    const subscriber = new Redis(harness.testRedis.url);
    const events: RenderFinishedEvent[] = [];
    try {
      await subscriber.subscribe(channelName(harness.testRedis.prefix, CHANNELS.renderFinished));
      subscriber.on('message', (_channel, message: string) =>
        events.push(renderFinishedEventSchema.parse(JSON.parse(message))),
      );
      const renderId = await harness.submit({
        inputs: [inlineInput(TINY_SO)],
        inline: { [TINY_SO]: artwork },
      });

      const event = await waitFor(() => events.find((e) => e.render_id === renderId), {
        what: 'render.finished',
      });

      expect(event.status).toBe('succeeded');
      expect((await harness.row(renderId)).status).toBe('succeeded');
    } finally {
      subscriber.disconnect();
    }
  });

  it('does not render, store or charge again when the job of a succeeded render runs again', async () => {
    const renderId = await harness.submit({ inputs: [inlineInput(TINY_SO)], inline: { [TINY_SO]: artwork } });
    const first = await harness.waitUntilFinal(renderId);
    await harness.storage.delete(first.result_key!);

    const again = await harness.queue.add('render', { render_id: renderId }, { jobId: `${renderId}-again` });
    await waitFor(async () => ((await again.isCompleted()) ? true : undefined), { what: 'second job' });

    expect(await harness.row(renderId)).toEqual(first);
    expect(await harness.storage.get(first.result_key!)).toBeNull();
    const charges = (await harness.keyService.ledger(harness.accountId)).filter(
      (e) => e.render_id === renderId,
    );
    expect(charges.map((e) => e.kind)).toEqual(['charge']);
  });
});

describe('failures, each caused for real', () => {
  it('retries an asset server answering 500 with backoff, then fails ASSET_FETCH_FAILED after the last attempt, refunded once', async () => {
    const balance = await harness.keyService.balance(harness.accountId);
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/500`)],
      attempts: 3,
    });
    const hitsBefore = assets.hits('/500');

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({
      status: 'failed',
      error_code: 'ASSET_FETCH_FAILED',
      attempts: 3,
      result_key: null,
    });
    expect(row.error_message).toMatch(/HTTP 500/);
    expect(assets.hits('/500') - hitsBefore).toBe(3);
    await expectRefundedOnce(renderId);
    expect(await harness.keyService.balance(harness.accountId)).toBe(balance);
  });

  it('fails ASSET_TIMEOUT when the asset server never answers, after retrying (a timeout is transient)', async () => {
    harness.useOutbound({ totalTimeoutMs: 300 });
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/hang`)],
      attempts: 2,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_TIMEOUT', attempts: 2 });
    await expectRefundedOnce(renderId);
  });

  it('fails ASSET_TOO_LARGE at once for a 60 MB answer (1 MB cap), without a second attempt', async () => {
    harness.useOutbound({ maxBytes: 1024 * 1024 });
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/huge`)],
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_TOO_LARGE', attempts: 1 });
    await expectRefundedOnce(renderId);
  });

  it('refuses a 60 MB answer at the default 25 MB cap', async () => {
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/huge`)],
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_TOO_LARGE', attempts: 1 });
    expect(row.error_message).toMatch(/26214400 bytes/);
  });

  it('fails ASSET_NOT_AN_IMAGE for an HTML page, without retrying', async () => {
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/html`)],
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_NOT_AN_IMAGE', attempts: 1 });
    await expectRefundedOnce(renderId);
  });

  it('fails ASSET_FORBIDDEN_ADDRESS when an allowed host redirects to loopback, and never contacts the loopback target', async () => {
    harness.useOutbound({ allow: ['127.0.0.2/32'] });
    const target = `${assets.origin}/art.png`;
    const hitsBefore = assets.hits('/art.png');
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${otherLoopback.origin}/redirect?to=${encodeURIComponent(target)}`)],
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_FORBIDDEN_ADDRESS', attempts: 1 });
    expect(otherLoopback.hits('/redirect')).toBe(1);
    expect(assets.hits('/art.png')).toBe(hitsBefore);
    await expectRefundedOnce(renderId);
  });

  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/art.png`],
    ['decimal 2130706433', (port: number) => `http://2130706433:${port}/art.png`],
    ['localhost', (port: number) => `http://localhost:${port}/art.png`],
    ['::ffff:127.0.0.1', (port: number) => `http://[::ffff:127.0.0.1]:${port}/art.png`],
    ['::1', (port: number) => `http://[::1]:${port}/art.png`],
  ])(
    'fails ASSET_FORBIDDEN_ADDRESS for loopback written as %s while loopback is not allowed',
    async (_form, url) => {
      harness.useOutbound({ allow: [] });
      const hitsBefore = assets.totalHits();
      const renderId = await harness.submit({ inputs: [urlInput(TINY_SO, url(assets.port))], attempts: 3 });

      const row = await harness.waitUntilFinal(renderId);

      expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_FORBIDDEN_ADDRESS', attempts: 1 });
      expect(assets.totalHits()).toBe(hitsBefore);
    },
  );

  it.each([
    ['the cloud metadata address', '169.254.169.254'],
    ['a private network', '10.1.2.3'],
    ['CGNAT', '100.64.0.1'],
    ['an IPv6 unique-local address', 'fd00::1'],
  ])(
    'fails ASSET_FORBIDDEN_ADDRESS for a host resolving to %s, without opening a connection',
    async (_range, address) => {
      const lookups: string[] = [];
      const connects: ConnectTarget[] = [];
      harness.useOutbound({
        allow: [],
        resolve: (hostname) => {
          lookups.push(hostname);
          return Promise.resolve<ResolvedAddress[]>([{ address, family: address.includes(':') ? 6 : 4 }]);
        },
        connect: (target) => {
          connects.push(target);
          return Promise.reject(new Error('test connector: no packets leave this machine'));
        },
      });
      const renderId = await harness.submit({
        inputs: [urlInput(TINY_SO, 'http://artwork.example/a.png')],
        attempts: 3,
      });

      const row = await harness.waitUntilFinal(renderId);

      expect(row).toMatchObject({
        status: 'failed',
        error_code: 'ASSET_FORBIDDEN_ADDRESS',
        error_message:
          'Artwork fetch failed: artwork.example resolves to an address outbound requests may not reach ' +
          '(private, loopback, link-local or reserved); a self-hosted server can allow it with OUTBOUND_ALLOW',
        attempts: 1,
      });
      expect(lookups).toEqual(['artwork.example']);
      expect(connects).toEqual([]);
    },
  );

  it('refuses a small PNG declaring 50,000 × 50,000 pixels as ASSET_TOO_LARGE instead of decoding it', async () => {
    const bomb = pngBomb(50_000, 50_000);
    expect(bomb.length).toBeLessThan(2_000);
    const renderId = await harness.submit({
      inputs: [inlineInput(TINY_SO)],
      inline: { [TINY_SO]: bomb },
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_TOO_LARGE', attempts: 1 });
    await expectRefundedOnce(renderId);
  });

  it('caps inline base64 artwork: a parked upload above the cap fails ASSET_TOO_LARGE', async () => {
    const oversized = Buffer.concat([artwork, Buffer.alloc(3 * 1024 * 1024)]);
    const renderId = await harness.submit({
      inputs: [inlineInput(TINY_SO)],
      inline: { [TINY_SO]: oversized },
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'ASSET_TOO_LARGE', attempts: 1 });
  });

  it('fails RENDER_FAILED, refunded, when the mockup was deleted after the render was accepted', async () => {
    const renderId = await harness.submit({
      inputs: [inlineInput(TINY_SO)],
      inline: { [TINY_SO]: artwork },
      mockupId: await deletedMockupId(),
      attempts: 3,
    });

    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: 'RENDER_FAILED', attempts: 1 });
    await expectRefundedOnce(renderId);
  });
});

describe('refunds', () => {
  it('refunds once the key-service is back when it was unreachable at the final failure', async () => {
    const balance = await harness.keyService.balance(harness.accountId);
    harness.useOutbound({ allow: [] });
    await harness.worker.pause();
    const renderId = await harness.submit({ inputs: [urlInput(TINY_SO, `${assets.origin}/art.png`)] });
    await harness.keyService.kill();
    try {
      await harness.worker.resume();
      expect(await harness.waitUntilFinal(renderId, { jobDone: false })).toMatchObject({ status: 'failed' });
      // Failed but not refunded yet: the render does not claim a refund the ledger does not have. Read while
      // the key-service is still down: after its restart the retried refund may already have landed.
      expect(await refundedOnRow(renderId)).toBe(0);
    } finally {
      await harness.keyService.restart();
    }

    await waitFor(async () => ((await harness.refundsOf(renderId)) === 1 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the refund after the key-service came back',
    });
    expect(await harness.keyService.balance(harness.accountId)).toBe(balance);
    await waitFor(async () => ((await refundedOnRow(renderId)) === 1 ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the render to show its refund',
    });
  });
});

describe('a worker that keeps dying', () => {
  it('fails RENDER_FAILED, refunded once, a render abandoned more often than maxStalledCount', async () => {
    await harness.worker.pause();
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/art.png`)],
      attempts: 4,
    });
    // Takes the job, then "dies": never finishes, never renews its lock.
    const dying = new Worker(QUEUE_NAMES.renders, () => new Promise(() => undefined), {
      connection: harness.redis,
      prefix: bullPrefix(harness.testRedis.prefix),
      lockDuration: 500,
      skipLockRenewal: true,
      skipStalledCheck: true,
    });
    const strict = createRenderWorker({
      connection: harness.redis,
      redisPrefix: harness.testRedis.prefix,
      handlers: { render: harness.processor.process },
      processor: harness.processor,
      metrics: harness.metrics,
      logger: harness.logger,
      settings: { concurrency: 1, lockDuration: 1_000, stalledInterval: 300, maxStalledCount: 0 },
      autorun: false,
    });
    try {
      await waitFor(async () =>
        (await harness.queue.getJobState(renderId)) === 'active' ? true : undefined,
      );
      await dying.close(true);
      void strict.run();

      const row = await harness.waitUntilFinal(renderId);

      expect(row).toMatchObject({
        status: 'failed',
        error_code: 'RENDER_FAILED',
        error_message: 'The render was interrupted too many times',
      });
      // Settled from the worker's `failed` event, just after BullMQ marked the job failed.
      await waitFor(async () => ((await harness.refundsOf(renderId)) > 0 ? true : undefined), {
        what: 'the refund',
      });
      await strict.close();
      await expectRefundedOnce(renderId);
    } finally {
      await strict.close();
      await harness.worker.resume();
    }
  });
});

describe('job names', () => {
  it('refuses to start without a handler for every job name of the queue', () => {
    expect(() => assertEveryJobHasAHandler({})).toThrow(/no handler for job name\(s\): render/);
  });

  it('fails a job with an unknown name loudly and does not retry it', async () => {
    const job = await harness.queue.add('rendr' as 'render', { render_id: randomUUID() }, { attempts: 3 });

    const failed = await waitFor(async () =>
      (await harness.queue.getJobState(job.id!)) === 'failed'
        ? Job.fromId(harness.queue, job.id!)
        : undefined,
    );

    expect(failed?.failedReason).toBe('no handler for job name "rendr"');
    expect(failed?.attemptsMade).toBe(1);
  });
});

function deletedMockupId(): Promise<string> {
  const slug = `deleted-${randomUUID()}`;
  return insertFixtureMockup(harness.db, { slug, accountId: harness.accountId, deletedAt: new Date() });
}
