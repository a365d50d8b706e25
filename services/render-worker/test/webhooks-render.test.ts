// The render-to-webhook path as main.ts runs it (startRenderService): a render that reaches its final
// state sends render.succeeded / render.failed to its webhook_url with the render object as `data`,
// signed with the account secret; the render's webhook columns follow the delivery; a re-announced
// render sends nothing twice.
import { randomUUID } from 'node:crypto';
import { createDemoArtwork } from '@platen/compositor';
import { createSystemClock } from '@platen/contracts';
import { createLogger } from '@platen/http';
import { RENDER_JOB_NAME } from '@platen/queue';
import { createResultUrlSigner, renderResultKey } from '@platen/storage';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '@platen/testing';
import {
  createRetrySchedule,
  createSecretStore,
  createWebhookQueue,
  enqueueRenderEvent,
} from '@platen/webhooks';
import { Webhook } from 'standardwebhooks';
import { startRenderService, type RunningRenderService } from '../src/render-service.js';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { SERVICE_SECRET, startHarness, urlInput, type Harness } from './support/harness.js';
import { serviceConfig } from './support/service-config.js';
import { TINY_ID, TINY_SO } from './support/tiny-template.js';

jest.setTimeout(60_000);

let harness: Harness;
let assets: AssetServer;
let receiver: WebhookReceiver;
let service: RunningRenderService;

beforeAll(async () => {
  harness = await startHarness('webhooks-render');
  // The in-process harness worker stays paused: jobs here belong to the service under test.
  await harness.worker.pause();
  assets = await startAssetServer('127.0.0.1');
  assets.image('/art.png', await createDemoArtwork(90, 60));
  receiver = await startWebhookReceiver();
  service = await startRenderService(serviceConfig(harness), {
    logger: createLogger({ name: 'render-worker-test', level: 'silent' }),
    seedBuiltIns: false,
    kernelThreads: 0,
    metricsHost: '127.0.0.1',
    webhooks: { schedule: createRetrySchedule({ delaysMs: [100, 100], jitter: 0 }), timeoutMs: 2_000 },
  });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await harness?.close();
  await assets?.close();
  await receiver?.close();
});

/** What the gateway does on POST /api/v1/renders with a webhook_url: row, charge, job. */
async function submit(artworkUrl: string, webhookUrl: string): Promise<string> {
  const renderId = randomUUID();
  await harness.db
    .insertInto('renders.renders')
    .values({
      id: renderId,
      account_id: harness.accountId,
      mockup_id: TINY_ID,
      status: 'queued',
      inputs: JSON.stringify([urlInput(TINY_SO, artworkUrl)]),
      export_options: JSON.stringify({ format: 'png', quality: 90 }),
      webhook_url: webhookUrl,
      credits_charged: 1,
    })
    .execute();
  await harness.keyService.charge(harness.accountId, renderId, 1);
  await harness.queue.add(RENDER_JOB_NAME, { render_id: renderId }, { jobId: renderId, attempts: 1 });
  return renderId;
}

async function webhookColumns(renderId: string) {
  return harness.db
    .selectFrom('renders.renders')
    .select(['webhook_status', 'webhook_attempts'])
    .where('id', '=', renderId)
    .executeTakeFirstOrThrow();
}

const accountSecret = () =>
  createSecretStore({ db: harness.db, clock: createSystemClock() }).current(harness.accountId);

describe('a render with a webhook_url', () => {
  it('POSTs render.succeeded with the render object, a signed result URL and a valid signature', async () => {
    const renderId = await submit(`${assets.origin}/art.png`, `${receiver.origin}/hooks/ok`);

    await waitFor(
      async () => ((await webhookColumns(renderId)).webhook_status === 'delivered' ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'the webhook to be delivered',
      },
    );

    const [request] = receiver.received('/hooks/ok');
    const event = new Webhook(await accountSecret()).verify(request!.body, request!.headers) as {
      type: string;
      data: {
        uuid: string;
        status: string;
        result: { url: string; format: string } | null;
        webhook: unknown;
      };
    };
    expect(event.type).toBe('render.succeeded');
    expect(event.data).toMatchObject({
      uuid: renderId,
      status: 'succeeded',
      mockup_uuid: TINY_ID,
      error: null,
      credits_charged: 1,
      credits_refunded: 0,
      webhook: { url: `${receiver.origin}/hooks/ok`, status: 'pending', attempts: 0 },
    });
    const resultUrl = new URL(event.data.result!.url);
    const key = renderResultKey(renderId, 'png');
    expect(resultUrl.pathname).toBe(`/files/${key}`);
    const expires = Number(resultUrl.searchParams.get('expires'));
    expect(
      createResultUrlSigner(SERVICE_SECRET).check(
        key,
        expires,
        resultUrl.searchParams.get('signature')!,
        Date.now() / 1000,
      ),
    ).toBe('valid');
    expect(await webhookColumns(renderId)).toEqual({ webhook_status: 'delivered', webhook_attempts: 1 });
  });

  it('POSTs render.failed with the failure code once the render finally fails (after its refund)', async () => {
    const renderId = await submit(`${assets.origin}/html`, `${receiver.origin}/hooks/failed`);

    await waitFor(
      async () => ((await webhookColumns(renderId)).webhook_status === 'delivered' ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'the webhook to be delivered',
      },
    );

    const [request] = receiver.received('/hooks/failed');
    const event = new Webhook(await accountSecret()).verify(request!.body, request!.headers) as {
      type: string;
      data: { status: string; result: unknown; error: { code: string } };
    };
    expect(event).toMatchObject({
      type: 'render.failed',
      // Refunded before the event is made: its render object shows the credit given back.
      data: {
        status: 'failed',
        result: null,
        error: { code: 'ASSET_NOT_AN_IMAGE' },
        credits_charged: 0,
        credits_refunded: 1,
      },
    });
  });

  it('shows failed attempts on the render and ends failed when the receiver keeps answering 500', async () => {
    receiver.script('/hooks/down', [500]);
    const renderId = await submit(`${assets.origin}/art.png`, `${receiver.origin}/hooks/down`);

    await waitFor(
      async () => ((await webhookColumns(renderId)).webhook_status === 'failed' ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'the webhook to fail',
      },
    );

    expect(await webhookColumns(renderId)).toEqual({ webhook_status: 'failed', webhook_attempts: 3 });
    expect(receiver.received('/hooks/down')).toHaveLength(3);
  });

  it('is sent once even when the render’s final state is announced again (a re-run of its job)', async () => {
    const renderId = await submit(`${assets.origin}/art.png`, `${receiver.origin}/hooks/once`);
    await waitFor(
      async () => ((await webhookColumns(renderId)).webhook_status === 'delivered' ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'the webhook to be delivered',
      },
    );

    // A duplicate announcement with a fresh job id: the fan-out runs again, the unique delivery row holds.
    const queue = createWebhookQueue(harness.redis, harness.testRedis.prefix);
    try {
      await queue.add(
        'render-event',
        { render_id: renderId, status: 'succeeded' },
        { jobId: `again_${renderId}` },
      );
      await enqueueRenderEvent(queue, { render_id: renderId, status: 'succeeded' });
      await waitFor(async () =>
        (await queue.getJobState(`again_${renderId}`)) === 'completed' ? true : undefined,
      );
    } finally {
      await queue.close();
    }

    const rows = await harness.db
      .selectFrom('renders.webhook_deliveries')
      .select('id')
      .where('render_id', '=', renderId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(receiver.received('/hooks/once')).toHaveLength(1);
  });
});
