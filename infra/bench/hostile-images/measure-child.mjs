// Child of run.mjs: one fresh process per input. Prepares the poster template as a render worker
// does (kernel pool of one thread, sharp at concurrency 1, 100 MP cap), notes its RSS, renders the
// one input into every smart object (cover, 2000 px JPEG q90) and prints the outcome and the peaks.
// Usage: node measure-child.mjs DIR CASE
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { createCompositor, createKernelPool, isCompositorError } from '@platen/compositor';

const [dir, name] = process.argv.slice(2);
if (!dir || !name) {
  process.stderr.write('usage: node measure-child.mjs DIR CASE\n');
  process.exit(2);
}

const template = JSON.parse(await readFile(join(dir, 'template.json'), 'utf8'));
const assets = new Map();
for (const asset of template.names)
  assets.set(asset, await readFile(join(dir, 'assets', encodeURIComponent(asset))));
const artwork = name === 'template-only' ? null : await readFile(join(dir, 'inputs', name));

const pool = createKernelPool({ threads: 1 });
const compositor = createCompositor({
  pool,
  cacheBytes: 512 * 1024 * 1024,
  limitInputPixels: 100_000_000,
  sharpConcurrency: 1,
});
const prepared = await compositor.prepare(
  { id: template.id, version: 1, manifest: template.manifest },
  assets,
);
const preparedKb = statusKb('VmHWM');

let outcome = 'prepared only';
let ms = null;
if (artwork) {
  const inputs = template.manifest.layers
    .filter((layer) => layer.type === 'smart_object')
    .map((layer) => ({ uuid: layer.uuid, asset: artwork, fit: 'cover', rotate: 0 }));
  const start = performance.now();
  try {
    const out = await compositor.render(prepared, inputs, { format: 'jpeg', size: 2000, quality: 90 });
    outcome = `rendered ${out.width}×${out.height}`;
  } catch (error) {
    if (!isCompositorError(error)) throw error;
    outcome = error.code;
  }
  ms = performance.now() - start;
}
await pool.close();
process.stdout.write(
  JSON.stringify({
    outcome,
    ms,
    preparedKb,
    peakKb: statusKb('VmHWM'),
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);

/** A /proc/self/status field (kB): VmHWM is this address space's own peak RSS. */
function statusKb(field) {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]);
}
