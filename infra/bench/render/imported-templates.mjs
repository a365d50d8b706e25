// Issue 22: do imported mockups keep rendering fast? Platen's render time (p50, warm template
// cache, one artwork) of a few PSD corpus documents imported as a user's upload is, beside every
// built-in sample template, measured in the same process and run, pinned to CPU 0, one kernel thread.
//   node infra/bench/render/imported-templates.mjs [--iterations 10] [--write]
// --write puts the table in infra/bench/RESULTS.md ("Render (compositor)", "Imported templates").
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import sharp from 'sharp';
import { allLayersOf, listSampleTemplates, smartObjectsOf } from '@platen/compositor';
import { importPsd } from '@platen/psd-import';
import { createBenchArtwork } from './artwork.mjs';
import { loadAverage, machineFacts, pinToFirstCpu } from './machine.mjs';
import { measureInterleaved, percentile } from './measure.mjs';
import { createPlatenMethod } from './platen-method.mjs';
import { IMPORTED_SUBSECTION, writeSubsection } from './results-file.mjs';
import { planTemplate } from './template-plan.mjs';

const CORPUS = fileURLToPath(new URL('../../../test/fixtures/psd/corpus/', import.meta.url));
const RESULTS_PATH = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
/** A few corpus documents (test/fixtures/psd/corpus/SOURCES.md) that stress different paths. */
const IMPORTED = [
  ['psd-tools_rgb-blend-modes.psd', '54 instances of one smart object, every blend mode, in groups'],
  ['PhotoshopAPI_smart_objects_transformed.psd', '11 instances: scaled, rotated, perspective, warped'],
  ['ag-psd_werps.psd', 'six instances under custom and grid warps'],
  ['ag-psd_cyllinder-warp.psd', 'a cylinder warp'],
  ['ag-psd_placed-transform.psd', 'one placed layer in perspective, 1280 × 1920'],
];
/** As the render benchmark exports the built-ins; an imported document keeps its size up to it. */
const EXPORT = { format: 'jpeg', size: 2000, quality: 90 };
const WARMUPS = 2;

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '10' },
    write: { type: 'boolean', default: false },
  },
});
const iterations = Number(values.iterations);
if (!(Number.isInteger(iterations) && iterations >= 1 && iterations <= 100))
  throw new Error('--iterations must be an integer from 1 to 100');
const log = (line) => process.stderr.write(`${line}\n`);

const pin = pinToFirstCpu();
sharp.cache(false);
sharp.concurrency(1);
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const facts = machineFacts({});
const loadStart = loadAverage();
log(`${facts.date}  ${facts.cpu}, ${facts.cores} cores; ${pin.note}; load ${loadStart.join(' ')}`);

const artwork = await createBenchArtwork();
const entries = [];
for (const sample of await listSampleTemplates())
  entries.push({ kind: 'built-in', plan: await planTemplate(sample, artwork, EXPORT) });
for (const [file, what] of IMPORTED) {
  const imported = await importPsd(await readFile(join(CORPUS, file)), {
    smartObjectUuid: () => randomUUID(),
  });
  const { width, height } = imported.manifest;
  const size = Math.min(EXPORT.size, Math.max(width, height, 64));
  const sample = {
    uuid: randomUUID(),
    slug: file,
    name: file,
    manifest: imported.manifest,
    assets: imported.assets,
  };
  entries.push({ kind: `imported: ${what}`, plan: await planTemplate(sample, artwork, { ...EXPORT, size }) });
}

const method = createPlatenMethod({ threads: 1 });
const rows = [];
for (const { kind, plan } of entries) {
  const { prepareMs } = await method.setup(plan);
  const [measured] = await measureInterleaved([{ method, warmups: WARMUPS, iterations }], plan, { gc });
  const layers = [...allLayersOf(plan.manifest.layers)];
  const groups = layers.filter((layer) => layer.type === 'group').length;
  const wall = percentile(measured.wallMs, 50);
  const cpu = percentile(measured.cpuMs, 50);
  log(`${plan.slug}: p50 ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU`);
  rows.push(
    `| ${plan.slug} | ${kind} | ${plan.manifest.width}×${plan.manifest.height} → ${plan.output.width}×${plan.output.height} | ` +
      `${layers.length - groups} / ${groups} / ${smartObjectsOf(plan.manifest).length} | ${prepareMs.toFixed(0)} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${(cpu / ((plan.output.width * plan.output.height) / 1e6)).toFixed(0)} |`,
  );
}
await method.close();

const body = [
  `${IMPORTED_SUBSECTION} (\`node infra/bench/render/imported-templates.mjs\`, ${facts.date.slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `Issue 22: the render time of PSD documents imported as uploads, beside the built-ins, in one run. ${facts.cpu}, ${facts.cores} cores (cgroup CPU limit: ${facts.cpuLimit}), node ${facts.node}, sharp ${facts.sharp} / libvips ${facts.libvips}; ${pin.pinned ? 'pinned to CPU 0' : pin.note}; load ${loadStart.join(' ')} at start, ${loadAverage().join(' ')} at end (a shared machine: read the CPU column). Platen's compositor only, one kernel thread, each template prepared once (the warm template cache a worker has), then ${WARMUPS} warm-up and ${iterations} timed renders; the render benchmark's artwork (3000×3000 JPEG) in every smart object, fit \`cover\`; export JPEG q${EXPORT.quality} at ${EXPORT.size} px longest side, an imported document at its own size up to that. Imports are \`importPsd\` of test/fixtures/psd/corpus (SOURCES.md) as the render-worker runs it.`,
  '',
  '| template | kind | canvas → output | layers / groups / smart objects | prepare, ms | p50 wall, ms | p50 CPU, ms | CPU per output MP, ms |',
  '|---|---|---|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
process.stdout.write(`${body}\n`);
if (values.write) {
  await writeSubsection(RESULTS_PATH, IMPORTED_SUBSECTION, body);
  log(`wrote ${RESULTS_PATH}`);
}
