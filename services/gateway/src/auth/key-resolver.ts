// Turns a well-formed key into what the key-service knows about it: from the verified-key cache when
// fresh, else one verify call shared by every concurrent request for the same key. A cached verdict
// outlives its freshness only while the key-service is unreachable.
import type { Clock } from '@platen/contracts';
import { KeyServiceUnavailableError, type KeyVerifier } from '@platen/key-service-client';
import { hashKey, verifiedKeyFrom, type VerifiedKey, type VerifiedKeyCache } from './verified-key-cache.js';

export type Resolution =
  | { kind: 'known'; key: VerifiedKey }
  /** Unknown lookup id or wrong secret. */
  | { kind: 'unknown' }
  /** The key-service could not answer and the cache had nothing usable. */
  | { kind: 'unavailable'; error: KeyServiceUnavailableError };

export interface KeyResolver {
  resolve(key: string): Promise<Resolution>;
}

export interface KeyResolverDeps {
  cache: VerifiedKeyCache;
  keyService: KeyVerifier;
  clock: Clock;
  onLookup?: (result: 'hit' | 'miss') => void;
}

export function createKeyResolver({ cache, keyService, clock, onLookup }: KeyResolverDeps): KeyResolver {
  const inFlight = new Map<string, Promise<Resolution>>();

  async function verify(key: string, keyHash: string, stale: VerifiedKey | undefined): Promise<Resolution> {
    const versionBefore = cache.version;
    try {
      const response = await keyService.verify(key);
      if (!response.valid) {
        cache.forget(keyHash);
        return { kind: 'unknown' };
      }
      const verified = verifiedKeyFrom(response, clock.now());
      cache.store(keyHash, verified, versionBefore);
      return { kind: 'known', key: verified };
    } catch (error) {
      const unavailable =
        error instanceof KeyServiceUnavailableError
          ? error
          : new KeyServiceUnavailableError('verify failed', { cause: error });
      // Still trustworthy: the cache is emptied whenever a revocation could have been missed.
      if (stale && cache.trusted && cache.version === versionBefore) return { kind: 'known', key: stale };
      return { kind: 'unavailable', error: unavailable };
    }
  }

  return {
    resolve(key) {
      const keyHash = hashKey(key);
      const cached = cache.lookup(keyHash);
      if (cached?.fresh) {
        onLookup?.('hit');
        return Promise.resolve({ kind: 'known', key: cached.key });
      }
      onLookup?.('miss');
      const pending = inFlight.get(keyHash);
      if (pending) return pending;
      const call = verify(key, keyHash, cached?.key).finally(() => inFlight.delete(keyHash));
      inFlight.set(keyHash, call);
      return call;
    },
  };
}
