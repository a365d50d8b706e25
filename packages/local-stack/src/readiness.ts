// The stack is ready when the gateway's /readyz answers 200 (the gateway checks its own dependencies).
import { pollUntil, type PollOutcome } from './poll-until.js';

async function answers200(url: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    const timeout = AbortSignal.timeout(2_000);
    const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export function waitUntilReady(
  url: string,
  { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal },
): Promise<PollOutcome> {
  return pollUntil(() => answers200(url, signal), { timeoutMs, intervalMs: 250, signal });
}
