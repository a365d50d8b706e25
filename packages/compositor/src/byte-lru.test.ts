import { createByteLru } from './byte-lru.js';

describe('byte-sized LRU', () => {
  const make = () =>
    createByteLru<string, Uint8Array>({ maxBytes: 100, sizeOf: (value) => value.byteLength });

  it('evicts the least recently used entries once the bytes exceed the bound', () => {
    const cache = make();
    cache.set('a', new Uint8Array(40));
    cache.set('b', new Uint8Array(40));
    cache.get('a');
    cache.set('c', new Uint8Array(40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.bytes).toBe(80);
  });

  it('never stores a value larger than the whole bound', () => {
    const cache = make();
    cache.set('small', new Uint8Array(10));
    cache.set('huge', new Uint8Array(101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBeDefined();
    expect(cache.bytes).toBe(10);
  });

  it('replacing a key counts its bytes once', () => {
    const cache = make();
    cache.set('a', new Uint8Array(60));
    cache.set('a', new Uint8Array(30));
    expect(cache.bytes).toBe(30);
    expect(cache.size).toBe(1);
  });
});
