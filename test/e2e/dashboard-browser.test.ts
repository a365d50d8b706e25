// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the whole
// stack as `npm start` runs it (gateway, key-service, render-worker), attached to this suite's own
// Postgres database and Redis prefix: sign up → create a key → the key works on the API → a render
// made with it shows as a thumbnail → usage is charted → revoke → the key answers 401
// API_KEY_REVOKED → the list shows it revoked. A batch made with the key is listed with its counts
// and archive, and opens with its renders linked to their view.
// Screenshots go to test-artifacts/dashboard-e2e/.
// Needs the build (`npm test` builds first). Nothing here leaves 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServiceTokenSigner } from '@platen/http';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@platen/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';

const REPO_ROOT = resolve(__dirname, '..', '..');
const LAUNCHER = join(REPO_ROOT, 'packages', 'local-stack', 'dist', 'main.js');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'test-artifacts', 'dashboard-e2e');
const SECRET = 'dashboard-e2e-service-secret-of-32-chars!';
const EMAIL = `e2e-${Date.now()}@example.com`;
const PASSWORD = 'a long enough password';
const POSTER = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const POSTER_ARTWORK = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

// .ci/run installs chromium; a developer machine without it skips with this reason (CI never does).
const haveChromium = existsSync(CHROMIUM);
const describeWithBrowser = haveChromium || process.env.CI ? describe : describe.skip;
if (!haveChromium && !process.env.CI) {
  console.warn(`dashboard browser test skipped: ${CHROMIUM} missing (apt-get install chromium)`);
}

jest.setTimeout(240_000);

let database: TestDatabase;
let redis: TestRedis;
let stack: ChildProcess | undefined;
let stackOutput = '';
let dataDir: string;
let base: string;
let keyServiceUrl: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

/** A link of the page's navigation (the header's credit badge is a link too). */
async function nav(name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function ready(url: string): Promise<true | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
}

async function grantCredits(accountId: string, amount: number): Promise<void> {
  const token = await createServiceTokenSigner(SECRET, 'e2e')();
  const response = await fetch(`${keyServiceUrl}/internal/v1/accounts/${accountId}/credits/grant`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount }),
  });
  expect(response.status).toBe(200);
}

