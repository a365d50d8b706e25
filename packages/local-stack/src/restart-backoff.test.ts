import { createRestartBackoff, DEFAULT_BACKOFF } from './restart-backoff.js';

describe('restart backoff', () => {
  it('waits 0.5 s after the first crash and doubles up to 30 s while the child keeps crashing', () => {
    const backoff = createRestartBackoff();
    const delays = Array.from({ length: 9 }, () => backoff.next(100));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts again from 0.5 s once the child had stayed up for a minute', () => {
    const backoff = createRestartBackoff();
    backoff.next(100);
    backoff.next(100);
    expect(backoff.next(100)).toBe(2_000);
    expect(backoff.next(DEFAULT_BACKOFF.resetAfterMs)).toBe(500);
    expect(backoff.next(100)).toBe(1_000);
  });

  it('keeps doubling when the child died just before the reset threshold', () => {
    const backoff = createRestartBackoff({ initialMs: 10, maxMs: 1_000, resetAfterMs: 5_000 });
    backoff.next(0);
    expect(backoff.next(4_999)).toBe(20);
  });
});
