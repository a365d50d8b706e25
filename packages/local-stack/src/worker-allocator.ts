// The malloc a render-worker runs with. sharp's libvips work runs on several threads, and glibc's
// malloc gives each thread arenas of its own that fragment: a worker's resident set climbed ~1 MB a
// minute in the soak with nothing retained (issue #24). jemalloc (Debian's libjemalloc2), which sharp
// recommends on glibc systems, keeps it about 200 MB lower and, with the kernel threads' young
// generation bounded, flat over the 30-minute soak (infra/bench/RESULTS.md); without it, glibc
// limited to two arenas (MALLOC_ARENA_MAX=2) held it flat in a 6-minute comparison. An operator's own LD_PRELOAD or MALLOC_ARENA_MAX wins.
import { existsSync } from 'node:fs';
import { arch as osArch } from 'node:os';

/** Debian/Ubuntu's multiarch directory names, by Node's `process.arch`. */
const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

export interface WorkerAllocatorDeps {
  /** The environment the worker would otherwise get. */
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
  exists?: (path: string) => boolean;
}

/** Where jemalloc is looked for: the multiarch path of libjemalloc2, then the usual others. */
export function jemallocCandidates(arch: string): string[] {
  const multiarch = MULTIARCH[arch];
  return [
    ...(multiarch ? [`/usr/lib/${multiarch}/libjemalloc.so.2`] : []),
    '/usr/local/lib/libjemalloc.so.2',
    '/usr/lib64/libjemalloc.so.2',
    '/usr/lib/libjemalloc.so.2',
  ];
}

/** The variables to add to a render-worker's environment (none off Linux or when the operator chose). */
export function workerAllocatorEnv({
  env,
  platform = process.platform,
  arch = osArch(),
  exists = existsSync,
}: WorkerAllocatorDeps): Record<string, string> {
  if (platform !== 'linux') return {};
  if (env.LD_PRELOAD || env.MALLOC_ARENA_MAX) return {};
  const jemalloc = jemallocCandidates(arch).find((path) => exists(path));
  return jemalloc ? { LD_PRELOAD: jemalloc } : { MALLOC_ARENA_MAX: '2' };
}
