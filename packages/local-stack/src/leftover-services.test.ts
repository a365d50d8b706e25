import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@platen/testing';
import { createServicePidRecord } from './leftover-services.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'platen-leftovers-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A detached stand-in for a service whose launcher died: its command line names the service. */
function orphanedService(name: string): number {
  const entry = join(dir, `${name}.cjs`);
  writeFileSync(entry, 'setInterval(() => {}, 1000);');
  const child = spawn(process.execPath, [entry], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('services left running by a launcher that died', () => {
  it('are stopped by the next launcher, found through the recorded pids', async () => {
    const pid = orphanedService('gateway');
    const record = createServicePidRecord(join(dir, 'services.pids'));
    record.write({ gateway: pid });
    const lines: string[] = [];
    await record.stopLeftovers((line) => lines.push(line));
    await waitFor(() => (isRunning(pid) ? undefined : true), { what: 'the leftover service to be gone' });
    expect(lines).toEqual([`stopping gateway (pid ${pid}), left running by a launcher that did not stop`]);
    expect(existsSync(join(dir, 'services.pids'))).toBe(false);
  });

  it('leaves alone a recorded pid that now belongs to some other program', async () => {
    const pid = orphanedService('something-else');
    const record = createServicePidRecord(join(dir, 'services.pids'));
    record.write({ gateway: pid });
    await record.stopLeftovers(() => undefined);
    expect(isRunning(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
  });
});
