// The client against a real Platen: the built key-service, gateway and a render-worker as processes
// (the fault tests' stack), an account and keys made through the key-service's internal API. What a
// user does first: list mockups, render with wait, upload a PSD, verify a real webhook delivery, and
// read a typed error. 429 on the real limiter shows the client reading a real Retry-After.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPlatenClient, PlatenApiError, WebhookVerificationError, type Render } from '@platen/client';
import { makeTestPsd } from '@platen/psd-import';
import {
  ensureWorkspaceBuilt,
  REPO_ROOT,
  startWebhookReceiver,
  waitFor,
  type WebhookReceiver,
} from '@platen/testing';
import {
  startFaultStack,
  STACK_START_TIMEOUT_MS,
  type FaultStack,
} from '../../../test/e2e/faults/support/fault-stack.js';

const POSTER = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const POSTER_SMART_OBJECT = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';
const ARTWORK = readFileSync(path.join(REPO_ROOT, 'packages/compositor/examples/mug.png')).toString('base64');
const posterRender = (extra: Record<string, unknown> = {}) => ({
  mockup_uuid: POSTER,
  smart_objects: [{ uuid: POSTER_SMART_OBJECT, asset: { data: ARTWORK } }],
  export_options: { format: 'png' as const, size: 400 },
  ...extra,
});

// A shared, busy machine: calls through the real stack get room; none of them asserts a time.
jest.setTimeout(120_000);

let stack: FaultStack | undefined;
let receiver: WebhookReceiver | undefined;
let artworkServer: Server | undefined;
let apiKey = '';
let accountId = '';
const client = () => createPlatenClient({ baseUrl: stack!.gatewayUrl, apiKey });

beforeAll(async () => {
  stack = await startFaultStack({ label: 'client', workers: 1, workerConcurrency: 1 });
  accountId = await stack.admin.createAccount(50);
  apiKey = (await stack.admin.createKey(accountId)).key;
  receiver = await startWebhookReceiver();
  // Artwork by URL: served on loopback, which this stack's workers are allowed to fetch from.
  artworkServer = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(ARTWORK, 'base64')),
  );
  await new Promise<void>((resolve) => artworkServer!.listen(0, '127.0.0.1', resolve));
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await new Promise<void>((resolve) => (artworkServer ? artworkServer.close(() => resolve()) : resolve()));
  await receiver?.close();
  await stack?.teardown();
}, 120_000);

