// The four built-in sample mockups in the public shape of docs/api.md, with the uuids, slugs and smart
// objects of packages/compositor's samples. Tests install these rows directly instead of letting the
// gateway generate the samples' images (tens of seconds per suite); see mockup-rows.ts.
import type { Mockup } from '@platen/contracts';

type SmartObject = Mockup['smart_objects'][number];
/** Each sample smart object is drawn once: its one placement is its own layer, position and quad. */
const placedOnce = (so: Omit<SmartObject, 'placements'>): SmartObject => ({
  ...so,
  placements: [{ layer_name: so.layer_name, position: so.position, quad: so.quad }],
});

const BUILT_IN_AT = '2025-01-01T00:00:00.000Z';
/** The t-shirt's fabric colours (packages/compositor/src/samples/t-shirt.ts). */
const SHIRT_COLORS = [
  '#ffffff',
  '#222222',
  '#9a9a9a',
  '#1f2a44',
  '#b3262e',
  '#2f5d3a',
  '#2c5fb3',
  '#d8c7a5',
  '#6b1f2e',
];

const SAMPLES: readonly (Omit<Mockup, 'smart_objects'> & {
  smart_objects: Omit<SmartObject, 'placements'>[];
})[] = [
  {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01',
    slug: 'poster-on-wall',
    name: 'Framed poster on a wall',
    width: 2000,
    height: 1500,
    thumbnail: null,
    outline: null,
    smart_objects: [
      {
        uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11',
        name: 'Poster',
        layer_name: 'Poster artwork',
        size: { width: 1800, height: 2400 },
        position: { x: 784, y: 320, width: 427, height: 710 },
        quad: [
          [784.59, 320.43],
          [1210.37, 344.89],
          [1210.37, 1005.11],
          [784.59, 1029.57],
        ],
        blend_mode: 'normal',
        required: true,
        color: null,
        print_area: { width_mm: 300, height_mm: 400 },
      },
    ],
    status: 'ready',
    built_in: true,
    error: null,
    warnings: [],
    created_at: BUILT_IN_AT,
  },
  {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e02',
    slug: 't-shirt',
    name: 'T-shirt in a product colour',
    width: 1600,
    height: 2000,
    thumbnail: null,
    outline: null,
    smart_objects: [
      {
        uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e12',
        name: 'Front print',
        layer_name: 'Front print',
        size: { width: 1200, height: 1500 },
        position: { x: 540, y: 545, width: 520, height: 650 },
        quad: null,
        blend_mode: 'normal',
        required: true,
        color: { default: '#ffffff', allowed: SHIRT_COLORS },
        print_area: { width_mm: 304.8, height_mm: 381 },
      },
    ],
    status: 'ready',
    built_in: true,
    error: null,
    warnings: [],
    created_at: BUILT_IN_AT,
  },
  {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e03',
    slug: 'tablet-at-angle',
    name: 'Tablet on a desk',
    width: 2000,
    height: 1500,
    thumbnail: null,
    outline: null,
    smart_objects: [
      {
        uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e13',
        name: 'Screen',
        layer_name: 'Screen content',
        size: { width: 1536, height: 2048 },
        position: { x: 641, y: 184, width: 729, height: 1056 },
        quad: [
          [821.94, 184.21],
          [1369.61, 262.05],
          [1298.98, 1239.04],
          [641.98, 1135.99],
        ],
        blend_mode: 'normal',
        required: true,
        color: null,
        print_area: { width_mm: 147.78, height_mm: 197.04 },
      },
    ],
    status: 'ready',
    built_in: true,
    error: null,
    warnings: [],
    created_at: BUILT_IN_AT,
  },
  {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e04',
    slug: 'mug',
    name: 'Ceramic mug',
    width: 2000,
    height: 1500,
    thumbnail: null,
    outline: null,
    smart_objects: [
      {
        uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e14',
        name: 'Wrap print',
        layer_name: 'Mug print',
        size: { width: 1300, height: 1000 },
        position: { x: 668, y: 549, width: 584, height: 593 },
        quad: null,
        blend_mode: 'normal',
        required: true,
        color: null,
        print_area: { width_mm: 208, height_mm: 160 },
      },
    ],
    status: 'ready',
    built_in: true,
    error: null,
    warnings: [],
    created_at: BUILT_IN_AT,
  },
];

export const BUILTIN_MOCKUPS: readonly Mockup[] = SAMPLES.map((mockup) => ({
  ...mockup,
  smart_objects: mockup.smart_objects.map(placedOnce),
}));
