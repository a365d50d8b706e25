// A handle on a background process, whether we spawned it or found it through a pid file, and the
// escalating stop (polite signal, wait, harder signal) every process the launcher owns goes through.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunningProcess {
  pid: number;
  signal(signal: NodeJS.Signals): void;
  /** Resolves true once the process is gone, false if it is still there after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<boolean>;
}

export interface StopStep {
  signal: NodeJS.Signals;
  waitMs: number;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (a Postgres run as `postgres` seen by a non-root CLI).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a pid where /proc shows it (Linux); undefined where it cannot be read. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * The pid in the first line of a pid file, if that process is alive and (where /proc tells) its
 * command line contains `program`: a pid file left by a killed process may name a reused pid.
 */
export function livePidFrom(pidFile: string, program: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const commandLine = commandLineOf(pid);
  return commandLine === undefined || commandLine.includes(program) ? pid : undefined;
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A process we did not spawn (so cannot be told of its exit): polled. With `wholeGroup`, signals go
 * to the process group it leads, reaching whatever it spawned too.
 */
export function processOfPid(pid: number, { wholeGroup = false } = {}): RunningProcess {
  return {
    pid,
    signal: (signal) => sendSignal(wholeGroup ? -pid : pid, signal),
    async waitForExit(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (isAlive(pid)) {
        if (Date.now() >= deadline) return false;
        await sleep(50);
      }
      return true;
    },
  };
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A process we spawned: its exit event is authoritative (a dead child stays a zombie until reaped). */
export function processOfChild(child: ChildProcess): RunningProcess {
  return {
    pid: child.pid ?? -1,
    signal: (signal) => {
      if (!hasExited(child)) child.kill(signal);
    },
    waitForExit: (timeoutMs) =>
      new Promise((resolve) => {
        if (hasExited(child)) return resolve(true);
        const timer = setTimeout(() => {
          child.off('exit', onExit);
          resolve(false);
        }, timeoutMs);
        const onExit = () => {
          clearTimeout(timer);
          resolve(true);
        };
        child.once('exit', onExit);
      }),
  };
}

/** Sends each step's signal and waits its time, until the process is gone. True if it is gone. */
export async function stopInSteps(target: RunningProcess, steps: readonly StopStep[]): Promise<boolean> {
  for (const step of steps) {
    target.signal(step.signal);
    if (await target.waitForExit(step.waitMs)) return true;
  }
  return false;
}
