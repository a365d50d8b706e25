// Queue names, Redis channels and key namespaces, defined once. Everything in Redis lives under
// the deployment's REDIS_PREFIX, so several deployments or test suites can share one server.

export const QUEUE_NAMES = { renders: 'renders', webhooks: 'webhooks', imports: 'mockup-imports' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** BullMQ's own `prefix` option: queues live at `<prefix>:bull:<queue>:*`. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/** The Redis list BullMQ keeps waiting jobs in: what KEDA scales render workers on. */
export function waitListKey(redisPrefix: string, queue: QueueName): string {
  return `${bullPrefix(redisPrefix)}:${queue}:wait`;
}

export const CHANNELS = {
  /** Published by the key-service when a key stops being usable; every gateway evicts it. */
  keyRevoked: 'key.revoked',
  /** Published by the render-worker when a render succeeded or finally failed; `?wait=N` listens. */
  renderFinished: 'render.finished',
} as const;

export function channelName(redisPrefix: string, channel: (typeof CHANNELS)[keyof typeof CHANNELS]): string {
  return `${redisPrefix}:${channel}`;
}

/** Non-queue keys (rate limits, usage counters...) under one namespace per purpose. */
export function redisKey(redisPrefix: string, ...parts: string[]): string {
  return [redisPrefix, ...parts].join(':');
}

/**
 * A dashboard user's current session epoch, written by the key-service when a password change or
 * reset ends the user's other sessions and read by every gateway's session guard. It expires with
 * the longest a session can live, after which no token of an earlier epoch can still be valid.
 */
export function sessionEpochKey(redisPrefix: string, userId: string): string {
  return redisKey(redisPrefix, 'dashboard', 'session-epoch', userId);
}
