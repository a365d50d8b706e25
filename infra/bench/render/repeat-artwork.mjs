// Issue 24's measure: what one artwork rendered ten times costs with the decoded-artwork cache
// (ARTWORK_CACHE_BYTES) against one render of it without, per template and for ten renders spread
// over every template. Same process, pinned to CPU 0, one kernel thread, templates prepared first;
// each render gets a fresh copy of the artwork's bytes, as ten jobs would (so the hash is paid).
//   node infra/bench/render/repeat-artwork.mjs [--renders 10] [--singles 8] [--write]
// --write puts the table in infra/bench/RESULTS.md ("Render (compositor)", "Repeated artwork").
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createCompositor, createKernelPool, listSampleTemplates } from '@platen/compositor';
import { createBenchArtwork } from './artwork.mjs';
import { loadAverage, machineFacts, pinToFirstCpu } from './machine.mjs';
import { percentile } from './measure.mjs';
import { REPEAT_SUBSECTION, writeSubsection } from './results-file.mjs';
import { planTemplate } from './template-plan.mjs';

const EXPORT = { format: 'jpeg', size: 2000, quality: 90 };
const ARTWORK_CACHE_BYTES = 256 * 1024 ** 2;

const { values } = parseArgs({
  options: {
    renders: { type: 'string', default: '10' },
    singles: { type: 'string', default: '8' },
    write: { type: 'boolean', default: false },
  },
});
const RESULTS_PATH = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const renders = Number(values.renders);
const singles = Number(values.singles);

const pin = pinToFirstCpu();
sharp.cache(false);
sharp.concurrency(1);
const facts = machineFacts({});
const loadStart = loadAverage();
const artwork = await createBenchArtwork();
const plans = [];
for (const sample of await listSampleTemplates()) plans.push(await planTemplate(sample, artwork, EXPORT));

const pool = createKernelPool({ threads: 1 });
const compositorOf = (artworkCacheBytes) =>
  createCompositor({ pool, cacheBytes: 1024 ** 3, sharpConcurrency: 1, artworkCacheBytes });
const uncached = compositorOf(0);

const sourceOf = (plan) => ({ id: plan.uuid, version: 1, manifest: plan.manifest });
async function renderOnce(compositor, plan) {
  const prepared = await compositor.prepare(sourceOf(plan), plan.assets);
  const inputs = plan.inputs.map((input) => ({ ...input, asset: Buffer.from(input.asset) }));
  await compositor.render(prepared, inputs, plan.exportOptions);
}
async function timed(work) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

// One render each, uncached: prepare the templates and warm every path.
for (const plan of plans) for (let i = 0; i < 2; i++) await renderOnce(uncached, plan);

const rows = [];
const single = new Map();
for (const plan of plans) {
  const samples = [];
  for (let i = 0; i < singles; i++) samples.push(await timed(() => renderOnce(uncached, plan)));
  single.set(plan.slug, {
    wallMs: percentile(
      samples.map((s) => s.wallMs),
      50,
    ),
    cpuMs: percentile(
      samples.map((s) => s.cpuMs),
      50,
    ),
  });
}
async function batch(label, list) {
  const compositor = compositorOf(ARTWORK_CACHE_BYTES);
  for (const plan of plans) await compositor.prepare(sourceOf(plan), plan.assets);
  const total = await timed(async () => {
    for (const plan of list) await renderOnce(compositor, plan);
  });
  const base = list.map((plan) => single.get(plan.slug));
  const oneWall = base.reduce((sum, s) => sum + s.wallMs, 0) / base.length;
  const oneCpu = base.reduce((sum, s) => sum + s.cpuMs, 0) / base.length;
  const { hits, misses } = compositor.artworkCache;
  rows.push(
    `| ${label} | ${oneWall.toFixed(1)} / ${oneCpu.toFixed(1)} | ${total.wallMs.toFixed(0)} / ${total.cpuMs.toFixed(0)} | ` +
      `${(total.wallMs / oneWall).toFixed(2)}× | ${((100 * total.cpuMs) / list.length / oneCpu).toFixed(0)} % | ${misses} / ${hits} |`,
  );
}
for (const plan of plans)
  await batch(
    plan.slug,
    Array.from({ length: renders }, () => plan),
  );
await batch(
  `${renders} over all ${plans.length} templates`,
  Array.from({ length: renders }, (_, i) => plans[i % plans.length]),
);
await pool.close();

const body = [
  `${REPEAT_SUBSECTION} (\`node infra/bench/render/repeat-artwork.mjs\`, ${facts.date.slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `${facts.cpu}, ${facts.cores} cores, node ${facts.node}, sharp ${facts.sharp} / libvips ${facts.libvips}; ${pin.pinned ? 'pinned to CPU 0' : pin.note}; load ${loadStart.join(' ')} at start, ${loadAverage().join(' ')} at end (shared machine: read the CPU columns). The render benchmark's artwork (3000×3000 JPEG) and export (JPEG q90, 2000 px); one kernel thread. "One render" is the p50 of ${singles} renders without the artwork cache; "${renders} renders" run one after another on a fresh compositor with a ${ARTWORK_CACHE_BYTES / 1024 ** 2} MiB artwork cache (templates prepared before), each with a fresh copy of the bytes.`,
  '',
  `| renders of one artwork | one render, ms wall / CPU | ${renders} renders, ms wall / CPU | ${renders} renders ÷ one (wall) | CPU per render ÷ one render's | decodes / cache hits |`,
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
process.stdout.write(`${body}\n`);
if (values.write) await writeSubsection(RESULTS_PATH, REPEAT_SUBSECTION, body);
