// Tells every gateway that a key (or a whole account) stopped working, on the `key.revoked` channel,
// and that a user's dashboard sessions before an epoch ended (a Redis key the session guard reads).
// Postgres stays the truth: a lost event only delays eviction until the gateways' cache entry ages
// out (a lost session epoch until the old session's next refresh, which the key-service refuses), so
// a failed publish is reported, never allowed to undo or fail the revocation itself.
import { SESSION_MAX_LIFETIME_SECONDS } from '@platen/http';
import { CHANNELS, channelName, sessionEpochKey, type KeyRevokedEvent } from '@platen/queue';
import type { Redis } from 'ioredis';

/** Every session of the user from an epoch before `session_epoch` is over. */
export interface SessionsEndedEvent {
  user_id: string;
  session_epoch: number;
}

export interface RevocationPublisher {
  publish(event: KeyRevokedEvent): Promise<void>;
  endSessions(event: SessionsEndedEvent): Promise<void>;
}

export interface RevocationPublisherDeps {
  redis: Redis;
  redisPrefix: string;
  onError: (error: unknown, event: KeyRevokedEvent | SessionsEndedEvent) => void;
}

// Never lowers the epoch: two changes racing may reach Redis in either order. Once no session of an
// earlier epoch can be alive (the maximum lifetime), the key is not needed any more.
const RAISE_EPOCH = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1`;

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
    async endSessions(event) {
      try {
        await redis.eval(
          RAISE_EPOCH,
          1,
          sessionEpochKey(redisPrefix, event.user_id),
          event.session_epoch,
          SESSION_MAX_LIFETIME_SECONDS,
        );
      } catch (error) {
        onError(error, event);
      }
    },
  };
}

/** For the CLI when no Redis is configured or running: no gateway can be listening then. */
export function createSilentRevocationPublisher(): RevocationPublisher {
  return { publish: () => Promise.resolve(), endSessions: () => Promise.resolve() };
}
