import { createRetrySchedule, WEBHOOK_RETRY_DELAYS_MS } from './retry-schedule.js';

const DAY_MS = 24 * 3600 * 1000;

describe('webhook retry schedule', () => {
  it('waits 5 s, 30 s, 2 min, 10 min, 30 min, 2 h, 6 h, 12 h, 12 h between attempts without jitter', () => {
    const schedule = createRetrySchedule({ jitter: 0 });
    const delays = Array.from({ length: 9 }, (_, i) => schedule.delayAfter(i + 1));
    expect(delays).toEqual([
      5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000, 43_200_000,
    ]);
  });

  it('keeps retrying for at least 24 h even when every jitter is at its most negative', () => {
    const schedule = createRetrySchedule({ random: () => 0 });
    let total = 0;
    for (let attempt = 1; attempt < schedule.maxAttempts; attempt++) total += schedule.delayAfter(attempt)!;
    expect(total).toBeGreaterThanOrEqual(DAY_MS);
  });

  it('gives up after its last delay: 10 attempts in all', () => {
    const schedule = createRetrySchedule();
    expect(schedule.maxAttempts).toBe(WEBHOOK_RETRY_DELAYS_MS.length + 1);
    expect(schedule.maxAttempts).toBe(10);
    expect(schedule.delayAfter(10)).toBeUndefined();
    expect(schedule.delayAfter(0)).toBeUndefined();
  });

  it('moves each delay by at most ±20 %', () => {
    const low = createRetrySchedule({ random: () => 0 });
    const high = createRetrySchedule({ random: () => 0.999999 });
    expect(low.delayAfter(2)).toBe(24_000);
    expect(high.delayAfter(2)).toBe(36_000);
  });

  it('uses injected delays (tests run the schedule in milliseconds)', () => {
    const schedule = createRetrySchedule({ delaysMs: [10, 20], jitter: 0 });
    expect([schedule.delayAfter(1), schedule.delayAfter(2), schedule.delayAfter(3)]).toEqual([
      10,
      20,
      undefined,
    ]);
    expect(schedule.maxAttempts).toBe(3);
  });
});