describe('@platen/client against a running Platen', () => {
  it('lists every built-in mockup with its smart objects, across pages', async () => {
    const mockups = [];
    for await (const mockup of client().mockups.list({ limit: 2 })) mockups.push(mockup);

    const poster = mockups.find((mockup) => mockup.uuid === POSTER);
    expect(mockups.filter((mockup) => mockup.built_in)).toHaveLength(4);
    expect(poster?.smart_objects.map((so) => so.uuid)).toEqual([POSTER_SMART_OBJECT]);
    expect((await client().mockups.get('poster-on-wall')).uuid).toBe(POSTER);
  });

  it('creates a render and waits for its image; the same Idempotency-Key gives the same render', async () => {
    const render = await client().renders.create(posterRender(), {
      wait: 120,
      idempotencyKey: 'client-test-1',
    });

    expect(render).toMatchObject({ status: 'succeeded', credits_charged: 1, error: null });
    const image = await fetch(render.result!.url);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const again = await client().renders.create(posterRender(), { idempotencyKey: 'client-test-1' });
    expect(again.uuid).toBe(render.uuid);
    expect((await client().renders.get(render.uuid)).status).toBe('succeeded');
    const listed: Render[] = [];
    for await (const one of client().renders.list({ status: 'succeeded' })) listed.push(one);
    expect(listed.map((one) => one.uuid)).toEqual([render.uuid]);
  }, 180_000);

  it('makes a batch, waits for it to finish, lists it and downloads its archive', async () => {
    const batch = await client().batches.create(
      {
        artworks: [
          { id: 'front', data: ARTWORK },
          { id: 'back', data: ARTWORK, fit: 'contain' },
        ],
        mockups: [POSTER],
        export_options: { format: 'png', size: 400 },
      },
      { wait: 120 },
    );
    expect(batch.status).toBe('finished');
    expect(batch.counts).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    expect(batch.renders.map((render) => render.export_label).sort()).toEqual(['back', 'front']);
    const render = await client().renders.get(batch.renders[0]!.uuid);
    expect(render.batch_uuid).toBe(batch.uuid);

    const listed = [];
    for await (const summary of client().batches.list({ limit: 1 })) listed.push(summary.uuid);
    expect(listed).toContain(batch.uuid);

    const archive = await client().batches.archive(batch.uuid);
    expect(archive.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await archive.arrayBuffer());
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    const names = zip.toString('latin1');
    for (const name of ['manifest.json', 'front-1.png', 'back-1.png']) expect(names).toContain(name);
  });

  it('throws PlatenApiError with code, details and request_id for a bad request', async () => {
    const error = await client()
      .renders.create(posterRender({ mockup_uuid: '00000000-0000-4000-8000-000000000000' }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatenApiError);
    const apiError = error as PlatenApiError;
    expect(apiError).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect(apiError.issues.map((issue) => issue.path)).toContain('mockup_uuid');
    expect(apiError.request_id).toMatch(/\S/);
  });

  it('throws INVALID_API_KEY for a key Platen does not know', async () => {
    const stranger = createPlatenClient({ baseUrl: stack!.gatewayUrl, apiKey: `sm_${'A'.repeat(64)}` });
    await expect(stranger.mockups.listPage()).rejects.toMatchObject({ status: 401, code: 'INVALID_API_KEY' });
  });

  it('verifies a real webhook delivery with the account secret, and refuses it once altered', async () => {
    const { secret } = await client().webhooks.secret();
    const render = await client().renders.create(posterRender({ webhook_url: `${receiver!.origin}/platen` }));
    const delivery = await waitFor(() => receiver!.received('/platen')[0], {
      timeoutMs: 120_000,
      what: 'the render.succeeded delivery',
    });

    const event = await client().webhooks.verify<Render>(delivery.headers, delivery.body, secret);
    expect(event.type).toBe('render.succeeded');
    expect(event.data.uuid).toBe(render.uuid);
    await expect(
      client().webhooks.verify(delivery.headers, delivery.body.replace(render.uuid, POSTER), secret),
    ).rejects.toThrow(WebhookVerificationError);
  }, 180_000);

  it('registers, lists, reads and deletes a webhook endpoint, and rotates the account secret', async () => {
    const created = await client().webhooks.create({
      url: `${receiver!.origin}/endpoint`,
      events: ['render.succeeded', 'mockup.ready'],
    });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = [];
    for await (const endpoint of client().webhooks.list()) listed.push(endpoint.id);
    expect(listed).toEqual([created.id]);
    expect((await client().webhooks.get(created.id)).events).toEqual(['render.succeeded', 'mockup.ready']);
    expect(await client().webhooks.delete(created.id)).toEqual({ id: created.id, deleted: true });
    await expect(client().webhooks.get(created.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const before = await client().webhooks.secret();
    const rotated = await client().webhooks.rotateSecret();
    expect(rotated.secret).not.toBe(before.secret);
    expect(rotated.previous_secret_expires_at).not.toBeNull();
  });

  it('uploads a PSD as a stream and waits for its import', async () => {
    const psd = await makeTestPsd({
      width: 400,
      height: 300,
      smartObjects: [{ name: 'Screen', x: 50, y: 50, width: 200, height: 150 }],
    });
    const mockup = await client().mockups.upload(new Blob([new Uint8Array(psd)]), {
      name: 'Client upload',
      filename: 'screen.psd',
      wait: 120,
    });

    expect(mockup).toMatchObject({ name: 'Client upload', status: 'ready', built_in: false });
    expect(mockup.smart_objects.map((so) => so.name)).toEqual(['Screen']);
  }, 180_000);

  it('meets a real 429: waits the Retry-After Platen sends, then reports it when retries are spent', async () => {
    const limited = (await stack!.admin.createKey(accountId, { rate_limits: { per_minute: 1 } })).key;
    const sleeps: number[] = [];
    const limitedClient = createPlatenClient({
      baseUrl: stack!.gatewayUrl,
      apiKey: limited,
      retry: { maxRetries: 1 },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    await limitedClient.mockups.listPage();
    const error = (await limitedClient.mockups.listPage().catch((e: unknown) => e)) as PlatenApiError;

    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMIT_EXCEEDED', details: { window: '60s' } });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]! / 1000).toBeGreaterThanOrEqual(error.retryAfterSeconds! - 1);
    expect(sleeps[0]! / 1000).toBeLessThanOrEqual(60);
  });

  it('generates its types from the very document this gateway serves', async () => {
    const served: unknown = await (await fetch(`${stack!.gatewayUrl}/openapi.json`)).json();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { servedOpenApiDocument } from './packages/client/scripts/served-openapi.mjs'; process.stdout.write(JSON.stringify(await servedOpenApiDocument()));",
      ],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(JSON.parse(stdout)).toEqual(served);
  });

  it('runs the docs/client.md quick start as written and prints the render’s status and image link', async () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/client.md'), 'utf8');
    const code = /```js\n([\s\S]*?)\n```/.exec(doc.slice(doc.indexOf('## Quick start')))?.[1];
    expect(code).toContain("from '@platen/client'");
    // Where a reader saves it: inside the checkout, so that `@platen/client` resolves to the workspace.
    await ensureWorkspaceBuilt({ workspace: 'packages/client', timeoutMs: 300_000 });
    mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    const dir = mkdtempSync(path.join(REPO_ROOT, 'test-artifacts', 'client-quick-start-'));
    try {
      writeFileSync(path.join(dir, 'quick-start.mjs'), code!);
      const { port } = artworkServer!.address() as AddressInfo;
      const { stdout } = await promisify(execFile)(process.execPath, ['quick-start.mjs'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          PLATEN_URL: stack!.gatewayUrl,
          PLATEN_KEY: apiKey,
          ARTWORK_URL: `http://127.0.0.1:${port}/art.png`,
        },
        timeout: 150_000,
      });
      expect(stdout.trim()).toMatch(new RegExp(`^succeeded ${stack!.gatewayUrl}/files/\\S+$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 320_000);
});
