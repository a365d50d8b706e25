#!/usr/bin/env node
// Smoke run of the built page in a real browser: serves dist/web with the in-memory fake API
// (fake-api.mjs), then drives Debian's Chromium through sign up → create a key → revoke it, visits
// every screen (desktop and 375 px wide) and saves screenshots to test-artifacts/dashboard/.
// Fails on a broken step, a console error, or any request leaving 127.0.0.1.
//
//   npm run build && node packages/dashboard/scripts/smoke.mjs [--serve]
//   (--serve: only start the fake and print its address, for poking at the page by hand)
/* global fetch, document, window -- document and window only inside page.evaluate callbacks */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { cacheControlFor, dashboardWebRoot } from '../dist/index.js';
import { createFakeDashboard } from './fake-api.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const shots = path.join(repoRoot, 'test-artifacts', 'dashboard');
const webRoot = dashboardWebRoot();
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** A small PNG drawn here (a diagonal gradient), to upload as artwork. */
function gradientPng(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buffer) => {
    let c = 0xffffffff;
    for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set([(x * 255) / width, (y * 255) / height, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function main() {
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    throw new Error(`${webRoot}/index.html is missing: run npm run build first`);
  }
  const fake = createFakeDashboard({ webRoot, cacheControlFor });
  const origin = await fake.listen();
  if (process.argv.includes('--serve')) {
    console.log(`dashboard: ${origin}/dashboard/  (Ctrl-C to stop)`);
    return;
  }
  await mkdir(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const problems = [];
  const watch = (page, label) => {
    page.on('console', (message) => {
      // A 401 for /me before login is expected: the browser logs failed fetches as console errors.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) {
        problems.push(`${label} console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`${label} page error: ${error.message}`));
  };
  const keepLocal = async (context) => {
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
        return route.continue();
      problems.push(`request left the machine: ${url.href}`);
      return route.abort();
    });
  };
  const shot = async (page, name) => {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    console.log(`  screenshot ${name}.png`);
  };

  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await keepLocal(context);
    const page = await context.newPage();
    watch(page, 'desktop');

    console.log('login screen');
    await page.goto(`${origin}/dashboard/`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password', { exact: true }).fill('wrong password!');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').getByText('Wrong email or password').waitFor();
    await shot(page, '01-login-error');

    console.log('sign up');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/dashboard/signup');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').getByText('at least 12 characters').waitFor();
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await shot(page, '02-signup');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/dashboard/keys');
    await page.getByRole('row', { name: /Production server/ }).waitFor();
    await shot(page, '03-keys');

    console.log('create a key');
    const createButton = page.getByRole('button', { name: 'Create key' });
    await createButton.click();
    let dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.waitFor();
    // Keyboard: the name field has focus, Escape closes and focus returns to the opener.
    assert.equal(await dialog.getByLabel('Name').evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await createButton.evaluate((el) => el === document.activeElement), true);
    await createButton.click();
    dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByRole('alert').getByText('Give the key a name').waitFor();
    await dialog.getByLabel('Name').fill('Smoke test key');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const keyField = dialog.getByLabel('New API key value');
    await keyField.waitFor();
    const key = await keyField.inputValue();
    assert.match(key, /^sm_[A-Za-z0-9]{64}$/);
    await dialog.getByText('you will not see it again').waitFor();
    await dialog.getByRole('button', { name: 'Copy' }).waitFor();
    await shot(page, '04-key-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /Smoke test key/ });
    await row.getByText('active').waitFor();
    assert.ok((await row.textContent()).includes(key.slice(0, 11)), 'the row shows the key hint');

    console.log('revoke it');
    await row.getByRole('button', { name: 'Revoke' }).click();
    dialog = page.getByRole('dialog', { name: 'Revoke API key' });
    await dialog.getByText('cannot be undone').waitFor();
    await shot(page, '05-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('revoked').waitFor();
    assert.equal(await row.getByRole('button', { name: 'Revoke' }).count(), 0);
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('row', { name: /Production server/ }).waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /Smoke test key/ }).waitFor();
    await shot(page, '06-keys-revoked-filter');
    await page.getByLabel('Status').selectOption('');

    console.log('rotate');
    await page
      .getByRole('row', { name: /Laptop/ })
      .getByRole('button', { name: 'Rotate' })
      .click();
    dialog = page.getByRole('dialog', { name: 'Rotate API key' });
    await dialog.getByLabel('Grace period for the old key').selectOption('3600');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('dialog', { name: 'New API key' }).getByLabel('New API key value').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

    console.log('usage');
    await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('img', { name: /per day/ }).waitFor();
    await page.locator('.uplot canvas').first().waitFor();
    await page.getByText('100 requests per minute').waitFor();
    await shot(page, '07-usage');
    await page.getByLabel('Show').selectOption('stacked');
    await page.getByRole('img', { name: 'Requests per day, stacked by key' }).waitFor();
    await shot(page, '08-usage-stacked');

    console.log('credits');
    await page.getByRole('navigation').getByRole('link', { name: 'Credits' }).click();
    await page.getByText('credits left').waitFor();
    await page.getByRole('cell', { name: '+100' }).waitFor();
    await page.getByRole('heading', { name: 'Getting more credits' }).waitFor();
    assert.match(
      await page.getByLabel('top-up command').innerText(),
      /^npm run platen -- credits add --account \S+@\S+ --amount \d+$/,
    );
    await shot(page, '09-credits');

    console.log('renders');
    await page.getByRole('navigation').getByRole('link', { name: 'Renders' }).click();
    const thumbs = page.locator('img.thumb');
    await thumbs.first().waitFor();
    // decode() settles once the image has loaded, and rejects for a broken one.
    await thumbs.first().evaluate((img) => img.decode());
    await page.getByText('ASSET_FETCH_FAILED').waitFor();
    await shot(page, '10-renders');
    await page
      .getByRole('button', { name: /View render/ })
      .first()
      .click();
    dialog = page.getByRole('dialog', { name: /Render / });
    await dialog.getByRole('link', { name: 'Open full size' }).waitFor();
    await dialog.getByText('Attempt log', { exact: true }).click();
    await dialog.getByText('HTTP 503').first().waitFor();
    await shot(page, '11-render-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).pathname, '/dashboard/renders');

    console.log('mockups and try it');
    await page.getByRole('navigation').getByRole('link', { name: 'Mockups' }).click();
    await page.getByRole('img', { name: 'Smart objects: Poster' }).waitFor();
    await page.waitForFunction(() =>
      [...document.images].every((img) => img.complete && img.naturalWidth > 0),
    );
    await shot(page, '12-mockups');
    await page.getByRole('link', { name: 'Try Bedroom poster' }).click();
    await page.getByRole('heading', { name: 'Try Bedroom poster' }).waitFor();
    const price = page.locator('#size-price');
    assert.equal(await price.textContent(), '1200 × 900 px · 1 credit', 'the price at the template size');
    await page.getByLabel('Size (px, optional)').fill('4000');
    assert.equal(
      await price.textContent(),
      '4000 × 3000 px · 3 credits · larger than the template: no extra detail',
      'the price follows the size',
    );
    await page.getByLabel('Size (px, optional)').fill('');
    await page.getByRole('button', { name: 'Render' }).click();
    await page.getByRole('alert').getByText('Choose an image for Poster').waitFor();
    await page.getByLabel('Artwork for Poster').setInputFiles({
      name: 'gradient.png',
      mimeType: 'image/png',
      buffer: gradientPng(64, 48),
    });
    await page.getByRole('button', { name: 'Render' }).click();
    await page.getByRole('img', { name: /^Result:/ }).waitFor();
    const curl = await page.getByLabel('curl command').textContent();
    assert.ok(curl.includes(`${origin}/api/v1/renders?wait=30`), 'curl names the public endpoint');
    assert.ok(curl.includes('"url": "https://example.com/your-artwork.png"'), 'curl has no base64');
    await page.getByRole('list', { name: 'Render warnings' }).getByText('fit "cover" cut 44%').waitFor();
    await shot(page, '13-try-it-result');
    await page.getByRole('link', { name: '← All mockups' }).click();
    await page.getByRole('link', { name: 'Try White t-shirt' }).click();
    assert.equal(
      await page.getByLabel('Product colour for Chest print').inputValue(),
      '#ffffff',
      'the colour picker starts at the product colour',
    );
    assert.equal(await page.getByLabel('Product colour for Pocket').count(), 0, 'no colour where none');
    await shot(page, '13b-try-it-colour');

    console.log('webhooks');
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Signing secret').waitFor();
    assert.ok(
      (await page.getByLabel('Signing secret').inputValue()).includes('•'),
      'the secret starts hidden',
    );
    await page.getByRole('button', { name: 'Show' }).click();
    assert.match(await page.getByLabel('Signing secret').inputValue(), /^whsec_/);
    await page.getByRole('button', { name: 'Recent deliveries' }).click();
    await page.getByText('render.succeeded', { exact: true }).first().waitFor();
    await shot(page, '14-webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    dialog = page.getByRole('dialog', { name: 'New webhook endpoint' });
    await dialog.getByLabel('Endpoint URL').fill('https://example.com/hook');
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();
    const endpointSecret = await dialog.getByLabel('Endpoint signing secret').inputValue();
    assert.match(endpointSecret, /^whsec_/);
    await shot(page, '15-webhook-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Delete endpoint https://example.com/hook' }).click();
    await page
      .getByRole('dialog', { name: 'Delete webhook endpoint' })
      .getByRole('button', { name: 'Delete endpoint' })
      .click();
    await page
      .getByRole('button', { name: 'Delete endpoint https://example.com/hook' })
      .waitFor({ state: 'detached' });

    console.log('phone width (375 px)');
    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      storageState: await context.storageState(),
    });
    await keepLocal(phone);
    const small = await phone.newPage();
    watch(small, 'phone');
    for (const [section, name] of [
      ['keys', '20-phone-keys'],
      ['usage', '21-phone-usage'],
      ['renders', '22-phone-renders'],
      ['mockups', '23-phone-mockups'],
      ['webhooks', '24-phone-webhooks'],
    ]) {
      await small.goto(`${origin}/dashboard/${section}`);
      await small.getByRole('heading', { level: 1 }).waitFor();
      await small.waitForLoadState('networkidle');
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${section} is wider than the phone screen by ${overflow} px`);
      await shot(small, name);
    }
    await small.goto(`${origin}/dashboard/keys`);
    await small.getByRole('button', { name: 'Create key' }).click();
    await small.getByRole('dialog', { name: 'New API key' }).getByLabel('Name').fill('Phone key');
    await small.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    await small.getByLabel('New API key value').waitFor();
    await shot(small, '25-phone-key-created');

    console.log('dark colour scheme');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).click();
    await page.locator('.uplot canvas').first().waitFor();
    await shot(page, '30-dark-usage');
    await page.emulateMedia({ colorScheme: 'light' });

    console.log('session end → login');
    await fetch(`${origin}/__fake/expire-sessions`, { method: 'POST' });
    await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
    await page.getByText('Your session has ended').waitFor();
    assert.equal(new URL(page.url()).pathname, '/dashboard/keys');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('row', { name: /Smoke test key/ }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You are logged out').waitFor();

    assert.deepEqual(problems, [], 'no console errors and no request off the machine');
    console.log(`smoke passed; screenshots in ${path.relative(process.cwd(), shots) || shots}`);
  } finally {
    await browser.close();
    await fake.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
