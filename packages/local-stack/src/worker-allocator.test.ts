import { execFileSync } from 'node:child_process';
import { jemallocCandidates, workerAllocatorEnv } from './worker-allocator.js';

const linux = { platform: 'linux' as const, arch: 'x64' };

describe("the render-worker's malloc", () => {
  it("preloads Debian's libjemalloc2 when it is installed", () => {
    const present = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
    expect(workerAllocatorEnv({ env: {}, ...linux, exists: (path) => path === present })).toEqual({
      LD_PRELOAD: present,
    });
  });

  it('limits glibc to two arenas when jemalloc is not installed', () => {
    expect(workerAllocatorEnv({ env: {}, ...linux, exists: () => false })).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it("leaves an operator's own LD_PRELOAD or MALLOC_ARENA_MAX alone", () => {
    expect(
      workerAllocatorEnv({ env: { LD_PRELOAD: '/opt/tcmalloc.so' }, ...linux, exists: () => true }),
    ).toEqual({});
    expect(workerAllocatorEnv({ env: { MALLOC_ARENA_MAX: '4' }, ...linux, exists: () => true })).toEqual({});
  });

  it('changes nothing off Linux', () => {
    expect(workerAllocatorEnv({ env: {}, platform: 'darwin', arch: 'arm64', exists: () => true })).toEqual(
      {},
    );
  });

  it('looks for arm64 builds in their own multiarch directory', () => {
    expect(jemallocCandidates('arm64')[0]).toBe('/usr/lib/aarch64-linux-gnu/libjemalloc.so.2');
  });

  it('gives a node process started with it the allocator it names', () => {
    const added = workerAllocatorEnv({ env: {} });
    if (process.platform !== 'linux') return;
    // What the child itself sees: jemalloc mapped into it, or the arena limit in its environment.
    const seen = execFileSync(
      process.execPath,
      [
        '-e',
        'const maps = require("fs").readFileSync("/proc/self/maps", "utf8"); console.log(JSON.stringify({ jemalloc: maps.includes("libjemalloc"), arenas: process.env.MALLOC_ARENA_MAX ?? null }))',
      ],
      { env: { PATH: process.env.PATH, ...added }, encoding: 'utf8' },
    );
    expect(JSON.parse(seen)).toEqual(
      added.LD_PRELOAD ? { jemalloc: true, arenas: null } : { jemalloc: false, arenas: '2' },
    );
  });
});
