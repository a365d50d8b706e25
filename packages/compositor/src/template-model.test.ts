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
