// A fast reproduction of the soak's render-worker memory climb (issue #24): the soak's stack (key-service,
// gateway, render-workers from dist on 127.0.0.1), render POSTs at a steady rate for a few minutes, and
// every few seconds each worker's resident set beside its JS heap and external memory (prom-client's
// default metrics on its metrics port). Which of them climbs names the kind of growth: the JS heap (a
// leak in our code), external (Buffers/ArrayBuffers held from JS) or only the resident set (native
// memory: libvips, worker threads' isolates, or the allocator's arenas).
// Workers run side by side, one per allocator variant, under the same traffic: MEM_VARIANTS lists them
// (glibc: the default malloc; arena2: glibc with MALLOC_ARENA_MAX=2; jemalloc: LD_PRELOAD of
// MEM_JEMALLOC). MEM_HEAP_SNAPSHOTS=1 also takes a heap snapshot of each worker after the warm-up and
// after the traffic and prints the constructors whose object count grew most.
// Usage: MEM_RATE=14 MEM_SECONDS=300 MEM_VARIANTS=glibc,jemalloc node infra/bench/load/worker-memory.mjs
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { startPlatenStack } from '../platen-stack.mjs';
import { nativeRest, rssBytes, workerMemory } from './samplers.mjs';
import { createTrafficAgent, mixedTraffic, posterRenderRequest } from './traffic.mjs';

const JEMALLOC = process.env.MEM_JEMALLOC ?? '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const VARIANTS = {
  glibc: {},
  arena2: { MALLOC_ARENA_MAX: '2' },
  jemalloc: { LD_PRELOAD: JEMALLOC },
};

function envNumber(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in ${min}–${max}`);
  return n;
}

const rate = envNumber('MEM_RATE', 14, 1, 200); // renders per second
const seconds = envNumber('MEM_SECONDS', 300, 10, 3600);
const sampleSeconds = envNumber('MEM_SAMPLE_SECONDS', 5, 1, 60);
const renderSize = envNumber('MEM_RENDER_SIZE', 1000, 100, 4000);
const variants = (process.env.MEM_VARIANTS ?? 'glibc,jemalloc').split(',').filter(Boolean);
for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: ${Object.keys(VARIANTS)}`);
const snapshots = process.env.MEM_HEAP_SNAPSHOTS === '1';

