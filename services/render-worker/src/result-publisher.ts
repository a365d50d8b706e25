// Announces a render's final state on Redis (`render.finished`), for the gateway's `?wait=N`.
// At least once: a re-run of a finished job announces again, and listeners re-read the row anyway.
import { channelName, CHANNELS, type RenderFinishedEvent } from '@platen/queue';
import type { Redis } from 'ioredis';

/** A render's final state as the worker knows it: the event, and the batch the render belongs to. */
export interface RenderFinalState extends RenderFinishedEvent {
  /** Null: a single render. Carried from the row already loaded, so nobody reads it again. */
  batch_id: string | null;
}

export interface ResultPublisher {
  publish(state: RenderFinalState): Promise<void>;
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
    async publish({ render_id, status }) {
      const event: RenderFinishedEvent = { render_id, status };
      await redis.publish(channel, JSON.stringify(event));
    },
  };
}
