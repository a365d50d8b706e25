// Time as a dependency: render timestamps and durations read `clock.now()`.

export interface Clock {
  now(): Date;
}

export function createSystemClock(): Clock {
  return { now: () => new Date() };
}
