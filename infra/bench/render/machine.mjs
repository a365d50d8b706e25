// The facts a benchmark result is meaningless without: CPU, cores and their limit, load, library
// versions; and pinning the whole process (every thread, and children to come) to one CPU.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import process from 'node:process';
import sharp from 'sharp';

/** Pins every thread of this process to CPU 0; threads and child processes started later inherit it. */
export function pinToFirstCpu() {
  const result = spawnSync('taskset', ['-a', '-c', '-p', '0', String(process.pid)], { encoding: 'utf8' });
  if (result.error) return { pinned: false, note: 'not pinned: taskset not found' };
  if (result.status !== 0)
    return { pinned: false, note: `not pinned: taskset failed (${result.stderr.trim()})` };
  return { pinned: true, note: 'pinned to CPU 0 (`taskset -a -cp 0`, inherited by threads and ImageMagick)' };
}

export function loadAverage() {
  return os.loadavg().map((value) => value.toFixed(2));
}

export function machineFacts({ imageMagick }) {
  const cpus = os.cpus();
  const require = createRequire(import.meta.url);
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    cpuLimit: cgroupCpuLimit(),
    memoryGb: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
    jimp: require('jimp/package.json').version,
    imageMagick: imageMagick ?? 'ImageMagick not installed',
  };
}

/** The cgroup CPU quota (v2 cpu.max, else v1 cfs quota), e.g. "1.50 CPUs", or "none". */
function cgroupCpuLimit() {
  const read = (path) => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return null;
    }
  };
  const v2 = read('/sys/fs/cgroup/cpu.max')?.split(/\s+/);
  const quota = v2 ? v2[0] : read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = v2 ? v2[1] : read('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  if (quota === null || period === null) return 'unknown';
  if (quota === 'max' || Number(quota) < 0) return 'none';
  return `${(Number(quota) / Number(period)).toFixed(2)} CPUs`;
}
