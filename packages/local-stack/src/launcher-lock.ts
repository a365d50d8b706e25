// One `npm start` per DATA_DIR: a second one would attach to the same databases and then fight the
// first over its ports. The lock is a pid file; a stale one (its process gone) is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { livePidFrom } from './running-process.js';

export interface LauncherLock {
  release(): void;
}

export function acquireLauncherLock(pidFile: string): LauncherLock {
  const alreadyRunning = (pid: number | undefined) =>
    new Error(
      `Platen is already running from this DATA_DIR${pid ? ` (pid ${pid})` : ''}: stop it first, or choose another DATA_DIR`,
    );
  const holder = livePidFrom(pidFile, 'local-stack');
  if (holder !== undefined && holder !== process.pid) throw alreadyRunning(holder);
  rmSync(pidFile, { force: true });
  try {
    writeFileSync(pidFile, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyRunning(undefined);
    throw error;
  }
  return {
    release() {
      try {
        if (readFileSync(pidFile, 'utf8').trim() === String(process.pid)) rmSync(pidFile, { force: true });
      } catch {
        // Gone already.
      }
    },
  };
}
