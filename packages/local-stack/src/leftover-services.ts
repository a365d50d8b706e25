// The service pids of the running launcher, kept in DATA_DIR: if a launcher dies without stopping
// its services (SIGKILL), the next `npm start` finds them here and stops them before it needs their ports.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { commandLineOf, isAlive, processOfPid, stopInSteps } from './running-process.js';

export interface ServicePidRecord {
  write(pids: Record<string, number>): void;
  clear(): void;
  /** Stops every recorded service that still runs (checked by its command line, pids get reused). */
  stopLeftovers(log: (line: string) => void): Promise<void>;
}

function readRecord(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function createServicePidRecord(file: string): ServicePidRecord {
  return {
    write: (pids) => writeFileSync(file, `${JSON.stringify(pids)}\n`),
    clear: () => rmSync(file, { force: true }),
    async stopLeftovers(log) {
      const leftovers = Object.entries(readRecord(file)).filter(
        (entry): entry is [string, number] =>
          typeof entry[1] === 'number' &&
          isAlive(entry[1]) &&
          (commandLineOf(entry[1])?.includes(entry[0]) ?? false),
      );
      await Promise.all(
        leftovers.map(async ([name, pid]) => {
          log(`stopping ${name} (pid ${pid}), left running by a launcher that did not stop`);
          await stopInSteps(processOfPid(pid, { wholeGroup: true }), [
            { signal: 'SIGTERM', waitMs: 15_000 },
            { signal: 'SIGKILL', waitMs: 5_000 },
          ]);
        }),
      );
      rmSync(file, { force: true });
    },
  };
}
