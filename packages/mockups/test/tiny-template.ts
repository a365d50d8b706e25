// A template small enough to install and render in milliseconds, shaped like a compositor sample.
import type { SampleTemplate } from '@platen/compositor';
import { createDemoArtwork } from '@platen/compositor';

export const TINY_ID = '0b7e4c1a-5d2f-4e8a-9c3b-7a1d2e3f4a01';
export const TINY_SMART_OBJECT_ID = '0b7e4c1a-5d2f-4e8a-9c3b-7a1d2e3f4a11';

export async function tinyTemplate(
  overrides: { name?: string; baseWidth?: number } = {},
): Promise<SampleTemplate> {
  return {
    uuid: TINY_ID,
    slug: 'tiny-test-frame',
    name: overrides.name ?? 'Tiny test frame',
    manifest: {
      width: 64,
      height: 48,
      layers: [
        { type: 'image', name: 'Base', asset: 'base.png' },
        {
          type: 'smart_object',
          uuid: TINY_SMART_OBJECT_ID,
          name: 'Picture',
          layer_name: 'Picture artwork',
          size: { width: 32, height: 32 },
          position: { x: 16, y: 8, width: 32, height: 32 },
          quad: null,
          blend_mode: 'multiply',
        },
      ],
    },
    assets: new Map([['base.png', await createDemoArtwork(overrides.baseWidth ?? 64, 48)]]),
    thumbnail: await createDemoArtwork(32, 24),
  };
}
