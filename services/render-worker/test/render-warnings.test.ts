// A succeeded render says what it could not do well: artwork that fit "cover" cropped a lot of,
// artwork enlarged well past its own pixels, an output larger than the template. Rendered for real
// into the tiny template (120×80 canvas, one 60×60 smart object) and read back as the API shows it.
import { createDemoArtwork } from '@platen/compositor';
import type { RenderWarning } from '@platen/contracts';
import { toPublicRender } from '@platen/mockups';
import { inlineInput, startHarness, type Harness } from './support/harness.js';
import { TINY_SO } from './support/tiny-template.js';

jest.setTimeout(60_000);

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('worker-warnings');
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function render(
  artwork: Buffer,
  fit: 'cover' | 'contain' | 'fill',
  exportOptions: Record<string, unknown> = { format: 'png', quality: 90 },
): Promise<RenderWarning[]> {
  const renderId = await harness.submit({
    inputs: [{ ...inlineInput(TINY_SO), asset: { url: null, fit, rotate: 0 } }],
    inline: { [TINY_SO]: artwork },
    exportOptions,
  });
  const row = await harness.waitUntilFinal(renderId);
  expect(row.status).toBe('succeeded');
  return (row.result_warnings ?? []) as RenderWarning[];
}

describe('fit "cover"', () => {
  it('warns ARTWORK_CROPPED with the share cut off when a 2:1 artwork fills the square smart object', async () => {
    const warnings = await render(await createDemoArtwork(120, 60), 'cover');

    expect(warnings).toEqual([
      {
        code: 'ARTWORK_CROPPED',
        smart_object_uuid: TINY_SO,
        message: expect.stringContaining('cut 50% of the artwork') as unknown,
      },
    ]);
    expect(warnings[0]!.message).toContain('fit "contain"');
  });

  it('warns with the exact share for a 4:3 artwork (25%)', async () => {
    const warnings = await render(await createDemoArtwork(80, 60), 'cover');

    expect(warnings.map((w) => w.code)).toEqual(['ARTWORK_CROPPED']);
    expect(warnings[0]!.message).toContain('cut 25% of the artwork');
  });

  it('does not warn when the artwork has the smart object’s aspect ratio', async () => {
    expect(await render(await createDemoArtwork(60, 60), 'cover')).toEqual([]);
  });
});

it('does not warn for the same wide artwork with fit "contain" (nothing is cut)', async () => {
  expect(await render(await createDemoArtwork(120, 60), 'contain')).toEqual([]);
});

describe('the output size', () => {
  it('warns UPSCALED_PAST_TEMPLATE, naming the native size, when export size exceeds the template', async () => {
    const warnings = await render(await createDemoArtwork(120, 120), 'cover', {
      format: 'png',
      size: 240,
      quality: 90,
    });

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'UPSCALED_PAST_TEMPLATE' });
    expect(warnings[0]).not.toHaveProperty('smart_object_uuid');
    expect(warnings[0]!.message).toContain('native 120×80 px');
    expect(warnings[0]!.message).toContain('at most 120');
  });

  it('does not warn for an export size within the template’s own', async () => {
    expect(
      await render(await createDemoArtwork(120, 120), 'cover', { format: 'png', size: 120, quality: 90 }),
    ).toEqual([]);
  });
});

it('warns ARTWORK_UPSCALED, with the factor and the size to send, for artwork a third of its place', async () => {
  const warnings = await render(await createDemoArtwork(20, 20), 'cover');

  expect(warnings).toEqual([
    {
      code: 'ARTWORK_UPSCALED',
      smart_object_uuid: TINY_SO,
      message: expect.stringContaining('enlarged 3.0×') as unknown,
    },
  ]);
  expect(warnings[0]!.message).toContain('at least 60×60 px');
});

it('shows the warnings in the public render (API answers and webhook payloads)', async () => {
  const renderId = await harness.submit({
    inputs: [inlineInput(TINY_SO)],
    inline: { [TINY_SO]: await createDemoArtwork(20, 20) },
  });
  await harness.waitUntilFinal(renderId);
  const row = await harness.db
    .selectFrom('renders.renders')
    .selectAll()
    .where('id', '=', renderId)
    .executeTakeFirstOrThrow();

  const render = await toPublicRender(row, harness.storage, 60);

  expect(render.result?.warnings).toEqual([expect.objectContaining({ code: 'ARTWORK_UPSCALED' })]);
});
