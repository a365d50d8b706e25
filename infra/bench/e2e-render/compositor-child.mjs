// One process standing in for a render-worker's compositor alone: the same compositor set-up as
// services/render-worker (kernel threads = min(concurrency, cores), sharp at concurrency 1), the
// same sample templates and artwork bytes, no HTTP, queue, database or storage around it. Driven
// over IPC by run.mjs: { slugs, concurrency, artworkPath, size } once, then { run: ms } per round,
// answered with { rendered, ms } (renders finished in that round, from its start to the last end). Exits when its parent disconnects.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import {
  createCompositor,
  createKernelPool,
  listSampleTemplates,
  smartObjectsOf,
  templateManifestSchema,
} from '@platen/compositor';

/** As services/render-worker/src/render-service.ts. */
const TEMPLATE_CACHE_BYTES = 512 * 1024 * 1024;
const LIMIT_INPUT_PIXELS = 100_000_000;

let compositor;
let pool;
let plans = [];
let slots = 1;

async function setup({ slugs, concurrency, artworkPath, size }) {
  slots = concurrency;
  pool = createKernelPool({ threads: Math.min(concurrency, availableParallelism()) });
  compositor = createCompositor({
    pool,
    cacheBytes: TEMPLATE_CACHE_BYTES,
    limitInputPixels: LIMIT_INPUT_PIXELS,
  });
  const artwork = await readFile(artworkPath);
  const samples = await listSampleTemplates();
  plans = slugs.map((slug) => {
    const sample = samples.find((s) => s.slug === slug);
    if (!sample) throw new Error(`no sample template ${slug}`);
    const manifest = templateManifestSchema.parse(sample.manifest);
    return {
      source: { id: sample.uuid, version: 1, manifest },
      assets: sample.assets,
      // What the benchmark's request asks for: the artwork, fit cover, in every smart object.
      inputs: smartObjectsOf(manifest).map((so) => ({
        uuid: so.uuid,
        asset: artwork,
        fit: 'cover',
        rotate: 0,
      })),
    };
  });
  // Warm up as the workers are: every template prepared and rendered a few times.
  for (const plan of plans) for (let i = 0; i < 2; i++) await renderOnce(plan, size);
}

async function renderOnce(plan, size) {
  const prepared = await compositor.prepare(plan.source, plan.assets);
  await compositor.render(prepared, plan.inputs, { format: 'jpeg', size, quality: 90 });
}

/** `slots` renders in flight, templates alternating, until `ms` have passed; counts those finished. */
async function runRound(ms, size) {
  const start = performance.now();
  const stopAt = start + ms;
  let next = 0;
  let rendered = 0;
  let lastEnd = start;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      while (performance.now() < stopAt) {
        await renderOnce(plans[next++ % plans.length], size);
        rendered++;
        lastEnd = performance.now();
      }
    }),
  );
  return { rendered, ms: lastEnd - start };
}

let size = 1000;
process.on('message', (message) => {
  const reply = (work) =>
    work.then(
      (value) => process.send({ ok: true, ...value }),
      (error) => process.send({ ok: false, error: String(error?.stack ?? error) }),
    );
  if (message.setup) {
    size = message.setup.size;
    reply(setup(message.setup).then(() => ({})));
  } else if (message.run) {
    reply(runRound(message.run, size));
  }
});
process.on('disconnect', () => {
  void (pool ? pool.close() : Promise.resolve()).finally(() => process.exit(0));
});
