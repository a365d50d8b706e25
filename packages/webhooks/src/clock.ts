// Time as a dependency: secret overlaps, retry times and endpoint health are tested without sleeping.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
