// The few compositing slots of one process (CPU-bound work: a few per core), shared fairly between
// accounts: waiters queue per account and a freed slot goes round-robin to the next account with a
// waiter, so an account with many renders ready never starves another one's single render, and an
// account alone still gets every slot. Artwork is fetched before a slot is taken, never inside one.

export interface ComposeSlots {
  /** Runs `work` once one of the slots is free for this account's turn; rejects if `signal` aborts first. */
  run<T>(accountId: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Renders compositing now and renders waiting for a slot (for tests and metrics). */
  usage(): { running: number; waiting: number };
}

interface Waiter {
  start: () => void;
}

export class ComposeSlotAbortedError extends Error {
  constructor(cause: unknown) {
    super('stopped waiting for a compose slot', { cause });
    this.name = 'ComposeSlotAbortedError';
  }
}

export function createComposeSlots({ slots }: { slots: number }): ComposeSlots {
  if (!Number.isInteger(slots) || slots < 1)
    throw new Error(`compose slots must be a positive integer, got ${slots}`);
  let running = 0;
  // Insertion order is the round-robin order: an account served goes to the back if it still waits.
  const waiting = new Map<string, Waiter[]>();

  function next(): void {
    while (running < slots) {
      const first = waiting.entries().next();
      if (first.done) return;
      const [accountId, queue] = first.value;
      waiting.delete(accountId);
      const waiter = queue.shift()!;
      if (queue.length > 0) waiting.set(accountId, queue);
      running += 1;
      waiter.start();
    }
  }

  return {
    async run<T>(accountId: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const queue = waiting.get(accountId);
          const index = queue?.indexOf(waiter) ?? -1;
          if (queue && index >= 0) {
            queue.splice(index, 1);
            if (queue.length === 0) waiting.delete(accountId);
          }
          reject(new ComposeSlotAbortedError(signal?.reason));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const queue = waiting.get(accountId);
        if (queue) queue.push(waiter);
        else waiting.set(accountId, [waiter]);
        next();
      });
      try {
        return await work();
      } finally {
        running -= 1;
        next();
      }
    },
    usage: () => ({
      running,
      waiting: [...waiting.values()].reduce((sum, queue) => sum + queue.length, 0),
    }),
  };
}
