// Listens on the key-service's `key.revoked` channel and evicts what it names from the verified-key
// cache. Pub/sub loses messages while disconnected, so the cache is trusted only while subscribed:
// it is cleared and bypassed when the connection drops, and cleared again once re-subscribed.
import { keyRevokedEventSchema } from '@platen/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { VerifiedKeyCache } from './verified-key-cache.js';

export interface RevocationSubscriber {
  /** Connects and subscribes in the background; the cache stays untrusted until that succeeds. */
  start(): void;
  readonly subscribed: boolean;
  close(): Promise<void>;
}

export interface RevocationSubscriberDeps {
  /** A connection of its own (it enters subscriber mode), created with autoResubscribe: false. */
  redis: Redis;
  channel: string;
  cache: VerifiedKeyCache;
  logger: Logger;
}

export function createRevocationSubscriber({
  redis,
  channel,
  cache,
  logger,
}: RevocationSubscriberDeps): RevocationSubscriber {
  // We re-subscribe ourselves on every 'ready', so we know the moment the subscription is back.
  if (redis.options.autoResubscribe !== false) {
    throw new Error('the revocation subscriber needs a Redis connection with autoResubscribe: false');
  }
  let subscribed = false;
  let closing = false;

  function lose(reason: string): void {
    if (subscribed)
      logger.warn({ reason }, 'revocation channel lost: key cache bypassed until re-subscribed');
    subscribed = false;
    cache.distrust();
  }

  function onMessage(received: string, message: string): void {
    if (received !== channel) return;
    let event;
    try {
      event = keyRevokedEventSchema.parse(JSON.parse(message));
    } catch {
      // Cannot tell which key it meant: forget every verdict rather than keep a revoked one.
      logger.warn('unreadable revocation event: key cache cleared');
      cache.clear();
      return;
    }
    if ('key_id' in event) cache.evictKey(event.key_id);
    else cache.evictAccount(event.account_id);
  }

  async function subscribe(): Promise<void> {
    try {
      await redis.subscribe(channel);
      cache.trust();
      subscribed = true;
      logger.info({ channel }, 'subscribed to revocations');
    } catch (error) {
      if (closing) return;
      logger.warn({ err: error }, 'revocation subscribe failed: reconnecting');
      redis.disconnect(true);
    }
  }

  return {
    start() {
      cache.distrust();
      redis.on('message', onMessage);
      redis.on('ready', () => void subscribe());
      redis.on('close', () => lose('connection closed'));
      redis.on('end', () => lose('connection ended'));
      // ioredis reconnects by itself; without a listener an 'error' would crash the process.
      redis.on('error', (error: Error) => {
        if (subscribed) lose(error.message);
      });
      if (redis.status === 'ready') void subscribe();
      else if (redis.status === 'wait') redis.connect().catch(() => undefined);
    },
    get subscribed() {
      return subscribed;
    },
    async close() {
      closing = true;
      subscribed = false;
      cache.distrust();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
