// When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, 30 min, 2 h, 6 h, 12 h, 12 h (docs/api.md),
// each ±20 % jitter so receivers that come back are not hit by every sender at once. Even with all
// jitter negative the retries span more than 24 h (0.8 × 32.7 h ≈ 26 h).

export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  6 * 3600_000,
  12 * 3600_000,
  12 * 3600_000,
];

export interface RetrySchedule {
  /** The first attempt plus one retry per delay. */
  readonly maxAttempts: number;
  /** Delay before the next attempt after attempt number `attempt` (1-based) failed; undefined: give up. */
  delayAfter(attempt: number): number | undefined;
}

export interface RetryScheduleOptions {
  delaysMs?: readonly number[];
  /** Fraction each delay may move either way (0.2 = ±20 %). */
  jitter?: number;
  /** [0, 1); injectable so tests get exact delays. */
  random?: () => number;
}

export function createRetrySchedule({
  delaysMs = WEBHOOK_RETRY_DELAYS_MS,
  jitter = 0.2,
  random = Math.random,
}: RetryScheduleOptions = {}): RetrySchedule {
  return {
    maxAttempts: delaysMs.length + 1,
    delayAfter(attempt) {
      const base = delaysMs[attempt - 1];
      if (base === undefined || !Number.isInteger(attempt) || attempt < 1) return undefined;
      return Math.round(base * (1 + jitter * (2 * random() - 1)));
    },
  };
}
