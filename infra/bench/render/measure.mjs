// Times the methods on one template: warm-up renders, then timed renders, each with its wall time
// and CPU time (process.cpuUsage covers every thread: kernel thread, libuv/libvips threads; a child
// process such as ImageMagick's reports its own, with its peak RSS).
import process from 'node:process';
import { performance } from 'node:perf_hooks';

/**
 * Times several methods on one template with their renders interleaved (after every method's
 * warm-ups: one render of each per round, while it has timed renders left), so a change in the
 * machine's load during the run falls on all of them alike rather than on whichever ran then.
 * @param {{ method: object, warmups: number, iterations: number }[]} runs
 */
export async function measureInterleaved(runs, plan, { gc } = {}) {
  gc?.();
  for (const run of runs) for (let i = 0; i < run.warmups; i++) await run.method.render(plan);
  const results = runs.map(() => ({ wallMs: [], cpuMs: [], phases: [], childPeakRssKb: 0, output: null }));
  const rounds = Math.max(...runs.map((run) => run.iterations));
  for (let round = 0; round < rounds; round++) {
    for (const [index, run] of runs.entries()) {
      if (round >= run.iterations) continue;
      const result = results[index];
      const cpu = process.cpuUsage();
      const start = performance.now();
      const rendered = await run.method.render(plan);
      result.wallMs.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      result.cpuMs.push(rendered.cpuMs ?? (used.user + used.system) / 1000);
      if (rendered.phases) result.phases.push(rendered.phases);
      if (rendered.maxRssKb) result.childPeakRssKb = Math.max(result.childPeakRssKb, rendered.maxRssKb);
      result.output = rendered.data;
    }
  }
  return results.map((result) => ({ ...result, childPeakRssKb: result.childPeakRssKb || null }));
}

/** Nearest-rank percentile (p in 0–100) of unsorted samples. */
export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
