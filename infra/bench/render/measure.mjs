// Times one method on one template: warm-up renders, then timed renders, each with its wall time
// and CPU time (process.cpuUsage covers every thread: kernel thread, libuv/libvips threads; a child
// process such as ImageMagick's reports its own, with its peak RSS).
import process from 'node:process';
import { performance } from 'node:perf_hooks';

/**
 * @param {{ render(plan: object): Promise<{ data: Buffer, cpuMs?: number, maxRssKb?: number, phases?: object }> }} method
 * @param {object} plan
 * @param {{ warmups: number, iterations: number, gc?: () => void }} options
 */
export async function measure(method, plan, { warmups, iterations, gc }) {
  gc?.();
  for (let i = 0; i < warmups; i++) await method.render(plan);
  const wallMs = [];
  const cpuMs = [];
  const phases = [];
  let childPeakRssKb = 0;
  let output = null;
  for (let i = 0; i < iterations; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await method.render(plan);
    wallMs.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs.push(result.cpuMs ?? (used.user + used.system) / 1000);
    if (result.phases) phases.push(result.phases);
    if (result.maxRssKb) childPeakRssKb = Math.max(childPeakRssKb, result.maxRssKb);
    output = result.data;
  }
  return { wallMs, cpuMs, phases, childPeakRssKb: childPeakRssKb || null, output };
}

/** Nearest-rank percentile (p in 0–100) of unsorted samples. */
export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
