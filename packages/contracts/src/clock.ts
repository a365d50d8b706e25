// Time as a dependency: expiry, cache freshness, rate-limit windows, retry times and timestamps all
// read `clock.now()`, so tests move time instead of sleeping. The one Clock every package and
// service takes; only createSystemClock() reads the real time.

export interface Clock {
  now(): Date;
}

export function createSystemClock(): Clock {
  return { now: () => new Date() };
}
