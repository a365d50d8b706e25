// Bounded polling for "is it up yet?": every wait the launcher does ends, either because the thing
// answered, because its process died meanwhile, or because the time ran out.

export type PollOutcome = 'ready' | 'gave-up' | 'timeout';

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before each attempt; true ends the wait at once (the process being waited on exited). */
  giveUp?: () => boolean;
  signal?: AbortSignal;
}

export async function pollUntil(
  check: () => Promise<boolean>,
  { timeoutMs, intervalMs = 100, giveUp = () => false, signal }: PollOptions,
): Promise<PollOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (giveUp() || signal?.aborted) return 'gave-up';
    if (await check()) return 'ready';
    if (Date.now() >= deadline) return 'timeout';
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
