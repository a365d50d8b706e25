import { ApiError, mockupSchema } from '@platen/contracts';
import { BUILTIN_MOCKUPS } from './builtin-mockups.js';
import { createBuiltinMockupCatalogue } from './mockup-catalogue.js';

const ACCOUNT = '00000000-0000-4000-8000-0000000000a1';

describe('the built-in mockup catalogue', () => {
  it('pages through every sample by name with an opaque cursor, ending with null', async () => {
    const catalogue = createBuiltinMockupCatalogue();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await catalogue.list({ accountId: ACCOUNT, limit: 3, cursor });
      seen.push(...result.items.map((m) => m.name));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(BUILTIN_MOCKUPS.map((m) => m.name).sort());
  });

  it('refuses a cursor it did not issue as a validation error on cursor', async () => {
    const catalogue = createBuiltinMockupCatalogue();
    await expect(catalogue.list({ accountId: ACCOUNT, limit: 3, cursor: 'garbage' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'cursor' }] },
    });
    await expect(catalogue.list({ accountId: ACCOUNT, limit: 3, cursor: 'e30' })).rejects.toBeInstanceOf(
      ApiError,
    );
  });

  it('finds a sample by uuid, and by slug only when asked to', async () => {
    const catalogue = createBuiltinMockupCatalogue();
    const poster = BUILTIN_MOCKUPS[0]!;
    expect(await catalogue.find({ accountId: ACCOUNT, id: poster.uuid, bySlug: false })).toEqual(poster);
    expect(await catalogue.find({ accountId: ACCOUNT, id: poster.slug, bySlug: true })).toEqual(poster);
    expect(await catalogue.find({ accountId: ACCOUNT, id: poster.slug, bySlug: false })).toBeUndefined();
  });

  it('describes each sample in the public mockup shape, its layers inside the canvas', () => {
    for (const mockup of BUILTIN_MOCKUPS) {
      expect(mockupSchema.parse(mockup)).toEqual(mockup);
      expect(mockup.built_in).toBe(true);
      for (const layer of mockup.smart_objects) {
        expect(layer.position.x + layer.position.width).toBeLessThanOrEqual(mockup.width);
        expect(layer.position.y + layer.position.height).toBeLessThanOrEqual(mockup.height);
      }
    }
  });
});
