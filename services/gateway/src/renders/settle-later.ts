// Undo steps of a refused render (delete its row, mark it failed, refund) that must happen even when
// their dependency is down at that moment (a Postgres restart, a key-service outage): tried again in
// the background with backoff, so a 503 never leaves a render listed as queued for ever.
import { setTimeout as sleep } from 'node:timers/promises';

export interface SettleLaterOptions {
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export type SettleLater = (what: string, work: () => Promise<unknown>) => void;

/** The two log calls it makes (a pino logger fits). */
export interface SettleLaterLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function createSettleLater(
  logger: SettleLaterLogger,
  { attempts = 12, firstDelayMs = 500, maxDelayMs = 30_000 }: SettleLaterOptions = {},
): SettleLater {
  return (what, work) => {
    void (async () => {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        await sleep(Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs), undefined, { ref: false });
        try {
          await work();
          logger.warn({ attempt }, `${what}: done on a later attempt`);
          return;
        } catch (error) {
          if (attempt === attempts) logger.error({ err: error }, `${what}: gave up, reconcile by hand`);
        }
      }
    })();
  };
}
