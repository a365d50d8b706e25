import { createBatchArtworkCache } from './batch-artwork-cache.js';

/** Parked objects the test writes and removes; counts the reads that reached them. */
function parked() {
  const objects = new Map<string, Buffer>();
  const reads: string[] = [];
  const read = (key: string) => () => {
    reads.push(key);
    return Promise.resolve(objects.get(key));
  };
  return { objects, reads, read };
}

describe('batch artwork cache', () => {
  it('reads a batch artwork once and hands every render the same bytes', async () => {
    const store = parked();
    store.objects.set('batches/1/artworks/art', Buffer.from('jpeg bytes'));
    const cache = createBatchArtworkCache({ maxBytes: 1024 });

    const bodies = await Promise.all(
      Array.from({ length: 5 }, () =>
        cache.get('batches/1/artworks/art', store.read('batches/1/artworks/art')),
      ),
    );
    const later = await cache.get('batches/1/artworks/art', store.read('batches/1/artworks/art'));

    expect(new Set([...bodies, later]).size).toBe(1);
    expect(later?.toString()).toBe('jpeg bytes');
    expect(store.reads).toHaveLength(1);
  });

  it('does not keep a missing artwork: it is read again, and found once it is there', async () => {
    const store = parked();
    const cache = createBatchArtworkCache({ maxBytes: 1024 });

    await expect(cache.get('k', store.read('k'))).resolves.toBeUndefined();
    store.objects.set('k', Buffer.from('late'));
    await expect(cache.get('k', store.read('k'))).resolves.toEqual(Buffer.from('late'));
    expect(store.reads).toEqual(['k', 'k']);
  });

  it('keeps at most maxBytes, dropping the least recently used, and never an artwork larger than that', async () => {
    const store = parked();
    for (const key of ['a', 'b', 'c']) store.objects.set(key, Buffer.alloc(40));
    store.objects.set('huge', Buffer.alloc(101));
    const cache = createBatchArtworkCache({ maxBytes: 100 });
    await cache.get('a', store.read('a'));
    await cache.get('b', store.read('b'));
    await cache.get('a', store.read('a'));
    await cache.get('c', store.read('c'));
    await cache.get('huge', store.read('huge'));

    expect(cache.bytes).toBe(80);
    await cache.get('a', store.read('a'));
    await cache.get('b', store.read('b'));
    await cache.get('huge', store.read('huge'));
    expect(store.reads).toEqual(['a', 'b', 'c', 'huge', 'b', 'huge']);
  });

  it('reads again after a failed read', async () => {
    const cache = createBatchArtworkCache({ maxBytes: 100 });
    await expect(cache.get('k', () => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone');
    await expect(cache.get('k', () => Promise.resolve(Buffer.from('ok')))).resolves.toEqual(
      Buffer.from('ok'),
    );
  });
});
