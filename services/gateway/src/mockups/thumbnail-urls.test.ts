import type { ObjectStorage } from '@platen/storage';
import { createThumbnailUrls, thumbnailWindowSeconds } from './thumbnail-urls.js';

/** Storage whose signed URLs carry their absolute expiry, computed from the same clock. */
function fakeStorage(nowMs: () => number): ObjectStorage {
  return {
    put: () => Promise.resolve(),
    putStream: () => Promise.resolve({ bytes: 0 }),
    get: () => Promise.resolve(null),
    getStream: () => Promise.resolve(null),
    delete: () => Promise.resolve(),
    signedUrl: (key, expiresIn) =>
      Promise.resolve(`/files/${key}?expires=${Math.floor(nowMs() / 1000) + expiresIn}`),
  };
}

const expiresOf = (url: string) => Number(new URL(url, 'http://x').searchParams.get('expires'));

describe('thumbnail URLs', () => {
  const ttl = 3600;
  let now = Date.parse('2030-01-01T00:00:00Z');
  const thumbnails = createThumbnailUrls({
    storage: fakeStorage(() => now),
    ttlSeconds: ttl,
    clock: { now: () => new Date(now) },
  });

  it('cut time into windows of a tenth of the TTL, at most five minutes', () => {
    expect(thumbnailWindowSeconds(60)).toBe(6);
    expect(thumbnailWindowSeconds(3600)).toBe(300);
    expect(thumbnailWindowSeconds(7 * 24 * 3600)).toBe(300);
  });

  it('give the same URL anywhere in a window, valid for at least the TTL wherever it is served', async () => {
    const start = Date.parse('2030-01-01T00:05:00Z'); // a window boundary (300 s windows)
    now = start;
    const window = thumbnails.window();
    const first = await thumbnails.url('templates/a/thumb.png', window);
    now = start + 299_999;
    expect(thumbnails.window()).toBe(window);
    const last = await thumbnails.url('templates/a/thumb.png', window);
    expect(last).toBe(first);
    expect(expiresOf(last) - Math.floor(now / 1000)).toBeGreaterThanOrEqual(ttl);
    expect(expiresOf(first) - start / 1000).toBeLessThanOrEqual(ttl + 300);
  });

  it('move to a new URL with the next window', async () => {
    now = Date.parse('2030-01-01T00:05:00Z');
    const before = await thumbnails.url('k.png', thumbnails.window());
    now += 300_000;
    const after = await thumbnails.url('k.png', thumbnails.window());
    expect(expiresOf(after) - expiresOf(before)).toBe(300);
  });
});
