// Time as a dependency: key expiry, cache freshness and rate-limit windows read `clock.now()`,
// so tests move time instead of sleeping.

export interface Clock {
  now(): Date;
}

export function createSystemClock(): Clock {
  return { now: () => new Date() };
}
