// Signed thumbnail URLs that stay the same for a while, so a mockup's JSON can be serialised once and
// reused. Time is cut into windows of W seconds; a URL made in a window expires W + TTL after the
// window started, so whenever within the window it is served it is valid for at least the TTL (and at
// most TTL + W): never served expired, never shorter-lived than configured.
import type { Clock } from '@platen/contracts';
import type { ObjectStorage } from '@platen/storage';

/** Presigned S3 URLs cannot live longer than this. */
const MAX_URL_LIFETIME_SECONDS = 7 * 24 * 3600;
const MAX_WINDOW_SECONDS = 300;

export interface ThumbnailUrls {
  /** The number of the current window: URLs (and JSON holding them) may be reused while it is the same. */
  window(): number;
  /** The signed URL of `key` for the given window (made when `window` is the current one). */
  url(key: string, window: number): Promise<string>;
}

/** W: a tenth of the TTL, at most 5 minutes (TTL is at least 60 s, so W is at least 6 s). */
export function thumbnailWindowSeconds(ttlSeconds: number): number {
  return Math.max(1, Math.min(MAX_WINDOW_SECONDS, Math.floor(ttlSeconds / 10)));
}

export function createThumbnailUrls({
  storage,
  ttlSeconds,
  clock,
}: {
  storage: ObjectStorage;
  ttlSeconds: number;
  clock: Clock;
}): ThumbnailUrls {
  const windowSeconds = thumbnailWindowSeconds(ttlSeconds);
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    window: () => Math.floor(nowSeconds() / windowSeconds),
    url(key, window) {
      const expiresAt = (window + 1) * windowSeconds + ttlSeconds;
      const lifetime = Math.min(MAX_URL_LIFETIME_SECONDS, Math.max(1, expiresAt - nowSeconds()));
      return storage.signedUrl(key, lifetime);
    },
  };
}
