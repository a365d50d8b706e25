// A template small enough to install and render in milliseconds, installed as a built-in.
import type { SampleTemplate } from '@platen/compositor';
import { createDemoArtwork } from '@platen/compositor';

export const TINY_ID = '5a0c2e7d-41b6-4f0e-8d3a-6c9b1e2f3a01';
export const TINY_SO = '5a0c2e7d-41b6-4f0e-8d3a-6c9b1e2f3a11';

export async function tinyTemplate(): Promise<SampleTemplate> {
  return {
    uuid: TINY_ID,
    slug: 'tiny-worker-frame',
    name: 'Tiny worker frame',
    manifest: {
      width: 120,
      height: 80,
      layers: [
        { type: 'image', name: 'Base', asset: 'base.png' },
        {
          type: 'smart_object',
          uuid: TINY_SO,
          name: 'Picture',
          layer_name: 'Picture artwork',
          size: { width: 60, height: 60 },
          position: { x: 30, y: 10, width: 60, height: 60 },
          quad: null,
          blend_mode: 'multiply',
        },
      ],
    },
    assets: new Map([['base.png', await createDemoArtwork(120, 80)]]),
    thumbnail: await createDemoArtwork(48, 32),
  };
}
