import type { LoadedTemplate } from '@platen/mockups';
import { createTemplateCache } from './template-cache.js';

/** A mockup store whose versions the test moves; counts the loads that reached it. */
function mockups() {
  const versions = new Map<string, number>();
  const loads: string[] = [];
  const loadTemplate = (id: string): Promise<LoadedTemplate | undefined> => {
    loads.push(id);
    const version = versions.get(id);
    if (version === undefined) return Promise.resolve(undefined);
    return Promise.resolve({
      source: { id, version, manifest: { width: version } as never },
      accountId: null,
      slug: id,
      loadAssets: () => Promise.resolve(new Map()),
    });
  };
  return { versions, loads, loadTemplate };
}

describe('template cache', () => {
  it('loads a mockup once per version, however many renders ask for it at once', async () => {
    const store = mockups();
    store.versions.set('m', 1);
    const cache = createTemplateCache({ loadTemplate: store.loadTemplate });

    const templates = await Promise.all([cache.get('m', 1), cache.get('m', 1), cache.get('m', 1)]);
    await cache.get('m', 1);

    expect(templates.map((t) => t?.source.version)).toEqual([1, 1, 1]);
    expect(store.loads).toEqual(['m']);
  });

  it('loads an edited mockup afresh at its new version', async () => {
    const store = mockups();
    store.versions.set('m', 1);
    const cache = createTemplateCache({ loadTemplate: store.loadTemplate });
    await cache.get('m', 1);

    store.versions.set('m', 2);
    const edited = await cache.get('m', 2);

    expect(edited?.source.version).toBe(2);
    expect(store.loads).toEqual(['m', 'm']);
  });

  it('answers nothing for a mockup that is deleted or not ready, even one it loaded before', async () => {
    const store = mockups();
    store.versions.set('m', 1);
    const cache = createTemplateCache({ loadTemplate: store.loadTemplate });
    await cache.get('m', 1);

    await expect(cache.get('m', null)).resolves.toBeUndefined();
    store.versions.delete('m');
    await expect(cache.get('m', 3)).resolves.toBeUndefined();
  });

  it('keeps at most maxEntries templates, dropping the least recently used', async () => {
    const store = mockups();
    for (const id of ['a', 'b', 'c']) store.versions.set(id, 1);
    const cache = createTemplateCache({ loadTemplate: store.loadTemplate, maxEntries: 2 });
    await cache.get('a', 1);
    await cache.get('b', 1);
    await cache.get('a', 1);
    await cache.get('c', 1);

    await cache.get('a', 1);
    await cache.get('b', 1);
    expect(store.loads).toEqual(['a', 'b', 'c', 'b']);
  });
});
