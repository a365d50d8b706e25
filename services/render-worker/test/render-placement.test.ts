// A request's placement rendered for real: a body as a SudoMock / Dynamic Mockups client writes it
// goes through the contract and the stored form the gateway writes, a real BullMQ worker renders it
// into the tiny template (120×80 demo base, a 60×60 smart object at (30, 10) drawn with multiply),
// and the result equals sharp composing the same design canvas by hand.
import { createDemoArtwork } from '@platen/compositor';
import { createRenderRequestSchema } from '@platen/contracts';
import { toStoredRenderInput } from '@platen/mockups';
import sharp from 'sharp';
import { startHarness, type Harness } from './support/harness.js';
import { TINY_ID, TINY_SO } from './support/tiny-template.js';

jest.setTimeout(60_000);

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('worker-placement');
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function renderPixels(artwork: Buffer, item: Record<string, unknown>): Promise<Buffer> {
  const request = createRenderRequestSchema.parse({
    mockup_uuid: TINY_ID,
    smart_objects: [
      { uuid: TINY_SO, ...item, asset: { data: artwork.toString('base64'), ...(item.asset as object) } },
    ],
  });
  const renderId = await harness.submit({
    inputs: request.smart_objects.map(toStoredRenderInput),
    inline: { [TINY_SO]: artwork },
  });
  const row = await harness.waitUntilFinal(renderId);
  expect(row.status).toBe('succeeded');
  const stored = await harness.storage.get(row.result_key!);
  return sharp(stored!.body).ensureAlpha().raw().toBuffer();
}

/** The template with a 60×60 design canvas multiplied onto its smart object. */
async function expected(design: Buffer): Promise<Buffer> {
  return sharp(await createDemoArtwork(120, 80))
    .composite([{ input: design, left: 30, top: 10, blend: 'multiply' }])
    .ensureAlpha()
    .raw()
    .toBuffer();
}

function maxDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

it('draws the artwork at asset.size and asset.position over the background, and only there', async () => {
  const artwork = await createDemoArtwork(40, 30);
  const placed = await renderPixels(artwork, {
    asset: {
      fit: 'stretch',
      size: { width: 24, height: 18 },
      position: { top: 6, left: 30 },
      background: '#ffffff',
    },
  });
  const design = await sharp({ create: { width: 60, height: 60, channels: 3, background: '#ffffff' } })
    .composite([
      { input: await sharp(artwork).resize(24, 18, { fit: 'fill' }).png().toBuffer(), left: 30, top: 6 },
    ])
    .png()
    .toBuffer();
  expect(maxDifference(placed, await expected(design))).toBeLessThanOrEqual(2);

  // The same artwork without a placement fills the whole smart object instead.
  const filled = await renderPixels(artwork, { asset: { fit: 'fill' } });
  expect(maxDifference(filled, placed)).toBeGreaterThan(50);
});

it('tiles a Dynamic Mockups pattern and applies its adjustment layers to the artwork', async () => {
  const artwork = await createDemoArtwork(30, 20);
  const out = await renderPixels(artwork, {
    asset: { background: '#ffffff' },
    pattern: { enabled: true, scale_percent: 25 },
    adjustment_layers: { opacity: 50 },
  });
  // 25 % of 60 px: 15 × 10 px tiles from the corner, at half opacity over white.
  const tile = await sharp(artwork)
    .resize(15, 10, { fit: 'fill' })
    .removeAlpha()
    .ensureAlpha(0.5)
    .png()
    .toBuffer();
  const design = await sharp({ create: { width: 60, height: 60, channels: 3, background: '#ffffff' } })
    .composite([{ input: tile, tile: true, gravity: 'northwest' }])
    .png()
    .toBuffer();
  expect(maxDifference(out, await expected(design))).toBeLessThanOrEqual(2);
});
