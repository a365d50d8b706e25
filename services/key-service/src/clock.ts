// Time as a dependency: expiry, scheduled revocations and ledger timestamps all read `clock.now()`,
// so tests move time instead of sleeping.

export interface Clock {
  now(): Date;
}

export function createSystemClock(): Clock {
  return { now: () => new Date() };
}
