// Platen's compositor as a render worker runs it: a kernel pool of `threads` threads, sharp at
// concurrency 1, each template prepared once (every render then hits the cache), the artwork
// decoded once per render. The pool is wrapped to timestamp its one compose per render, which
// splits a render into decode (before it), compose (the JS kernels) and encode (after it).
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { createCompositor, createKernelPool } from '@platen/compositor';

const CACHE_BYTES = 1024 * 1024 * 1024;

/** @param {{ threads?: number }} [options] threads 0 runs the kernels inline (for CPU profiles). */
export function createPlatenMethod({ threads = 1 } = {}) {
  const kernels = createKernelPool({ threads });
  let marks = null;
  const pool = {
    threads: kernels.threads,
    async compose(task) {
      if (marks) marks.composeStart = snapshot();
      const canvas = await kernels.compose(task);
      if (marks) marks.composeEnd = snapshot();
      return canvas;
    },
    close: () => kernels.close(),
  };
  const compositor = createCompositor({ pool, cacheBytes: CACHE_BYTES, sharpConcurrency: 1 });
  const sourceOf = (plan) => ({ id: plan.uuid, version: 1, manifest: plan.manifest });

  return {
    name: 'platen',
    label: 'Platen compositor',
    async setup(plan) {
      const start = performance.now();
      await compositor.prepare(sourceOf(plan), plan.assets);
      return { prepareMs: performance.now() - start, cacheBytes: compositor.cache.bytes };
    },
    async render(plan) {
      const start = snapshot();
      marks = {};
      try {
        const prepared = await compositor.prepare(sourceOf(plan), plan.assets);
        const { data } = await compositor.render(prepared, plan.inputs, plan.exportOptions);
        const end = snapshot();
        const { composeStart, composeEnd } = marks;
        return {
          data,
          phases: composeStart && composeEnd ? phasesOf(start, composeStart, composeEnd, end) : undefined,
        };
      } finally {
        marks = null;
      }
    },
    close: () => pool.close(),
  };
}

function snapshot() {
  return { wall: performance.now(), cpu: process.cpuUsage() };
}

function phasesOf(start, composeStart, composeEnd, end) {
  const phase = (from, to) => ({
    wallMs: to.wall - from.wall,
    cpuMs: (to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system) / 1000,
  });
  return {
    decode: phase(start, composeStart),
    compose: phase(composeStart, composeEnd),
    encode: phase(composeEnd, end),
  };
}
