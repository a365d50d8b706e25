import type { Clock } from '@platen/contracts';
import {
  createVerifiedKeyCache,
  effectiveStatus,
  hashKey,
  verifiedKeyFrom,
  type VerifiedKey,
} from './verified-key-cache.js';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');

function fakeClock(start = T0): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    set: (ms) => (now = ms),
    advance: (ms) => (now += ms),
  };
}

function key(overrides: Partial<VerifiedKey> = {}): VerifiedKey {
  return {
    keyId: '00000000-0000-4000-8000-000000000001',
    accountId: '00000000-0000-4000-8000-0000000000a1',
    keyHint: 'sm_abcdefgh',
    reportedStatus: 'active',
    expiresAt: null,
    revokedAt: null,
    limits: { per_minute: 100, per_day: 10_000 },
    verifiedAt: T0,
    ...overrides,
  };
}

describe('key status from a cached verdict', () => {
  it('turns expired exactly when expires_at comes, not a millisecond earlier', () => {
    const cached = key({ expiresAt: T0 + 2_000 });
    expect(effectiveStatus(cached, new Date(T0 + 1_999))).toBe('active');
    expect(effectiveStatus(cached, new Date(T0 + 2_000))).toBe('expired');
  });

  it('turns revoked when a scheduled revocation (rotation grace) comes', () => {
    const cached = key({ revokedAt: T0 + 30_000 });
    expect(effectiveStatus(cached, new Date(T0 + 29_999))).toBe('active');
    expect(effectiveStatus(cached, new Date(T0 + 30_000))).toBe('revoked');
  });

  it('answers revoked before expired when both have come', () => {
    expect(effectiveStatus(key({ revokedAt: T0, expiresAt: T0 }), new Date(T0))).toBe('revoked');
  });

  it('believes the key-service when it already reports revoked or expired', () => {
    expect(effectiveStatus(key({ reportedStatus: 'revoked' }), new Date(T0))).toBe('revoked');
    expect(effectiveStatus(key({ reportedStatus: 'expired' }), new Date(T0))).toBe('expired');
  });

  it('reads the verify answer into a cache entry with exact times', () => {
    const entry = verifiedKeyFrom(
      {
        valid: true,
        key_id: '00000000-0000-4000-8000-000000000001',
        account_id: '00000000-0000-4000-8000-0000000000a1',
        key_hint: 'sm_abcdefgh',
        status: 'active',
        expires_at: '2025-06-01T12:00:02.500Z',
        revoked_at: null,
        limits: { per_minute: 5, per_day: 50 },
      },
      new Date(T0),
    );
    expect(entry).toMatchObject({ expiresAt: T0 + 2_500, revokedAt: null, verifiedAt: T0 });
    expect(entry.limits).toEqual({ per_minute: 5, per_day: 50 });
  });
});

describe('the verified-key cache', () => {
  function trustedCache(clock = fakeClock()) {
    const cache = createVerifiedKeyCache({ clock, freshForMs: 60_000, usableForMs: 600_000, maxEntries: 3 });
    cache.trust();
    return { cache, clock };
  }

  it('never keeps the key itself: entries are found by its SHA-256', () => {
    expect(hashKey('sm_x')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey('sm_x')).not.toContain('sm_x');
  });

  it('serves an entry as fresh for its TTL, then as stale, then not at all', () => {
    const { cache, clock } = trustedCache();
    cache.store('h1', key(), cache.version);
    expect(cache.lookup('h1')).toEqual({ key: key(), fresh: true });
    clock.advance(60_000);
    expect(cache.lookup('h1')?.fresh).toBe(false);
    clock.advance(540_000);
    expect(cache.lookup('h1')).toBeUndefined();
  });

  it('evicts every entry of a revoked key id and leaves the others', () => {
    const { cache } = trustedCache();
    const other = key({ keyId: '00000000-0000-4000-8000-000000000002' });
    cache.store('h1', key(), cache.version);
    cache.store('h2', other, cache.version);
    cache.evictKey(key().keyId);
    expect(cache.lookup('h1')).toBeUndefined();
    expect(cache.lookup('h2')?.key).toEqual(other);
  });

  it('evicts every key of a disabled account', () => {
    const { cache } = trustedCache();
    const foreign = key({
      keyId: '00000000-0000-4000-8000-000000000003',
      accountId: '00000000-0000-4000-8000-0000000000b2',
    });
    cache.store('h1', key(), cache.version);
    cache.store('h2', key({ keyId: '00000000-0000-4000-8000-000000000002' }), cache.version);
    cache.store('h3', foreign, cache.version);
    cache.evictAccount(key().accountId);
    expect(cache.size).toBe(1);
    expect(cache.lookup('h3')?.key).toEqual(foreign);
  });

  it('drops a verdict fetched before a revocation arrived', () => {
    const { cache } = trustedCache();
    const before = cache.version;
    cache.evictKey('00000000-0000-4000-8000-00000000ffff');
    expect(cache.store('h1', key(), before)).toBe(false);
    expect(cache.lookup('h1')).toBeUndefined();
  });

  it('answers nothing and stores nothing while untrusted, and starts empty when trusted again', () => {
    const { cache } = trustedCache();
    cache.store('h1', key(), cache.version);
    cache.distrust();
    expect(cache.lookup('h1')).toBeUndefined();
    expect(cache.store('h2', key(), cache.version)).toBe(false);
    cache.trust();
    expect(cache.size).toBe(0);
  });

  it('starts untrusted', () => {
    const cache = createVerifiedKeyCache({ clock: fakeClock() });
    expect(cache.trusted).toBe(false);
    expect(cache.store('h1', key(), cache.version)).toBe(false);
  });

  it('holds at most its bound of entries, dropping the least recently used', () => {
    const { cache } = trustedCache();
    for (const name of ['h1', 'h2', 'h3']) cache.store(name, key(), cache.version);
    cache.lookup('h1');
    cache.store('h4', key(), cache.version);
    expect(cache.size).toBe(3);
    expect(cache.lookup('h2')).toBeUndefined();
    expect(cache.lookup('h1')).toBeDefined();
  });
});
