// How long the supervisor waits before restarting a child that died: doubling from `initialMs` up to
// `maxMs`, back to `initialMs` once the child had stayed up `resetAfterMs` (it was healthy, then broke).

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export interface RestartBackoff {
  /** The delay before the next restart of a child that ran for `uptimeMs` before it died. */
  next(uptimeMs: number): number;
}

export function createRestartBackoff(policy: BackoffPolicy = DEFAULT_BACKOFF): RestartBackoff {
  let previous: number | undefined;
  return {
    next(uptimeMs) {
      previous =
        previous === undefined || uptimeMs >= policy.resetAfterMs
          ? policy.initialMs
          : Math.min(previous * 2, policy.maxMs);
      return previous;
    },
  };
}
