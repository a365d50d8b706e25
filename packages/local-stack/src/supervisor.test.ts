import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@platen/testing';
import { createSupervisor, type ChildSpec } from './supervisor.js';

// Tiny throwaway children: each appends its pid (and what happened to it) to a file named in $OUT.
const SCRIPTS = {
  'crasher.cjs': `require('fs').appendFileSync(process.env.OUT, process.pid + '\\n'); setTimeout(() => process.exit(3), 20);`,
  'polite.cjs': `const fs = require('fs');
process.on('SIGTERM', () => { fs.appendFileSync(process.env.OUT, 'SIGTERM\\n'); process.exit(0); });
fs.appendFileSync(process.env.OUT, process.pid + '\\n');
console.log('hello'); console.error('oops');
setInterval(() => {}, 1000);`,
  'stubborn.cjs': `const fs = require('fs');
process.on('SIGTERM', () => {});
const grandchild = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.appendFileSync(process.env.OUT, process.pid + '\\n' + grandchild.pid + '\\n');
setInterval(() => {}, 1000);`,
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'platen-supervisor-'));
  for (const [name, text] of Object.entries(SCRIPTS)) writeFileSync(join(dir, name), text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(name: string, script: keyof typeof SCRIPTS): ChildSpec & { out: string } {
  const out = join(dir, `${name}.out`);
  return { name, entry: join(dir, script), env: { OUT: out }, out };
}

function linesOf(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

const pidsIn = (file: string) =>
  linesOf(file)
    .filter((line) => /^\d+$/.test(line))
    .map(Number);

/** Running, not a zombie: an orphan killed here may wait a moment to be reaped by init. */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const fastBackoff = { initialMs: 10, maxMs: 40, resetAfterMs: 60_000 };

describe('supervisor', () => {
  it('restarts a child that exits, as a new process each time, and says so', async () => {
    const crasher = child('crasher', 'crasher.cjs');
    const lines: string[] = [];
    const supervisor = createSupervisor({
      children: [crasher],
      log: (l) => lines.push(l),
      backoff: fastBackoff,
    });
    supervisor.start();
    const pids = await waitFor(
      () => (new Set(pidsIn(crasher.out)).size >= 3 ? pidsIn(crasher.out) : undefined),
      {
        what: 'three runs of the crashing child',
      },
    );
    await supervisor.stop();
    expect(new Set(pids).size).toBe(pids.length);
    expect(lines).toContain('crasher exited with code 3; restarting in 10 ms');
    expect(lines).toContain('crasher exited with code 3; restarting in 20 ms');
  });

  it('prefixes each output line of a child with its name', async () => {
    const polite = child('polite', 'polite.cjs');
    const other = child('a-longer-name', 'polite.cjs');
    const lines: string[] = [];
    const supervisor = createSupervisor({ children: [polite, other], log: (l) => lines.push(l) });
    supervisor.start();
    await waitFor(() => (lines.length >= 4 ? true : undefined), { what: 'output of both children' });
    await supervisor.stop();
    expect(lines).toEqual(
      expect.arrayContaining([
        'polite        | hello',
        'polite        | oops',
        'a-longer-name | hello',
        'a-longer-name | oops',
      ]),
    );
  });

  it('stops a child gracefully with SIGTERM and does not restart it', async () => {
    const polite = child('graceful', 'polite.cjs');
    const recorded: Array<Record<string, number>> = [];
    const supervisor = createSupervisor({
      children: [polite],
      log: () => undefined,
      backoff: fastBackoff,
      onPidsChange: (pids) => recorded.push(pids),
    });
    supervisor.start();
    const [pid] = await waitFor(() => (pidsIn(polite.out).length ? pidsIn(polite.out) : undefined));
    expect(supervisor.pids()).toEqual({ graceful: pid });
    await supervisor.stop();
    expect(linesOf(polite.out)).toEqual([String(pid), 'SIGTERM']);
    expect(isRunning(pid!)).toBe(false);
    expect(supervisor.pids()).toEqual({});
    expect(recorded).toEqual([{ graceful: pid }, {}]);
  });

  it('kills a child that ignores SIGTERM, and what it spawned, when the stop timeout passes', async () => {
    const stubborn = child('stubborn', 'stubborn.cjs');
    const polite = child('neighbour', 'polite.cjs');
    const supervisor = createSupervisor({
      children: [stubborn, polite],
      log: () => undefined,
      stopTimeoutMs: 300,
    });
    supervisor.start();
    const [stubbornPid, grandchildPid] = await waitFor(() =>
      pidsIn(stubborn.out).length === 2 ? pidsIn(stubborn.out) : undefined,
    );
    const [neighbourPid] = await waitFor(() => (pidsIn(polite.out).length ? pidsIn(polite.out) : undefined));
    expect(isRunning(grandchildPid!)).toBe(true);
    await supervisor.stop();
    expect(isRunning(stubbornPid!)).toBe(false);
    expect(isRunning(neighbourPid!)).toBe(false);
    await waitFor(() => (isRunning(grandchildPid!) ? undefined : true), {
      what: 'the grandchild to be gone',
    });
  });

  it('cancels a pending restart when stopped', async () => {
    const crasher = child('late', 'crasher.cjs');
    const lines: string[] = [];
    const supervisor = createSupervisor({
      children: [crasher],
      log: (l) => lines.push(l),
      backoff: { initialMs: 200, maxMs: 200, resetAfterMs: 60_000 },
    });
    supervisor.start();
    await waitFor(() => (lines.some((l) => l.includes('restarting in 200 ms')) ? true : undefined));
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(pidsIn(crasher.out)).toHaveLength(1);
  });
});
