// Tells every gateway that a key (or a whole account) stopped working, on the `key.revoked` channel.
// Postgres stays the truth: a lost event only delays eviction until the gateways' cache entry ages
// out, so a failed publish is reported, never allowed to undo or fail the revocation itself.
import { CHANNELS, channelName, type KeyRevokedEvent } from '@platen/queue';
import type { Redis } from 'ioredis';

export interface RevocationPublisher {
  publish(event: KeyRevokedEvent): Promise<void>;
}

export interface RevocationPublisherDeps {
  redis: Redis;
  redisPrefix: string;
  onError: (error: unknown, event: KeyRevokedEvent) => void;
}

export function createRevocationPublisher({
  redis,
  redisPrefix,
  onError,
}: RevocationPublisherDeps): RevocationPublisher {
  const channel = channelName(redisPrefix, CHANNELS.keyRevoked);
  return {
    async publish(event) {
      try {
        await redis.publish(channel, JSON.stringify(event));
      } catch (error) {
        onError(error, event);
      }
    },
  };
}

/** For the CLI when no Redis is configured or running: no gateway can be listening then. */
export function createSilentRevocationPublisher(): RevocationPublisher {
  return { publish: () => Promise.resolve() };
}