const log = (message) => process.stderr.write(`[worker-memory] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes) => (bytes == null ? '–' : (bytes / 2 ** 20).toFixed(1));

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

/** Node counts and self sizes in a V8 heap snapshot file: totals, and objects by constructor name. */
async function constructorCounts(file) {
  const snapshot = JSON.parse(await readFile(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const counts = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]];
    // Totals first (all nodes, and per node type: code and strings are not objects), then by name.
    for (const total of ['(all nodes)', `(all ${type} nodes)`]) {
      const entry = counts.get(total) ?? { count: 0, bytes: 0 };
      entry.count += 1;
      entry.bytes += snapshot.nodes[i + sizeAt];
      counts.set(total, entry);
    }
    if (type !== 'object' && type !== 'closure' && type !== 'array') continue;
    const key = `${type === 'object' ? '' : `(${type}) `}${snapshot.strings[snapshot.nodes[i + nameAt]]}`;
    const entry = counts.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[i + sizeAt];
    counts.set(key, entry);
  }
  return counts;
}

/** Asks the worker for a heap snapshot (SIGUSR2) and waits for its new file (named with its pid). */
async function takeSnapshot(pid, dir) {
  const mine = (f) => f.endsWith('.heapsnapshot') && f.includes(`.${pid}.`);
  const before = new Set((await readdir(dir)).filter(mine));
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 180_000; waited += 1_000) {
    await sleep(1_000);
    const fresh = (await readdir(dir)).filter((f) => mine(f) && !before.has(f));
    if (!fresh.length) continue;
    // The file appears before it is complete: wait until its size settles.
    const file = join(dir, fresh[0]);
    for (let size = -1; ; await sleep(1_000)) {
      const now = (await stat(file)).size;
      if (now === size && now > 0) return file;
      size = now;
    }
  }
  throw new Error(`no heap snapshot from ${pid}`);
}

const snapshotDir = snapshots ? await mkdtemp(join(tmpdir(), 'platen-heap-')) : null;
const stack = await startPlatenStack({
  name: 'mem',
  log,
  workers: variants.length,
  workerNodeArgs: snapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [],
  workerEnv: (i) => VARIANTS[variants[i]],
  workerAllocator: 'inherit',
  stopGraceMs: 20_000,
});
const agent = createTrafficAgent();
try {
  const { url, apiKey } = stack;
  const workers = stack.processes.workers.map((w, i) => ({ ...w, variant: variants[i] }));
  const { headers, renderBody } = await posterRenderRequest({ url, apiKey, size: renderSize });
  const running = new Set();
  const traffic = (r, s) =>
    mixedTraffic({ agent, url, headers, renderBody, rate: r / 0.95, getShare: 0.05, seconds: s, running });

  log(`warming up (workers: ${workers.map((w) => `${w.name} ${w.variant}`).join(', ')})`);
  await traffic(rate, 30);
  await sleep(10_000);

  const snapshotAll = () => Promise.all(workers.map((w) => takeSnapshot(w.child.pid, snapshotDir)));
  const startSnaps = snapshots ? await snapshotAll() : [];

  const samples = workers.map(() => []);
  const t0 = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const tick = Date.now();
      await Promise.all(
        workers.map(async (w, i) => {
          const m = await workerMemory(w.metricsUrl);
          if (m) samples[i].push({ t: (tick - t0) / 1000, ...m, procRss: rssBytes(w.child.pid) });
        }),
      );
      await sleep(Math.max(0, sampleSeconds * 1000 - (Date.now() - tick)));
    }
  })();
  const loadStart = loadavg();
  log(`running ${rate} renders/s for ${seconds} s`);
  const result = await traffic(rate, seconds);
  await sleep(10_000);
  sampling = false;
  await sampler;
  const loadEnd = loadavg();
  const endSnaps = snapshots ? await snapshotAll() : [];

  const lines = [
    `worker-memory ${new Date(t0).toISOString()}: ${rate} renders/s for ${seconds} s (JPEG ${renderSize} px, poster-on-wall, inline 1×1 PNG); node ${process.version}; load ${loadStart.map((n) => n.toFixed(2)).join(' ')} → ${loadEnd.map((n) => n.toFixed(2)).join(' ')}; renders accepted ${result.post.okPerSecond.toFixed(1)}/s, errors ${result.get.errors + result.post.errors} (${JSON.stringify({ ...result.get.errorKinds, ...result.post.errorKinds })})`,
    '',
  ];
  const windows = 6;
  for (const [i, w] of workers.entries()) {
    const list = samples[i];
    lines.push(`${w.name} (${w.variant}): MB per sixth of the run (median of its samples), renders done`);
    lines.push(
      '| part | renders | RSS | heapTotal | heapUsed | external | kernel threads heapTotal | RSS − heaps − external |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    const span = list.at(-1).t;
    for (let k = 0; k < windows; k++) {
      const part = list.filter((s) => s.t >= (k * span) / windows && s.t <= ((k + 1) * span) / windows);
      const median = (key) => {
        const v = part.map((s) => s[key]).sort((a, b) => a - b);
        return v[Math.floor(v.length / 2)];
      };
      const rest = part.map(nativeRest).sort((a, b) => a - b);
      lines.push(
        `| ${k + 1}/${windows} | ${median('renders')} | ${mb(median('rss'))} | ${mb(median('heapTotal'))} | ${mb(median('heapUsed'))} | ${mb(median('external'))} | ${mb(median('threadsHeapTotal'))} | ${mb(rest[Math.floor(rest.length / 2)])} |`,
      );
    }
    // Slopes over the second half (past the warm-up's settling), per minute and per 1,000 renders.
    const late = list.filter((s) => s.t >= span / 2);
    const perMin = (key) => (slope(late.map((s) => ({ x: s.t / 60, y: s[key] }))) / 2 ** 20).toFixed(2);
    const perK = (key) => (slope(late.map((s) => ({ x: s.renders / 1000, y: s[key] }))) / 2 ** 20).toFixed(2);
    lines.push(
      `second-half slope, MB/min (MB per 1,000 renders): RSS ${perMin('rss')} (${perK('rss')}), heapUsed ${perMin('heapUsed')} (${perK('heapUsed')}), external ${perMin('external')} (${perK('external')})`,
      '',
    );
  }
  if (snapshots) {
    for (const [i, w] of workers.entries()) {
      const [a, b] = await Promise.all([constructorCounts(startSnaps[i]), constructorCounts(endSnaps[i])]);
      const growth = [...b.entries()]
        .map(([name, v]) => ({
          name,
          count: v.count - (a.get(name)?.count ?? 0),
          bytes: v.bytes - (a.get(name)?.bytes ?? 0),
        }))
        .sort((x, y) => y.count - x.count);
      const totals = growth.filter((g) => g.name.startsWith('(all ')).sort((x, y) => y.bytes - x.bytes);
      const top = growth.filter((g) => !g.name.startsWith('(all ')).slice(0, 12);
      lines.push(`${w.name}: heap growth between the snapshots (count, self bytes): totals, then by name`);
      for (const g of [...totals, ...top])
        lines.push(
          `  ${g.name}: ${g.count >= 0 ? '+' : ''}${g.count} (${g.bytes >= 0 ? '+' : ''}${g.bytes})`,
        );
      lines.push('');
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  agent.destroy();
  await stack.stop();
  if (snapshotDir) await rm(snapshotDir, { recursive: true, force: true });
}
