// A stored mockup in docs/api.md's public shape, with its JSON made once per thumbnail window: rows held
// by the catalogues are the same objects from request to request, so their views (and the signed
// thumbnail URL inside) are reused until the window turns.
import type { Mockup } from '@platen/contracts';
import { hasOutlinePreview, toPublicMockup } from '@platen/mockups';
import { outlineKeyBeside } from '@platen/storage';
import type { StoredMockup } from './mockup-columns.js';
import type { ThumbnailUrls } from './thumbnail-urls.js';

export interface MockupView {
  mockup: Mockup;
  /** JSON.stringify(mockup) */
  json: string;
}

export interface MockupViews {
  view(row: StoredMockup, window: number): Promise<MockupView>;
}

export function createMockupViews({ thumbnails }: { thumbnails: ThumbnailUrls }): MockupViews {
  const made = new WeakMap<StoredMockup, { window: number; view: Promise<MockupView> }>();

  async function make(row: StoredMockup, window: number): Promise<MockupView> {
    const key = row.thumbnail_key;
    const [thumbnail, outline] = await Promise.all([
      key ? thumbnails.url(key, window) : null,
      key && hasOutlinePreview(row) ? thumbnails.url(outlineKeyBeside(key), window) : null,
    ]);
    const mockup = toPublicMockup(row, thumbnail, outline);
    return { mockup, json: JSON.stringify(mockup) };
  }

  return {
    view(row, window) {
      const known = made.get(row);
      if (known && known.window === window) return known.view;
      const view = make(row, window);
      made.set(row, { window, view });
      // A failed signing is not remembered: the next request tries again.
      view.catch(() => {
        if (made.get(row)?.view === view) made.delete(row);
      });
      return view;
    },
  };
}
