// A least-recently-used map bounded by the bytes its values hold rather than their count: decoded
// template layers vary from kilobytes to tens of megabytes. (lru-cache 11 is not installed in this
// workspace; this is the small subset of it the compositor needs.)

export interface ByteLruOptions<V> {
  maxBytes: number;
  sizeOf: (value: V) => number;
}

export interface ByteLru<K, V> {
  get(key: K): V | undefined;
  /** Stores the value unless it alone exceeds maxBytes; evicts the least recently used to fit. */
  set(key: K, value: V): void;
  delete(key: K): boolean;
  readonly size: number;
  readonly bytes: number;
}

export function createByteLru<K, V>({ maxBytes, sizeOf }: ByteLruOptions<V>): ByteLru<K, V> {
  // A Map iterates in insertion order: re-inserting on every hit keeps the oldest first.
  const entries = new Map<K, { value: V; bytes: number }>();
  let total = 0;

  const remove = (key: K): boolean => {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    total -= entry.bytes;
    return true;
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      remove(key);
      const bytes = sizeOf(value);
      if (bytes > maxBytes) return;
      for (const oldest of entries.keys()) {
        if (total + bytes <= maxBytes) break;
        remove(oldest);
      }
      entries.set(key, { value, bytes });
      total += bytes;
    },
    delete: remove,
    get size() {
      return entries.size;
    },
    get bytes() {
      return total;
    },
  };
}
