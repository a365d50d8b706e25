// A worker started on a database without built-in mockups installs them before taking jobs, and a
// real built-in sample then renders with base64 artwork.
import { createDemoArtwork, listSampleTemplates } from '@platen/compositor';
import { createLogger } from '@platen/http';
import { renderResultKey } from '@platen/storage';
import sharp from 'sharp';
import { startRenderService, type RunningRenderService } from '../src/render-service.js';
import { inlineInput, startHarness, type Harness } from './support/harness.js';
import { serviceConfig } from './support/service-config.js';

let harness: Harness;
let service: RunningRenderService;

beforeAll(async () => {
  harness = await startHarness('worker-builtin', { installTinyTemplate: false });
  await harness.worker.pause();
  // Generating the samples is the slow part (procedural textures, once per process).
  service = await startRenderService(serviceConfig(harness), {
    logger: createLogger({ name: 'render-worker-test', level: 'silent' }),
    kernelThreads: 0,
    metricsHost: '127.0.0.1',
  });
}, 300_000);

afterAll(async () => {
  await service?.close();
  await harness?.close();
});

it('installs every built-in mockup at start when none is installed yet', async () => {
  const installed = await harness.db
    .selectFrom('renders.mockups')
    .select('id')
    .where('account_id', 'is', null)
    .where('status', '=', 'ready')
    .execute();

  expect(installed.map((row) => row.id).sort()).toEqual(
    (await listSampleTemplates()).map((s) => s.uuid).sort(),
  );
});

it('renders the poster-on-wall built-in with base64 artwork into a JPEG of the requested size', async () => {
  const poster = (await listSampleTemplates()).find((sample) => sample.slug === 'poster-on-wall')!;
  const smartObject = poster.manifest.layers.find((layer) => layer.type === 'smart_object') as {
    uuid: string;
  };
  const renderId = await harness.submit({
    mockupId: poster.uuid,
    inputs: [inlineInput(smartObject.uuid)],
    inline: { [smartObject.uuid]: await createDemoArtwork(600, 800) },
    exportOptions: { format: 'jpeg', size: 800, quality: 85 },
  });

  const row = await harness.waitUntilFinal(renderId, { timeoutMs: 60_000 });

  expect(row).toMatchObject({
    status: 'succeeded',
    result_key: renderResultKey(renderId, 'jpeg'),
    result_width: 800,
  });
  const stored = await harness.storage.get(row.result_key!);
  const { width, height, format } = await sharp(stored!.body).metadata();
  expect({ width, height, format }).toEqual({
    width: 800,
    height: Math.round((800 * poster.manifest.height) / poster.manifest.width),
    format: 'jpeg',
  });
  expect(row.result_height).toBe(height);
}, 90_000);
