// Print files end to end (issue #24), on real processes (built key-service, gateway, one
// render-worker): a render of the poster built-in asking for a print file answers with it under
// result.print_files; its signed URL serves, without an API key, the artwork as printed (the
// poster's 300 × 400 mm at the asked dpi, that dpi in the PNG, a contained square over the
// background colour); a tampered URL serves nothing, and another account cannot see the render.
import sharp from 'sharp';
import { startFaultStack, STACK_START_TIMEOUT_MS, type FaultStack } from './faults/support/fault-stack.js';

jest.setTimeout(180_000);

const POSTER = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const POSTER_ART = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';

interface PrintFileView {
  smart_object_uuid: string;
  url: string;
  width: number;
  height: number;
  dpi: number;
}
interface RenderView {
  uuid: string;
  status: string;
  credits_charged: number;
  result: { url: string; print_files: PrintFileView[] } | null;
}

let stack: FaultStack | undefined;

beforeAll(async () => {
  stack = await startFaultStack({ label: 'print-files', workers: 1, workerConcurrency: 1 });
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack?.teardown();
}, 60_000);

async function client(credits: number) {
  const accountId = await stack!.admin.createAccount(credits);
  const { key } = await stack!.admin.createKey(accountId);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack!.gatewayUrl}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(90_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { accountId, call };
}

/** The pixels per inch of a PNG's pHYs chunk (undefined: none before the image data). */
function pngDpi(png: Buffer): number | undefined {
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'pHYs' && png[at + 16] === 1) return Math.round(png.readUInt32BE(at + 8) * 0.0254);
    if (type === 'IDAT') return undefined;
    at += 12 + length;
  }
  return undefined;
}

it('serves a render’s print file at its signed URL, and only its owner sees the render', async () => {
  const owner = await client(100);
  const artwork = await sharp({ create: { width: 48, height: 48, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  const created = await owner.call('POST', '/api/v1/renders?wait=60', {
    mockup_uuid: POSTER,
    smart_objects: [
      {
        uuid: POSTER_ART,
        asset: { data: artwork.toString('base64'), fit: 'contain', background: '#0000ff' },
      },
    ],
    print_files: [{ smart_object_uuid: POSTER_ART, dpi: 72 }],
  });
  expect([200, 202]).toContain(created.status);
  let render = created.body.data as RenderView;
  for (let i = 0; i < 600 && render.status !== 'succeeded' && render.status !== 'failed'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    render = (await owner.call('GET', `/api/v1/renders/${render.uuid}`)).body.data as RenderView;
  }
  expect(render.status).toBe('succeeded');
  // 2000 × 1500 mockup (1 credit) and 850 × 1134 px print file (1 credit).
  expect(render.credits_charged).toBe(2);

  // 300 × 400 mm at 72 dpi.
  const [file] = render.result!.print_files;
  expect(file).toMatchObject({ smart_object_uuid: POSTER_ART, width: 850, height: 1134, dpi: 72 });
  const fetched = await fetch(file!.url, { signal: AbortSignal.timeout(30_000) });
  expect(fetched.status).toBe(200);
  expect(fetched.headers.get('content-type')).toBe('image/png');
  const png = Buffer.from(await fetched.arrayBuffer());
  expect(pngDpi(png)).toBe(72);
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([850, 1134]);
  // The square contained in 850 × 1134: 850 px tall, centred (rows 142 to 991), blue above and below.
  const at = (x: number, y: number) => [...data.subarray((y * 850 + x) * 4, (y * 850 + x) * 4 + 4)];
  for (const y of [0, 141, 992, 1133]) expect(at(425, y)).toEqual([0, 0, 255, 255]);
  for (const [x, y] of [
    [0, 142],
    [849, 142],
    [425, 567],
    [0, 991],
    [849, 991],
  ] as const) {
    expect(at(x, y)).toEqual([255, 0, 0, 255]);
  }

  const tampered = new URL(file!.url);
  tampered.searchParams.set('signature', 'x'.repeat(43));
  expect((await fetch(tampered, { signal: AbortSignal.timeout(30_000) })).status).toBeGreaterThanOrEqual(400);

  const stranger = await client(10);
  const seen = await stranger.call('GET', `/api/v1/renders/${render.uuid}`);
  expect(seen.status).toBe(404);
  expect(seen.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
});
