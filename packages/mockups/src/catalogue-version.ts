// An account's mockup-catalogue version: a random tag in Redis that changes whenever one of the
// account's own mockups changes. Gateways cache an account's own mockups under the tag they were read
// with, and learn the current tag in the rate-limit script's round trip (no extra call), so a change
// made through any replica is seen by every replica on its next request.
// Invariant: every caller of an account's step of mockup-records.ts (the table's one writer) calls
// bump() after the step commits (PATCH, DELETE, and any upload or import step that creates or changes
// a row).
import { randomUUID } from 'node:crypto';
import { redisKey } from '@platen/queue';

/** A tag outlives its last change by this long; a tag that expired is simply made anew (a cache miss). */
export const CATALOGUE_VERSION_TTL_SECONDS = 7 * 24 * 3600;

export function catalogueVersionKey(redisPrefix: string, accountId: string): string {
  return redisKey(redisPrefix, 'mockups-version', accountId);
}

/**
 * A tag nobody used before. Tags are compared for equality only, so a reset Redis (tags gone) can
 * never make an old cache entry look current again: the next reader stores a fresh tag.
 */
export function newCatalogueVersion(): string {
  return randomUUID();
}

export interface CatalogueVersions {
  /** Gives the account a new tag: every gateway re-reads its own mockups on its next request. */
  bump(accountId: string): Promise<void>;
}

/** The one Redis command bump() needs (an ioredis client fits). */
export interface CatalogueVersionRedis {
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
}

export function createCatalogueVersions({
  redis,
  redisPrefix,
}: {
  redis: CatalogueVersionRedis;
  redisPrefix: string;
}): CatalogueVersions {
  return {
    async bump(accountId) {
      await redis.set(
        catalogueVersionKey(redisPrefix, accountId),
        newCatalogueVersion(),
        'EX',
        CATALOGUE_VERSION_TTL_SECONDS,
      );
    },
  };
}
