// A batch's parked artwork, read once per process: every render of the batch gets the same Buffer, so
// the storage read and the compositor's SHA-256 of the bytes (memoised per Buffer) happen once per
// batch artwork, not once per render. Parked batch artwork never changes (written once when the batch
// is accepted, removed when it has finished), and nobody writes into the Buffer it hands out.

export interface BatchArtworkCache {
  /** The bytes under `key`, read with `read` unless kept or being read already; a miss is not kept. */
  get(key: string, read: () => Promise<Buffer | undefined>): Promise<Buffer | undefined>;
  readonly bytes: number;
}

export function createBatchArtworkCache({ maxBytes }: { maxBytes: number }): BatchArtworkCache {
  // Map order is recency: a hit moves to the back, the front is evicted first.
  const kept = new Map<string, Buffer>();
  const inflight = new Map<string, Promise<Buffer | undefined>>();
  let bytes = 0;

  function keep(key: string, body: Buffer): void {
    if (body.length > maxBytes || kept.has(key)) return;
    kept.set(key, body);
    bytes += body.length;
    for (const [oldest, old] of kept) {
      if (bytes <= maxBytes) break;
      kept.delete(oldest);
      bytes -= old.length;
    }
  }

  return {
    get(key, read) {
      const hit = kept.get(key);
      if (hit) {
        kept.delete(key);
        kept.set(key, hit);
        return Promise.resolve(hit);
      }
      let pending = inflight.get(key);
      if (!pending) {
        pending = read()
          .then((body) => {
            if (body) keep(key, body);
            return body;
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    get bytes() {
      return bytes;
    },
  };
}
