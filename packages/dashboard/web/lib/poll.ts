// Asks again until an answer is final, with a bound on the number of tries and a way to stop.

export interface PollOptions {
  intervalMs: number;
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  /** Checked before every try; true stops polling with a PollCancelledError. */
  cancelled?: () => boolean;
}

export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
}

export class PollCancelledError extends Error {
  override readonly name = 'PollCancelledError';
}

export async function pollUntil<T>(
  load: () => Promise<T>,
  isDone: (value: T) => boolean,
  { intervalMs, maxAttempts, sleep, cancelled = () => false }: PollOptions,
): Promise<T> {
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    if (cancelled()) throw new PollCancelledError('Stopped waiting.');
    const value = await load();
    if (isDone(value)) return value;
    if (attempt < maxAttempts) await sleep(intervalMs);
  }
  throw new PollTimeoutError(`Still not finished after ${maxAttempts} checks.`);
}
