import type { VerifyKeyResponse, Clock } from '@platen/contracts';
import { createKeyResolver } from './key-resolver.js';
import { KeyServiceUnavailableError, type KeyVerifier } from '@platen/key-service-client';
import { createVerifiedKeyCache } from './verified-key-cache.js';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const KEY = 'sm_' + 'k'.repeat(64);
const VALID: VerifyKeyResponse = {
  valid: true,
  key_id: '00000000-0000-4000-8000-000000000001',
  account_id: '00000000-0000-4000-8000-0000000000a1',
  key_hint: 'sm_kkkkkkkk',
  status: 'active',
  expires_at: null,
  revoked_at: null,
  limits: { per_minute: 100, per_day: 10_000 },
};

/** A key-service stand-in whose answers the test scripts; it counts calls. */
function scriptedKeyService() {
  const state = {
    calls: 0,
    answer: (): Promise<VerifyKeyResponse> => Promise.resolve(VALID),
  };
  const client: KeyVerifier = {
    verify: () => {
      state.calls++;
      return state.answer();
    },
    healthy: () => Promise.resolve(true),
    close: () => undefined,
  };
  return { state, client };
}

function setup() {
  let now = T0;
  const clock: Clock = { now: () => new Date(now) };
  const cache = createVerifiedKeyCache({ clock, freshForMs: 60_000, usableForMs: 600_000 });
  cache.trust();
  const { state, client } = scriptedKeyService();
  const lookups: string[] = [];
  const resolver = createKeyResolver({ cache, keyService: client, clock, onLookup: (r) => lookups.push(r) });
  return { resolver, cache, state, lookups, advance: (ms: number) => (now += ms) };
}

const down = () => Promise.reject(new KeyServiceUnavailableError('ECONNREFUSED'));

describe('resolving a well-formed key', () => {
  it('asks the key-service once, then answers from the cache', async () => {
    const { resolver, state, lookups } = setup();
    expect((await resolver.resolve(KEY)).kind).toBe('known');
    expect((await resolver.resolve(KEY)).kind).toBe('known');
    expect(state.calls).toBe(1);
    expect(lookups).toEqual(['miss', 'hit']);
  });

  it('shares one verify call among concurrent first requests for the same key', async () => {
    const { resolver, state } = setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => resolver.resolve(KEY)));
    expect(results.every((r) => r.kind === 'known')).toBe(true);
    expect(state.calls).toBe(1);
  });

  it('answers unknown for a key the key-service does not know, and does not cache that', async () => {
    const { resolver, state } = setup();
    state.answer = () => Promise.resolve({ valid: false });
    expect((await resolver.resolve(KEY)).kind).toBe('unknown');
    expect((await resolver.resolve(KEY)).kind).toBe('unknown');
    expect(state.calls).toBe(2);
  });

  it('answers unavailable for an uncached key while the key-service is down', async () => {
    const { resolver, state } = setup();
    state.answer = down;
    expect((await resolver.resolve(KEY)).kind).toBe('unavailable');
  });

  it('keeps a cached key working past its freshness while the key-service is down', async () => {
    const { resolver, state, advance } = setup();
    await resolver.resolve(KEY);
    advance(120_000);
    state.answer = down;
    expect(await resolver.resolve(KEY)).toMatchObject({ kind: 'known' });
    expect(state.calls).toBe(2);
  });

  it('re-verifies a cached key once its freshness is over', async () => {
    const { resolver, state, advance } = setup();
    await resolver.resolve(KEY);
    advance(60_000);
    state.answer = () => Promise.resolve({ ...VALID, limits: { per_minute: 5, per_day: 50 } });
    const again = await resolver.resolve(KEY);
    expect(again.kind === 'known' && again.key.limits.per_minute).toBe(5);
  });

  it('does not fall back on the cache once it is untrusted (revocations may have been missed)', async () => {
    const { resolver, state, cache } = setup();
    await resolver.resolve(KEY);
    cache.distrust();
    state.answer = down;
    expect((await resolver.resolve(KEY)).kind).toBe('unavailable');
  });
});
