// The manifest's rules for smart objects that share a uuid (placements of one smart object) and for
// how many a render must fill: what a JSON manifest upload is refused for (MANIFEST_INVALID).
import { randomUUID } from 'node:crypto';
import {
  RENDER_SMART_OBJECTS_MAX,
  smartObjectPlacementsOf,
  smartObjectsOf,
  templateManifestSchema,
} from './template-model.js';

const smartObject = (uuid: string, x: number, extra: Record<string, unknown> = {}) => ({
  type: 'smart_object' as const,
  uuid,
  name: 'Art',
  layer_name: `Art at ${x}`,
  size: { width: 100, height: 50 },
  position: { x, y: 0, width: 100, height: 50 },
  quad: null,
  ...extra,
});

const manifestOf = (layers: unknown[]) => ({ width: 2000, height: 100, layers });

describe('templateManifestSchema: placements of one smart object', () => {
  it('accepts layers sharing a uuid as placements of one smart object', () => {
    const uuid = randomUUID();
    const manifest = templateManifestSchema.parse(
      manifestOf([smartObject(uuid, 0), smartObject(randomUUID(), 100), smartObject(uuid, 200)]),
    );
    expect(smartObjectsOf(manifest).map((so) => so.layer_name)).toEqual(['Art at 0', 'Art at 100']);
    expect(smartObjectPlacementsOf(manifest)).toHaveLength(3);
  });

  it.each([
    ['size', { size: { width: 100, height: 60 } }],
    ['required', { required: false }],
    ['print_areas', { print_areas: [{ name: 'Front', x: 0, y: 0, width: 10, height: 10 }] }],
  ])('refuses placements of one smart object that differ in %s', (_field, extra) => {
    const uuid = randomUUID();
    const result = templateManifestSchema.safeParse(
      manifestOf([smartObject(uuid, 0), smartObject(uuid, 200, extra)]),
    );
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/must share size, required and print_areas/);
  });

  it(`refuses more required smart objects than a render fills (${RENDER_SMART_OBJECTS_MAX}), not more optional ones`, () => {
    const many = (required: boolean) =>
      Array.from({ length: RENDER_SMART_OBJECTS_MAX + 1 }, (_, i) =>
        smartObject(randomUUID(), i * 10, { required }),
      );
    const refused = templateManifestSchema.safeParse(manifestOf(many(true)));
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.message).toMatch(
      /51 smart objects are required but a render fills at most 50/,
    );
    expect(templateManifestSchema.safeParse(manifestOf(many(false))).success).toBe(true);
  });
});

describe('templateManifestSchema: smart filters', () => {
  it('accepts a filter stack on a smart object and fills in Photoshop’s defaults', () => {
    const manifest = templateManifestSchema.parse(
      manifestOf([
        smartObject(randomUUID(), 0, {
          filters: [
            {
              kind: 'curves',
              params: {
                composite: [
                  [0, 0],
                  [128, 160],
                  [255, 255],
                ],
              },
            },
            { kind: 'black_white', params: {}, opacity: 0.5, blend_mode: 'multiply' },
            { kind: 'gaussian_blur', params: { radius: 2 } },
          ],
        }),
      ]),
    );
    const [layer] = smartObjectsOf(manifest);
    expect(layer!.filters!.map((f) => [f.kind, f.opacity, f.blend_mode])).toEqual([
      ['curves', 1, 'normal'],
      ['black_white', 0.5, 'multiply'],
      ['gaussian_blur', 1, 'normal'],
    ]);
    expect(layer!.filters![1]!.params).toMatchObject({ reds: 40, yellows: 60, blues: 20, magentas: 80 });
  });

  it.each([
    ['an unknown kind', { kind: 'oil_paint', params: {} }, 'filters.0.kind'],
    [
      'a blur radius beyond 250',
      { kind: 'gaussian_blur', params: { radius: 900 } },
      'filters.0.params.radius',
    ],
    ['a curve with one point', { kind: 'curves', params: { red: [[0, 0]] } }, 'filters.0.params.red'],
    [
      'a non-separable filter blend mode',
      { kind: 'invert', params: {}, blend_mode: 'hue' },
      'filters.0.blend_mode',
    ],
  ])('refuses %s, naming the field', (_name, filter, path) => {
    const result = templateManifestSchema.safeParse(
      manifestOf([smartObject(randomUUID(), 0, { filters: [filter] })]),
    );
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContainEqual(`layers.0.${path}`);
  });
});

describe('templateManifestSchema: warp_resampling', () => {
  const mesh = {
    cols: 1,
    rows: 1,
    points: [
      [0, 0],
      [100, 0],
      [0, 50],
      [100, 50],
    ],
  };

  it.each(['photoshop', 'fast'])('accepts a mesh drawn with %s resampling and keeps it', (resampling) => {
    const manifest = templateManifestSchema.parse(
      manifestOf([smartObject(randomUUID(), 0, { mesh, warp_resampling: resampling })]),
    );
    expect(smartObjectsOf(manifest)[0]!.warp_resampling).toBe(resampling);
  });

  it('leaves it out of a hand-written manifest without it (the fast path)', () => {
    const manifest = templateManifestSchema.parse(manifestOf([smartObject(randomUUID(), 0, { mesh })]));
    expect(smartObjectsOf(manifest)[0]).not.toHaveProperty('warp_resampling');
  });

  it.each(['lanczos', 'Photoshop', true])('refuses warp_resampling %p', (resampling) => {
    const result = templateManifestSchema.safeParse(
      manifestOf([smartObject(randomUUID(), 0, { mesh, warp_resampling: resampling })]),
    );
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toContain('warp_resampling');
  });
});
