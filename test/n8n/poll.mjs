// Bounded polling: `check` returns a value when done, undefined to keep waiting, or throws. An error
// marked `fatal` (the process under test died) ends the wait at once; others are retried until the
// deadline and reported with the timeout.
import { setTimeout as sleep } from 'node:timers/promises';

export async function poll(check, { timeoutMs, intervalMs = 500, what }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error?.fatal) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}
