// The PSD import benchmark (issue 10): a 5000 × 5000 document with 3 placed layers, made in code,
// imported by Platen's importer (header check, ag-psd parse, smart objects, PNG encoding of the
// static layers) beside the bare ag-psd parse of the same bytes as the baseline; then the imported
// template's first render (its layers decoded and flattened) against a cached render, 2000 px JPEG.
// Prints a table and, with --write, replaces the "## PSD import" section of infra/bench/RESULTS.md.
//
//   npm run bench:psd-import            (about a minute; needs the build)
//   node infra/bench/psd-import/run.mjs --runs 5 --write
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import process from 'node:process';
import { URL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import console from 'node:console';
import { parseArgs } from 'node:util';
import { readPsd } from 'ag-psd';
import sharp from 'sharp';
import {
  createCompositor,
  createDemoArtwork,
  createKernelPool,
  smartObjectsOf,
  templateManifestSchema,
} from '@platen/compositor';
import { importPsd, makeTestPsd } from '@platen/psd-import';
import { writeSection } from '../gateway/results-section.mjs';
import { loadAverage } from '../render/machine.mjs';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, write: { type: 'boolean', default: false } },
});
const RUNS = Number(args.runs);
const SIDE = 5000;
const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(0)} ms`;

async function time(work) {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

const loadBefore = loadAverage();
console.log(`making a ${SIDE}×${SIDE} PSD with 3 smart objects…`);
const psd = await makeTestPsd({
  width: SIDE,
  height: SIDE,
  background: [235, 232, 225],
  smartObjects: [
    {
      name: 'Poster',
      x: 600,
      y: 500,
      width: 1800,
      height: 2400,
      corners: [
        [600, 500],
        [2300, 620],
        [2250, 2950],
        [650, 2800],
      ],
    },
    {
      name: 'Card',
      x: 2800,
      y: 700,
      width: 1500,
      height: 1000,
      warp: Array.from({ length: 16 }, (_, i) => ({
        x: ((i % 4) * 1500) / 3,
        y: (Math.floor(i / 4) * 1000) / 3 + ([5, 6].includes(i) ? 120 : 0),
      })),
    },
    {
      name: 'Label',
      x: 1200,
      y: 3400,
      width: 2600,
      height: 1200,
      blendMode: 'multiply',
      maskBox: { x: 1200, y: 3400, width: 2600, height: 1100 },
    },
  ],
  above: [
    {
      name: 'Vignette',
      left: 0,
      top: 0,
      right: SIDE,
      bottom: 600,
      opacity: 0.6,
      imageData: { width: SIDE, height: 600, data: new Uint8ClampedArray(SIDE * 600 * 4).fill(40) },
    },
  ],
});
console.log(`PSD: ${(psd.length / 1024 / 1024).toFixed(1)} MB`);

const uuids = [randomUUID(), randomUUID(), randomUUID()];
// A warm-up import (it also gives ag-psd its Node image-data constructor for the bare parse).
await importPsd(psd, { smartObjectUuid: (index) => uuids[index] });
const parse = [];
const imports = [];
let imported;
for (let run = 0; run < RUNS; run++) {
  // Interleaved, so machine load weighs on both alike.
  parse.push(
    (
      await time(() =>
        readPsd(psd, {
          useImageData: true,
          skipCompositeImageData: true,
          skipThumbnail: true,
          skipLinkedFilesData: true,
        }),
      )
    ).ms,
  );
  const done = await time(() => importPsd(psd, { smartObjectUuid: (index) => uuids[index] }));
  imports.push(done.ms);
  imported = done.result;
}

const pool = createKernelPool({ threads: Math.min(2, os.availableParallelism()) });
const compositor = createCompositor({ pool, cacheBytes: 1024 * 1024 * 1024 });
const manifest = templateManifestSchema.parse(imported.manifest);
const artwork = await sharp(await createDemoArtwork(1200, 1500))
  .jpeg()
  .toBuffer();
const inputs = smartObjectsOf(manifest).map((so) => ({
  uuid: so.uuid,
  asset: artwork,
  fit: 'cover',
  rotate: 0,
}));
const exportOptions = { format: 'jpeg', size: 2000, quality: 85 };
const firsts = [];
const cached = [];
for (let run = 0; run < RUNS; run++) {
  const source = { id: randomUUID(), version: 1, manifest };
  firsts.push(
    (
      await time(async () =>
        compositor.render(await compositor.prepare(source, imported.assets), inputs, exportOptions),
      )
    ).ms,
  );
  cached.push(
    (
      await time(async () =>
        compositor.render(await compositor.prepare(source, imported.assets), inputs, exportOptions),
      )
    ).ms,
  );
}

const rows = [
  ['ag-psd parse alone (baseline)', median(parse), Math.min(...parse)],
  ['Platen import (parse + smart objects + PNG layers)', median(imports), Math.min(...imports)],
  ['first render of the imported template (layers decoded)', median(firsts), Math.min(...firsts)],
  ['cached render (same template again)', median(cached), Math.min(...cached)],
];
const body = [
  `Run ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model.trim()} (${os.cpus().length} cores), Node ${process.version}, load ${loadBefore.join(' ')} → ${loadAverage().join(' ')}; ${RUNS} runs each, interleaved.`,
  `A ${SIDE}×${SIDE} PSD (${(psd.length / 1024 / 1024).toFixed(1)} MB) with 3 smart objects (perspective, warp, multiply + mask) and 2 pixel layers, made by \`makeTestPsd\`; renders are 2000 px JPEG with a 1200×1500 artwork.`,
  '',
  '| step | median | best |',
  '|---|---|---|',
  ...rows.map(([label, mid, best]) => `| ${label} | ${ms(mid)} | ${ms(best)} |`),
  '',
  `Import / bare parse: ${(median(imports) / median(parse)).toFixed(2)}×. First render / cached render: ${(median(firsts) / median(cached)).toFixed(2)}× (the import's own thumbnail render already warms the worker's cache, so a client's first render is usually the cached one).`,
].join('\n');
console.log(`\n${body}`);
await pool.close();
if (args.write) await writeSection(RESULTS, '## PSD import', body);
process.exit(0);
