// Mockup templates this process has loaded, by id@version: a render of a mockup at a version seen
// before skips reading its manifest from Postgres and parsing it again. The caller names the live
// version (read with the render's own row, so an edited mockup is loaded afresh and a deleted one is
// not rendered); a version is immutable, so a hit is exactly what a load would return.
import type { LoadedTemplate } from '@platen/mockups';

export interface TemplateCache {
  /**
   * The template of `mockupId` at `liveVersion`, or undefined when the mockup is not ready or
   * deleted (`liveVersion` null) or changed again while it was loaded.
   */
  get(mockupId: string, liveVersion: number | null): Promise<LoadedTemplate | undefined>;
}

export function createTemplateCache({
  loadTemplate,
  maxEntries = 256,
}: {
  loadTemplate: (mockupId: string) => Promise<LoadedTemplate | undefined>;
  /** Loaded templates kept (their manifests, not their pixels: the compositor caches those). */
  maxEntries?: number;
}): TemplateCache {
  // Map order is recency: a hit moves to the back, the front is evicted first.
  const loaded = new Map<string, LoadedTemplate>();
  const inflight = new Map<string, Promise<LoadedTemplate | undefined>>();

  async function load(key: string, mockupId: string): Promise<LoadedTemplate | undefined> {
    const template = await loadTemplate(mockupId);
    if (template && `${template.source.id}@${template.source.version}` === key) {
      loaded.set(key, template);
      if (loaded.size > maxEntries) loaded.delete(loaded.keys().next().value!);
    }
    return template;
  }

  return {
    async get(mockupId, liveVersion) {
      if (liveVersion === null) return undefined;
      const key = `${mockupId}@${liveVersion}`;
      const hit = loaded.get(key);
      if (hit) {
        loaded.delete(key);
        loaded.set(key, hit);
        return hit;
      }
      let pending = inflight.get(key);
      if (!pending) {
        pending = load(key, mockupId).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
  };
}
