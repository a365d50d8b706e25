// CPU time of processes, read from /proc (Linux): what a server spent per request, however busy the
// rest of the machine was. Elsewhere the numbers are simply absent (null).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';

let ticksPerSecond;

function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds of `pid` so far, or null when it cannot be read. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return null;
  }
}

/** CPU seconds of each named process, and of this process (the load generator) under `bench`. */
export function cpuSnapshot(pids) {
  const snapshot = { bench: process.cpuUsage() };
  for (const [name, pid] of Object.entries(pids)) snapshot[name] = cpuSeconds(pid);
  return snapshot;
}

/** CPU seconds each process spent between two snapshots (null where unknown). */
export function cpuSpent(before, after) {
  const spent = {};
  for (const name of Object.keys(after)) {
    if (name === 'bench') {
      const self = process.cpuUsage(before.bench);
      spent.bench = (self.user + self.system) / 1e6;
    } else {
      spent[name] = before[name] === null || after[name] === null ? null : after[name] - before[name];
    }
  }
  return spent;
}
