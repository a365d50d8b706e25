// Which render jobs a process keeps in hand: at most `perAccount` of one account's at once (fetching
// artwork or waiting for a compose slot). A job over its account's share is handed back to the queue
// for later (not an attempt), so a flood of renders on a slow artwork host holds a few of the
// process's job slots, never all of them, and another account's render is picked up at once.
// The count is per process on purpose: a SIGKILLed worker cannot leak it, and with N replicas an
// account holds at most N × perAccount jobs while every replica keeps slots for the others.

export interface AccountAdmission {
  /** A release function when the account is under its share (call it exactly once), else undefined. */
  tryEnter(accountId: string): (() => void) | undefined;
  /**
   * How long to wait before offering a deferred job again: doubles with each deferral of the same
   * job (so a backlog of thousands costs a few Redis calls a second, not a busy loop), jittered.
   */
  deferDelayMs(previousDeferrals: number): number;
  /** Jobs in hand for this account now. */
  inHand(accountId: string): number;
}

export interface AccountAdmissionOptions {
  perAccount: number;
  /** First deferral's delay (default 500 ms); later ones double up to maxDeferMs. */
  deferMs?: number;
  /** Longest deferral (default 8 s): bounds the extra latency once the account's share frees up. */
  maxDeferMs?: number;
  random?: () => number;
}

export function createAccountAdmission({
  perAccount,
  deferMs = 500,
  maxDeferMs = 8_000,
  random = Math.random,
}: AccountAdmissionOptions): AccountAdmission {
  if (!Number.isInteger(perAccount) || perAccount < 1) {
    throw new Error(`per-account jobs must be a positive integer, got ${perAccount}`);
  }
  const counts = new Map<string, number>();

  return {
    tryEnter(accountId) {
      const current = counts.get(accountId) ?? 0;
      if (current >= perAccount) return undefined;
      counts.set(accountId, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(accountId) ?? 1) - 1;
        if (left > 0) counts.set(accountId, left);
        else counts.delete(accountId);
      };
    },
    deferDelayMs(previousDeferrals) {
      const base = Math.min(maxDeferMs, deferMs * 2 ** Math.min(Math.max(0, previousDeferrals), 16));
      return Math.round(base * (0.75 + random() * 0.5));
    },
    inHand: (accountId) => counts.get(accountId) ?? 0,
  };
}
