// Which render jobs a process keeps in hand: at most `perAccount` of one account's at once (fetching
// artwork or waiting for a compose slot). A job over its account's share is handed back to the queue
// for later (not an attempt), so a flood of renders on a slow artwork host holds a few of the
// process's job slots, never all of them, and another account's render is picked up at once.
// The count is per process on purpose: a SIGKILLed worker cannot leak it, and with N replicas an
// account holds at most N × perAccount jobs while every replica keeps slots for the others.
// A deferred job waits out a backoff, but it is also offered again as soon as one of its account's
// jobs leaves this process (`deferred`): a batch that queues hundreds of one account's renders keeps
// its share busy instead of idling until timers fire (bench:batch, infra/bench/RESULTS.md).
// While no other account has a job in hand or deferred here, an account may hold `whenAlone` jobs
// instead (a lone batch then keeps every compose slot busy without deferral churn); the moment another
// account's job is taken, that job is admitted (it is under its own share) and the lone account is back
// to `perAccount`: its jobs over it are deferred again until the other account has none in hand.
// `whenAlone` must leave job slots free, so the queue is still read past the lone account's jobs: the
// service leaves one whole share (a lone account on a dead artwork host holds its slots for up to 30 s).

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
  /**
   * Remembers how to offer a just-deferred job of the account again; the next job of the account to
   * leave calls it (oldest first). A failing offer (the job was offered already) is ignored.
   */
  deferred(accountId: string, offerAgain: () => Promise<unknown>): void;
}

/** Offers remembered per account: beyond these, deferred jobs wait for their backoff alone. */
const MAX_OFFERS_PER_ACCOUNT = 64;

export interface AccountAdmissionOptions {
  perAccount: number;
  /** An account's share while no other account has a job in hand or deferred (default perAccount). */
  whenAlone?: number;
  /** First deferral's delay (default 500 ms); later ones double up to maxDeferMs. */
  deferMs?: number;
  /** Longest deferral (default 8 s): bounds the extra latency once the account's share frees up. */
  maxDeferMs?: number;
  random?: () => number;
}

export function createAccountAdmission({
  perAccount,
  whenAlone = perAccount,
  deferMs = 500,
  maxDeferMs = 8_000,
  random = Math.random,
}: AccountAdmissionOptions): AccountAdmission {
  if (!Number.isInteger(perAccount) || perAccount < 1) {
    throw new Error(`per-account jobs must be a positive integer, got ${perAccount}`);
  }
  if (!Number.isInteger(whenAlone) || whenAlone < perAccount) {
    throw new Error(
      `an account's jobs when alone must be an integer of at least ${perAccount}, got ${whenAlone}`,
    );
  }
  const counts = new Map<string, number>();
  const offers = new Map<string, Array<() => Promise<unknown>>>();

  function offerOneAgain(accountId: string): void {
    const waiting = offers.get(accountId);
    const offer = waiting?.shift();
    if (waiting?.length === 0) offers.delete(accountId);
    if (offer) void offer().catch(() => undefined);
  }

  /** Another account has a job in hand, or one deferred that will come back. */
  function othersHaveWork(accountId: string): boolean {
    for (const other of counts.keys()) if (other !== accountId) return true;
    for (const other of offers.keys()) if (other !== accountId) return true;
    return false;
  }

  return {
    tryEnter(accountId) {
      const current = counts.get(accountId) ?? 0;
      const share = current < perAccount || othersHaveWork(accountId) ? perAccount : whenAlone;
      if (current >= share) return undefined;
      counts.set(accountId, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(accountId) ?? 1) - 1;
        if (left > 0) counts.set(accountId, left);
        else counts.delete(accountId);
        offerOneAgain(accountId);
      };
    },
    deferDelayMs(previousDeferrals) {
      const base = Math.min(maxDeferMs, deferMs * 2 ** Math.min(Math.max(0, previousDeferrals), 16));
      return Math.round(base * (0.75 + random() * 0.5));
    },
    inHand: (accountId) => counts.get(accountId) ?? 0,
    deferred(accountId, offerAgain) {
      const waiting = offers.get(accountId) ?? [];
      if (waiting.length >= MAX_OFFERS_PER_ACCOUNT) waiting.shift();
      waiting.push(offerAgain);
      offers.set(accountId, waiting);
    },
  };
}
