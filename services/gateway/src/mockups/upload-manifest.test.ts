import type { ApiError } from '@platen/contracts';
import { toTemplateManifest, uploadManifestSchema } from './upload-manifest.js';

const image = { type: 'image', name: 'Photo', asset: 'photo.png' };
const invert = { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {} }] };
const smartObject = {
  type: 'smart_object',
  name: 'Artwork',
  layer_name: 'Artwork',
  size: { width: 10, height: 10 },
  position: { x: 0, y: 0, width: 10, height: 10 },
  quad: null,
};
const group = (layers: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'group',
  name: 'Group',
  layers,
  ...extra,
});
const manifest = (layers: unknown[]) => ({ width: 20, height: 20, layers });

/** Groups nested `depth` deep around one image. */
function nested(depth: number): unknown {
  let layer: unknown = image;
  for (let i = 0; i < depth; i++) layer = group([layer]);
  return layer;
}

const issuesOf = (input: unknown) => {
  const parsed = uploadManifestSchema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('an uploaded manifest', () => {
  it('takes groups (isolated or pass-through) holding images, adjustments and smart objects', () => {
    const parsed = uploadManifestSchema.parse(
      manifest([
        group([image, invert], { blend_mode: 'multiply', opacity: 0.5, mask: { asset: 'mask.png' } }),
        group([smartObject], { pass_through: true }),
      ]),
    );
    const template = toTemplateManifest(parsed);
    const [isolated, passThrough] = template.layers;
    expect(isolated).toMatchObject({
      type: 'group',
      blend_mode: 'multiply',
      opacity: 0.5,
      pass_through: false,
    });
    expect(passThrough).toMatchObject({
      type: 'group',
      pass_through: true,
      blend_mode: 'normal',
      opacity: 1,
    });
    // A smart object inside a group gets its uuid like one at the top level.
    const inner = passThrough?.type === 'group' ? passThrough.layers[0] : undefined;
    expect(inner).toMatchObject({
      type: 'smart_object',
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
  });

  it('takes groups nested 16 deep and refuses 17, naming the group that is one too deep', () => {
    expect(issuesOf(manifest([nested(16)]))).toEqual([]);
    const path = ['layers', '0', ...Array<string>(16).fill('layers.0')].join('.');
    expect(issuesOf(manifest([nested(17)]))).toEqual([{ path, message: 'groups nest at most 16 deep' }]);
  });

  it('refuses a body nested 100,000 deep without parsing it level by level', () => {
    expect(issuesOf(manifest([nested(100_000)]))).toEqual([
      expect.objectContaining({ message: 'groups nest at most 16 deep' }),
    ]);
  });

  it('refuses more than 200 layers across its groups', () => {
    const layers = Array.from({ length: 3 }, () => group(Array.from({ length: 70 }, () => image)));
    expect(() => toTemplateManifest(uploadManifestSchema.parse(manifest(layers)))).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        details: {
          issues: [{ path: 'manifest.layers', message: expect.stringContaining('210 layers') as unknown }],
        },
      }) as ApiError,
    );
    const flood = Array.from({ length: 200 }, () => group(Array.from({ length: 20 }, () => image)));
    expect(issuesOf(manifest(flood))).toEqual([
      { path: 'layers', message: expect.stringContaining('more layers than a manifest may hold') as unknown },
    ]);
  });

  const invalid: [string, unknown, string][] = [
    ['an empty group', group([]), 'layers.0.layers'],
    ['a group with an unknown blend mode', group([image], { blend_mode: 'glow' }), 'layers.0.blend_mode'],
    ['a group opacity over 1', group([image], { opacity: 1.5 }), 'layers.0.opacity'],
    ['a group mask without an asset', group([image], { mask: { x: 1 } }), 'layers.0.mask.asset'],
    ['pass_through that is not a boolean', group([image], { pass_through: 'yes' }), 'layers.0.pass_through'],
    ['a bad layer inside a group', group([image, { ...image, opacity: -1 }]), 'layers.0.layers.1.opacity'],
    ['an adjustment without filters', { ...invert, filters: [] }, 'layers.0.filters'],
    [
      'an adjustment with a whole-image filter (blur)',
      { ...invert, filters: [{ kind: 'gaussian_blur', params: { radius: 2 } }] },
      'layers.0.filters.0.kind',
    ],
    [
      'levels with in_black above in_white',
      { ...invert, filters: [{ kind: 'levels', params: { composite: { in_black: 200, in_white: 100 } } }] },
      'layers.0.filters.0.params.composite',
    ],
    ['an adjustment opacity below 0', { ...invert, opacity: -0.1 }, 'layers.0.opacity'],
    ['an unknown layer type', { ...image, type: 'text' }, 'layers.0.type'],
  ];
  it.each(invalid)('refuses %s, naming the field', (_label, layer, path) => {
    expect(issuesOf(manifest([layer])).map((issue) => issue.path)).toContain(path);
  });
});
