// In-process cache of key-service verdicts, keyed by the SHA-256 of the full key (never the key).
// Invariants: a key's status is recomputed from the clock at every use (revocation and expiry are
// exact to the millisecond), and an untrusted cache (revocation channel down) answers nothing.
import { createHash } from 'node:crypto';
import type { KeyStatus, RateLimits, VerifyKeyResponse, Clock } from '@platen/contracts';
import { LRUCache } from 'lru-cache';

export interface VerifiedKey {
  keyId: string;
  accountId: string;
  keyHint: string;
  /** The status the key-service reported; the effective status also depends on the clock. */
  reportedStatus: KeyStatus;
  expiresAt: number | null;
  revokedAt: number | null;
  limits: RateLimits;
  /** When the key-service said all this (epoch ms). */
  verifiedAt: number;
}

export interface CacheLookup {
  key: VerifiedKey;
  /** Fresh entries are used as they are; stale ones only while the key-service is unreachable. */
  fresh: boolean;
}

export interface VerifiedKeyCache {
  lookup(keyHash: string): CacheLookup | undefined;
  /** Changes whenever entries are evicted or cleared; see `store`. */
  readonly version: number;
  /**
   * Stores a verdict obtained while the cache had `versionBefore`. A revocation that arrived while
   * the verify call was in flight bumps the version, and the possibly outdated verdict is dropped.
   */
  store(keyHash: string, key: VerifiedKey, versionBefore: number): boolean;
  forget(keyHash: string): void;
  evictKey(keyId: string): void;
  evictAccount(accountId: string): void;
  clear(): void;
  /** Untrusted: lookups miss and nothing is stored, until trust() (both clear the cache). */
  distrust(): void;
  trust(): void;
  readonly trusted: boolean;
  readonly size: number;
}

export interface VerifiedKeyCacheOptions {
  clock: Clock;
  /** How long a verdict is used without asking the key-service again. */
  freshForMs?: number;
  /** How long a verdict may still be used when the key-service cannot be reached. */
  usableForMs?: number;
  maxEntries?: number;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function verifiedKeyFrom(
  response: Extract<VerifyKeyResponse, { valid: true }>,
  verifiedAt: Date,
): VerifiedKey {
  const time = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  return {
    keyId: response.key_id,
    accountId: response.account_id,
    keyHint: response.key_hint,
    reportedStatus: response.status,
    expiresAt: time(response.expires_at),
    revokedAt: time(response.revoked_at),
    limits: response.limits,
    verifiedAt: verifiedAt.getTime(),
  };
}

/** The status of a key at `now`: revoked wins over expired, as in the key-service. */
export function effectiveStatus(key: VerifiedKey, now: Date): KeyStatus {
  const at = now.getTime();
  if (key.reportedStatus === 'revoked' || (key.revokedAt !== null && key.revokedAt <= at)) return 'revoked';
  if (key.reportedStatus === 'expired' || (key.expiresAt !== null && key.expiresAt <= at)) return 'expired';
  return 'active';
}

export function createVerifiedKeyCache({
  clock,
  freshForMs = 60_000,
  usableForMs = 10 * 60_000,
  maxEntries = 10_000,
}: VerifiedKeyCacheOptions): VerifiedKeyCache {
  // Ages are checked against the injected clock below, not by lru-cache's own timer.
  const entries = new LRUCache<string, VerifiedKey>({ max: maxEntries });
  let version = 0;
  let trusted = false;

  function evictWhere(matches: (key: VerifiedKey) => boolean): void {
    version++;
    for (const [keyHash, key] of [...entries.entries()]) {
      if (matches(key)) entries.delete(keyHash);
    }
  }

  function clear(): void {
    version++;
    entries.clear();
  }

  return {
    lookup(keyHash) {
      if (!trusted) return undefined;
      const key = entries.get(keyHash);
      if (!key) return undefined;
      const age = clock.now().getTime() - key.verifiedAt;
      if (age >= usableForMs) {
        entries.delete(keyHash);
        return undefined;
      }
      return { key, fresh: age < freshForMs };
    },
    get version() {
      return version;
    },
    store(keyHash, key, versionBefore) {
      if (!trusted || version !== versionBefore) return false;
      entries.set(keyHash, key);
      return true;
    },
    forget(keyHash) {
      entries.delete(keyHash);
    },
    evictKey(keyId) {
      evictWhere((key) => key.keyId === keyId);
    },
    evictAccount(accountId) {
      evictWhere((key) => key.accountId === accountId);
    },
    clear,
    distrust() {
      trusted = false;
      clear();
    },
    trust() {
      clear();
      trusted = true;
    },
    get trusted() {
      return trusted;
    },
    get size() {
      return entries.size;
    },
  };
}
