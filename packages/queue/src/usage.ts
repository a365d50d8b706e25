// Per-key usage counters in Redis: the gateway increments them on every served request (in the same
// round trip as the rate limit); the key-service flushes them into keys.key_usage in batches.
import { redisKey } from './names.js';

/**
 * Fields of a usage hash. Counts are cumulative for the hash's UTC day, so a flush may write them
 * as they are (upsert key_usage(key_id, day) = value) and stays idempotent when repeated.
 */
export const USAGE_FIELDS = {
  requests: 'requests',
  renders: 'renders',
  credits: 'credits',
  /** ISO-8601 time of the latest counted request of that day. */
  lastUsedAt: 'last_used_at',
} as const;

/** Usage hashes outlive their day by this long, so a flusher that was down a while loses nothing. */
export const USAGE_RETENTION_SECONDS = 7 * 24 * 3600;

/** `YYYY-MM-DD` of the UTC day `date` falls in. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The hash holding one key's usage on one UTC day. */
export function usageKey(redisPrefix: string, keyId: string, day: string): string {
  return redisKey(redisPrefix, 'usage', keyId, day);
}

/** The set of usage hash names changed since the last flush; a flusher SPOPs from it. */
export function usageDirtySet(redisPrefix: string): string {
  return redisKey(redisPrefix, 'usage-dirty');
}

/** Inverse of usageKey: the key id and day a usage hash belongs to, or null for any other name. */
export function parseUsageKey(redisPrefix: string, name: string): { keyId: string; day: string } | null {
  const head = redisKey(redisPrefix, 'usage', '');
  if (!name.startsWith(head)) return null;
  const match = /^([0-9a-f-]{36}):(\d{4}-\d{2}-\d{2})$/.exec(name.slice(head.length));
  return match ? { keyId: match[1]!, day: match[2]! } : null;
}
