// `?wait=N`: one subscriber connection per gateway on `render.finished` and a map renderId → waiters.
// Callers register before re-reading the row, so an event published in between is never missed.
import { renderFinishedEventSchema } from '@platen/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface Waiting {
  /** Resolves true when the render finished, false when `timeoutMs` passed (or the waiter closed). */
  readonly done: Promise<boolean>;
  cancel(): void;
}

export interface RenderWaiter {
  start(): void;
  wait(renderId: string, timeoutMs: number): Waiting;
  close(): Promise<void>;
}

export function createRenderWaiter({
  redis,
  channel,
  logger,
}: {
  redis: Redis;
  channel: string;
  logger: Logger;
}): RenderWaiter {
  const waiters = new Map<string, Set<(finished: boolean) => void>>();

  redis.on('error', (error: Error) => logger.debug({ err: error }, 'render.finished subscriber error'));
  redis.on('message', (_channel: string, message: string) => {
    let renderId: string;
    try {
      renderId = renderFinishedEventSchema.parse(JSON.parse(message)).render_id;
    } catch {
      return;
    }
    const set = waiters.get(renderId);
    if (!set) return;
    waiters.delete(renderId);
    for (const wake of set) wake(true);
  });

  return {
    start() {
      redis
        .subscribe(channel)
        .catch((error: unknown) => logger.warn({ err: error }, 'cannot subscribe to render.finished'));
    },
    wait(renderId, timeoutMs) {
      let wake: (finished: boolean) => void = () => undefined;
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<boolean>((resolve) => {
        wake = (finished) => {
          clearTimeout(timer);
          waiters.get(renderId)?.delete(wake);
          if (waiters.get(renderId)?.size === 0) waiters.delete(renderId);
          resolve(finished);
        };
        timer = setTimeout(() => wake(false), timeoutMs);
      });
      const set = waiters.get(renderId) ?? new Set();
      set.add(wake);
      waiters.set(renderId, set);
      return { done, cancel: () => wake(false) };
    },
    async close() {
      for (const set of [...waiters.values()]) for (const wake of [...set]) wake(false);
      waiters.clear();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
