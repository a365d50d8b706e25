// Announces a render's final state on Redis (`render.finished`), for the gateway's `?wait=N`.
// At least once: a re-run of a finished job announces again, and listeners re-read the row anyway.
import { channelName, CHANNELS, type RenderFinishedEvent } from '@platen/queue';
import type { Redis } from 'ioredis';

export interface ResultPublisher {
  publish(event: RenderFinishedEvent): Promise<void>;
}

export function createResultPublisher({
  redis,
  redisPrefix,
}: {
  redis: Redis;
  redisPrefix: string;
}): ResultPublisher {
  const channel = channelName(redisPrefix, CHANNELS.renderFinished);
  return {
    async publish(event) {
      await redis.publish(channel, JSON.stringify(event));
    },
  };
}
