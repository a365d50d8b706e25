// The JSON answers of the mockup routes, put together from each mockup's ready JSON instead of
// serialising the objects again. A page of built-ins only (MockupPage.shareKey) is assembled once,
// with its ETag, and sent as the same bytes until the catalogue or the thumbnail window changes.
import { createHash } from 'node:crypto';
import type { MockupPage } from './mockup-store.js';
import type { MockupView } from './mockup-views.js';

export interface JsonBody {
  body: Buffer;
  /** Weak ETag in express's format, when known; otherwise express computes it. */
  etag?: string;
}

export interface MockupBodies {
  page(page: MockupPage): JsonBody;
  one(view: MockupView): JsonBody;
}

/** Shared pages kept; keys of past windows or catalogues are dropped together when it fills. */
const MAX_SHARED_PAGES = 256;

/** The weak ETag express would send for these bytes (the `etag` package's format). */
export function weakEtag(body: Buffer): string {
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  return `W/"${body.length.toString(16)}-${hash}"`;
}

export function createMockupBodies(): MockupBodies {
  const shared = new Map<string, JsonBody>();

  const assemble = (page: MockupPage) =>
    Buffer.from(
      `{"success":true,"data":[${page.itemsJson.join(',')}],"next_cursor":${JSON.stringify(page.nextCursor)}}`,
    );

  return {
    page(page) {
      if (page.shareKey === null) return { body: assemble(page) };
      let known = shared.get(page.shareKey);
      if (!known) {
        const body = assemble(page);
        known = { body, etag: weakEtag(body) };
        if (shared.size >= MAX_SHARED_PAGES) shared.clear();
        shared.set(page.shareKey, known);
      }
      return known;
    },
    one(view) {
      return { body: Buffer.from(`{"success":true,"data":${view.json}}`) };
    },
  };
}
