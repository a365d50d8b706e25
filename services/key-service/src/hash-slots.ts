// Bounds the password hashes computed at once: argon2 takes ~100 ms of a core and 32 MiB each, so an
// unbounded burst of log-ins would starve every other request of the key-service. Past `concurrency`
// a hash waits in a FIFO queue; past the queue it is refused at once with 503 SERVICE_UNAVAILABLE and
// details.retry_after, which the error handler turns into Retry-After.
import { ApiError } from '@platen/contracts';
import type { PasswordHasher } from './password-hasher.js';

export interface HashSlotLimits {
  /** Hashes computed at once. */
  concurrency: number;
  /** Hashes that may wait for a slot. */
  queue: number;
}

/** Seconds a refused caller is told to wait: a full queue drains in well under a second at defaults. */
const RETRY_AFTER_SECONDS = 1;

export function boundHasher(hasher: PasswordHasher, { concurrency, queue }: HashSlotLimits): PasswordHasher {
  let running = 0;
  const waiting: Array<() => void> = [];

  async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      if (waiting.length >= queue) {
        throw new ApiError('SERVICE_UNAVAILABLE', {
          message: 'Too many password checks at once: try again shortly',
          details: { retry_after: RETRY_AFTER_SECONDS },
        });
      }
      // The finishing hash hands its slot over directly, so `running` never drops under a waiter.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running += 1;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }

  return {
    hash: (password) => inSlot(() => hasher.hash(password)),
    verify: (storedHash, password) => inSlot(() => hasher.verify(storedHash, password)),
    verifyNobody: (password) => inSlot(() => hasher.verifyNobody(password)),
  };
}
