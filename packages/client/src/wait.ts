// Waiting for something to end: the server holds the first request (`?wait`, at most 60 s), then
// the client polls, each pause longer than the last, until it ends or the caller's time is up.

/** `wait: true` waits this long in all. */
export const DEFAULT_WAIT_SECONDS = 300;
/** What the gateway's `?wait` accepts. */
export const MAX_SERVER_WAIT_SECONDS = 60;

export interface Waiting {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface PollOptions {
  /** First pause between polls (default 1000 ms), growing to at most 5 s. */
  pollIntervalMs?: number;
}

/** Seconds to wait in all: 0 for `undefined`/`false`. */
export function waitSecondsOf(wait: boolean | number | undefined): number {
  if (wait === true) return DEFAULT_WAIT_SECONDS;
  if (!wait || wait < 0) return 0;
  return wait;
}

/** `?wait=` for the first request, or undefined when not waiting. */
export function serverWait(seconds: number): number | undefined {
  return seconds > 0 ? Math.min(MAX_SERVER_WAIT_SECONDS, Math.ceil(seconds)) : undefined;
}

/** Polls `read` until `done(value)` or `deadline` (ms since the epoch); returns the last value read. */
export async function pollUntil<T>(
  first: T,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadline: number,
  { sleep, now }: Waiting,
  { pollIntervalMs = 1000 }: PollOptions = {},
): Promise<T> {
  let value = first;
  let interval = pollIntervalMs;
  while (!done(value) && now() < deadline) {
    await sleep(Math.max(0, Math.min(interval, deadline - now())));
    value = await read();
    interval = Math.min(5000, interval * 1.5);
  }
  return value;
}
