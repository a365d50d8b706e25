// Keeps the Platen services running as one process tree: each child is `node <entry>` in its own
// process group, its output prefixed with its name; a child that dies is restarted with backoff, and
// stop() ends every child (and anything it spawned) before it resolves.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createSystemClock, type Clock } from '@platen/contracts';
import {
  createRestartBackoff,
  DEFAULT_BACKOFF,
  type BackoffPolicy,
  type RestartBackoff,
} from './restart-backoff.js';
import { hasExited, stopInSteps, type RunningProcess } from './running-process.js';

export interface ChildSpec {
  name: string;
  /** A script run with this Node binary. */
  entry: string;
  /** The child's whole environment (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SupervisorOptions {
  children: ChildSpec[];
  log: (line: string) => void;
  clock?: Clock;
  backoff?: BackoffPolicy;
  /** How long stop() lets children shut down after SIGTERM before it SIGKILLs them. */
  stopTimeoutMs?: number;
  /** Told the running pids whenever a child starts or ends (the launcher records them in DATA_DIR). */
  onPidsChange?: (pids: Record<string, number>) => void;
}

export interface Supervisor {
  start(): void;
  /** Idempotent; resolves when every child is gone. No restart happens after it is called. */
  stop(): Promise<void>;
  /** Pids of the children running now, by name. */
  pids(): Record<string, number>;
}

interface Slot {
  spec: ChildSpec;
  backoff: RestartBackoff;
  child?: ChildProcess;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is empty already.
  }
}

/** The child's whole process group: the child leads it, so its exit event tells when it is gone. */
function groupOf(child: ChildProcess): RunningProcess {
  const pid = child.pid ?? -1;
  return {
    pid,
    signal: (signal) => signalGroup(pid, signal),
    waitForExit: (timeoutMs) =>
      new Promise((resolve) => {
        if (hasExited(child)) return resolve(true);
        const timer = setTimeout(() => resolve(false), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
  };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

export function createSupervisor({
  children,
  log,
  clock = createSystemClock(),
  backoff = DEFAULT_BACKOFF,
  stopTimeoutMs = 15_000,
  onPidsChange = () => undefined,
}: SupervisorOptions): Supervisor {
  const width = Math.max(...children.map((spec) => spec.name.length));
  const slots: Slot[] = children.map((spec) => ({
    spec,
    backoff: createRestartBackoff(backoff),
    startedAt: 0,
  }));
  let stopRequested = false;
  let stopped: Promise<void> | undefined;

  function forwardLines(stream: Readable | null, name: string): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
      log(`${name.padEnd(width)} | ${line}`),
    );
  }

  function launch(slot: Slot): void {
    const { name, entry, env, cwd } = slot.spec;
    // Own process group: a terminal's Ctrl-C reaches only the launcher, and stop() can end the
    // child together with anything it spawned.
    const child = spawn(process.execPath, [entry], {
      env,
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.startedAt = clock.now().getTime();
    onPidsChange(pids());
    forwardLines(child.stdout, name);
    forwardLines(child.stderr, name);

    let gone = false;
    const onGone = (what: string) => {
      if (gone) return;
      gone = true;
      slot.child = undefined;
      onPidsChange(pids());
      // Whatever the child spawned must not outlive it (nor pile up over restarts).
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      if (stopRequested) return;
      const delay = slot.backoff.next(clock.now().getTime() - slot.startedAt);
      log(`${name} ${what}; restarting in ${delay} ms`);
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = undefined;
        if (!stopRequested) launch(slot);
      }, delay);
    };
    child.once('exit', (code, signal) => onGone(describeExit(code, signal)));
    child.once('error', (error) => onGone(`could not be started (${error.message})`));
  }

  async function stopAll(): Promise<void> {
    for (const slot of slots) clearTimeout(slot.restartTimer);
    await Promise.all(
      slots.map(async (slot) => {
        const child = slot.child;
        if (!child || child.pid === undefined) return;
        const gone = await stopInSteps(groupOf(child), [
          { signal: 'SIGTERM', waitMs: stopTimeoutMs },
          { signal: 'SIGKILL', waitMs: 5_000 },
        ]);
        if (!gone) log(`${slot.spec.name} (pid ${child.pid}) did not exit even after SIGKILL`);
      }),
    );
  }

  function pids(): Record<string, number> {
    const running: Record<string, number> = {};
    for (const slot of slots) if (slot.child?.pid !== undefined) running[slot.spec.name] = slot.child.pid;
    return running;
  }

  return {
    pids,
    start() {
      if (stopRequested) return;
      for (const slot of slots) if (!slot.child && !slot.restartTimer) launch(slot);
    },
    stop() {
      stopRequested = true;
      stopped ??= stopAll();
      return stopped;
    },
  };
}