describeWithBrowser('the dashboard in Chromium', () => {
  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);
    mkdirSync(SHOTS, { recursive: true });
    database = await createTestDatabase('dashboard-e2e');
    redis = createTestRedis('dashboard-e2e');
    dataDir = mkdtempSync(join(tmpdir(), 'platen-dashboard-e2e-'));
    const [port, keyServicePort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    keyServiceUrl = `http://127.0.0.1:${keyServicePort}`;
    stack = spawn(process.execPath, [LAUNCHER], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        // Every request is logged, so the scan of the logs below means something.
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        SERVICE_JWT_SECRET: SECRET,
        PORT: String(port),
        KEY_SERVICE_PORT: String(keyServicePort),
        METRICS_PORT: String(metricsPort),
        PUBLIC_BASE_URL: base,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout?.on('data', (chunk: Buffer) => (stackOutput += chunk.toString()));
    stack.stderr?.on('data', (chunk: Buffer) => (stackOutput += chunk.toString()));
    await waitFor(
      () => {
        if (stack?.exitCode !== null) throw new Error(`the stack exited:\n${stackOutput}`);
        return ready(`${base}/readyz`);
      },
      { timeoutMs: 180_000, intervalMs: 250, what: 'the stack ready' },
    );

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      // Before signing in, the page asks /me and gets the expected 401.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) {
        consoleErrors.push(`${message.text()} (${message.location().url})`);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/dashboard/api/me')) {
        consoleErrors.push(`${response.status()} ${response.url()}`);
      }
    });
    page.on('request', (request) => {
      if (!request.url().startsWith('http://127.0.0.1:') && !request.url().startsWith('data:')) {
        consoleErrors.push(`request left the machine: ${request.url()}`);
      }
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (stack && stack.exitCode === null) {
      const exited = new Promise((done) => stack!.once('exit', done));
      stack.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000))]);
      if (stack.exitCode === null) stack.kill('SIGKILL');
    }
    await redis?.cleanup();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  let key = '';

  it('signs up and creates a key shown once, which works on the API', async () => {
    await page.goto(`${base}/dashboard`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await shot('01-sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('button', { name: 'Create key' }).click();

    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByLabel('Name').fill('e2e shop');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    key = await dialog.getByLabel('New API key value').inputValue();
    expect(key).toMatch(/^sm_/);
    expect(await dialog.getByText(/will not see/i).isVisible()).toBe(true);
    await shot('02-key-created');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const mockups = await fetch(`${base}/api/v1/mockups`, { headers: { 'X-API-KEY': key } });
    expect(mockups.status).toBe(200);
  });

  it('shows a render made with the key as a thumbnail, and charts the key’s usage', async () => {
    const me = await page.evaluate(async () => (await fetch('/dashboard/api/me')).json());
    await grantCredits((me as { data: { account: { id: string } } }).data.account.id, 5);
    const artwork = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 40, b: 90 } },
    })
      .png()
      .toBuffer();
    const rendered = await fetch(`${base}/api/v1/renders?wait=60`, {
      method: 'POST',
      headers: { 'X-API-KEY': key, 'content-type': 'application/json' },
      body: JSON.stringify({
        mockup_uuid: POSTER,
        // As a data: URI (what a browser's FileReader gives): the gateway strips the prefix.
        smart_objects: [
          { uuid: POSTER_ARTWORK, asset: { data: `data:image/png;base64,${artwork.toString('base64')}` } },
        ],
        export_options: { format: 'jpeg', size: 600 },
      }),
    });
    const render = (
      (await rendered.json()) as {
        data: { uuid: string; status: string; result: { warnings: { code: string; message: string }[] } };
      }
    ).data;
    expect([rendered.status, render.status]).toEqual([200, 'succeeded']);
    // A square 64 px artwork in the 3:4 poster: a quarter cut off by cover, and enlarged.
    expect(render.result.warnings.map((warning) => warning.code).sort()).toEqual([
      'ARTWORK_CROPPED',
      'ARTWORK_UPSCALED',
    ]);
    expect(render.result.warnings.find((w) => w.code === 'ARTWORK_CROPPED')?.message).toContain('cut 25%');

    await nav('Renders');
    const thumbnail = page
      .getByRole('button', { name: `View render ${render.uuid.slice(0, 8)}` })
      .locator('img');
    await thumbnail.waitFor();
    const naturalWidth = () =>
      thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    await waitFor(async () => (await naturalWidth()) > 0 || undefined, {
      timeoutMs: 10_000,
      what: 'the thumbnail loaded',
    });
    await shot('03-renders');

    // The key-service flushes usage counters every 5 s: reload until the chart has data.
    await nav('Usage');
    const requestsCharted = await waitFor(
      async () => {
        await page.reload();
        await page
          .getByRole('img', { name: 'Requests and renders per day, all keys' })
          .waitFor({ timeout: 10_000 });
        const requests = Number((await page.locator('.stat-value').first().innerText()).replace(/\D/g, ''));
        return requests > 0 ? requests : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 2_000, what: 'the usage chart with the key’s requests' },
    );
    expect(requestsCharted).toBeGreaterThanOrEqual(2);
    await shot('04-usage');
  });

  it('lists a batch with its counts and archive, and opens it with each render linked to its view', async () => {
    const artwork = await sharp({
      create: { width: 48, height: 64, channels: 3, background: { r: 30, g: 90, b: 160 } },
    })
      .png()
      .toBuffer();
    const item = { mockup_uuid: POSTER, smart_objects: [{ uuid: POSTER_ARTWORK, artwork: 'front' }] };
    const sent = await fetch(`${base}/api/v1/renders/batch?wait=60`, {
      method: 'POST',
      headers: { 'X-API-KEY': key, 'content-type': 'application/json' },
      body: JSON.stringify({
        artworks: [{ id: 'front', data: artwork.toString('base64') }],
        items: [item, { ...item, export_label: 'second' }],
      }),
    });
    const batch = (
      (await sent.json()) as { data: { uuid: string; status: string; renders: { uuid: string }[] } }
    ).data;
    expect([sent.status, batch.status]).toEqual([200, 'finished']);

    await nav('Batches');
    const row = page.getByRole('row', { name: new RegExp(batch.uuid.slice(0, 8)) });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/finished[\s\S]*2 of 2 succeeded/);
    const archive = row.getByRole('link', { name: 'Download ZIP' });
    expect(await archive.getAttribute('href')).toBe(`/dashboard/api/batches/${batch.uuid}/archive`);
    const zip = await page.evaluate(async (href) => {
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get('content-type') };
    }, `/dashboard/api/batches/${batch.uuid}/archive`);
    expect(zip).toEqual({ status: 200, type: 'application/zip' });
    await shot('04b-batches');

    await row.getByRole('link', { name: `Batch ${batch.uuid.slice(0, 8)}` }).click();
    const dialog = page.getByRole('dialog', { name: `Batch ${batch.uuid.slice(0, 8)}` });
    await dialog.getByText('2 of 2 succeeded').waitFor();
    const first = batch.renders[0]!.uuid;
    await dialog.getByRole('link', { name: `Render ${first.slice(0, 8)}` }).click();
    const renderDialog = page.getByRole('dialog', { name: `Render ${first.slice(0, 8)}` });
    await renderDialog.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dashboard/renders/${first}`);
    await renderDialog.getByRole('button', { name: 'Close' }).click();
    await renderDialog.waitFor({ state: 'detached' });
  });

  it('revokes the key: the API answers 401 API_KEY_REVOKED and the list shows it revoked', async () => {
    await nav('API keys');
    await page.getByRole('button', { name: 'Revoke e2e shop' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke API key' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await page.getByRole('row', { name: /e2e shop.*revoked/i }).waitFor();
    await shot('05-key-revoked');

    const answer = await waitFor(
      async () => {
        const response = await fetch(`${base}/api/v1/mockups`, { headers: { 'X-API-KEY': key } });
        return response.status === 401 ? ((await response.json()) as { code: string }) : undefined;
      },
      { timeoutMs: 5_000, what: 'the revoked key refused' },
    );
    expect(answer.code).toBe('API_KEY_REVOKED');
  });

  it('shows the other screens at desktop and phone width without console errors', async () => {
    for (const [name, link] of [
      ['06-credits', 'Credits'],
      ['07-mockups', 'Mockups'],
      ['08-webhooks', 'Webhooks'],
    ] as const) {
      await nav(link);
      await page.waitForLoadState('networkidle');
      if (link === 'Mockups') {
        const thumbnails = page.getByRole('img', { name: / mockup$/ });
        await thumbnails.first().waitFor();
        const loaded = await thumbnails.evaluateAll((images) =>
          images.map((image) => {
            const { src, naturalWidth } = image as unknown as { src: string; naturalWidth: number };
            return { src: src.slice(0, 60), naturalWidth };
          }),
        );
        expect(loaded).toHaveLength(4);
        expect(loaded.filter((image) => image.naturalWidth === 0)).toEqual([]);
        await tryItShowsPriceAndColour();
        await nav(link);
      }
      await shot(name);
    }
    await page.setViewportSize({ width: 375, height: 800 });
    await nav('API keys');
    await page.waitForLoadState('networkidle');
    await shot('09-keys-phone');
    const overflow = await page.evaluate(() => {
      const view = globalThis as unknown as {
        innerWidth: number;
        document: { documentElement: { scrollWidth: number } };
      };
      return view.document.documentElement.scrollWidth - view.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    expect(consoleErrors).toEqual([]);
  });

  /** The t-shirt's "try it": the price follows the size, the colour picker starts at the product's colour. */
  async function tryItShowsPriceAndColour(): Promise<void> {
    const mockups = (await page.evaluate(async () => (await fetch('/dashboard/api/mockups')).json())) as {
      data: Array<{
        slug: string;
        width: number;
        height: number;
        smart_objects: Array<{ name: string; color: { default: string } | null }>;
      }>;
    };
    const shirt = mockups.data.find((mockup) => mockup.slug === 't-shirt')!;
    const coloured = shirt.smart_objects.find((object) => object.color !== null)!;
    await page.goto(`${base}/dashboard/mockups/t-shirt`);
    const price = page.locator('#size-price');
    await price.waitFor();
    expect(await price.textContent()).toBe(`${shirt.width} × ${shirt.height} px · 1 credit`);
    await page.getByLabel('Size (px, optional)').fill('8000');
    expect(await price.textContent()).toMatch(/^\d+ × \d+ px · \d+ credits · larger than the template/);
    expect(await page.getByLabel(`Product colour for ${coloured.name}`).inputValue()).toBe(
      coloured.color!.default.toLowerCase(),
    );
  }

  it('never wrote the key, its secret part or the password to any service log', () => {
    // The gateway's access log line of the API calls made with the key, by its hint only.
    expect(stackOutput).toMatch(/"path":"\/api\/v1\/mockups".*"key_hint":"sm_/);
    expect(key.length).toBeGreaterThan(20);
    const secretPart = key.slice(key.length - 30);
    for (const secret of [key, secretPart, PASSWORD]) expect(stackOutput).not.toContain(secret);
  });
});
