// The PSD fidelity benchmark (issue 22): every Photoshop-made file of test/fixtures/psd/corpus
// imported by the render-worker's own parser thread (services/render-worker/dist/psd-parser.js) and
// checked as the import job checks it, then rendered with each smart object's embedded file and
// compared with Photoshop's composite (fidelity-check.mjs). Writes per file a side-by-side PNG
// (Photoshop | Platen | difference × 4) and a JSON report into --out ($TMPDIR/platen-psd-fidelity),
// prints the table, and with --write replaces the "## PSD fidelity" section of infra/bench/RESULTS.md.
//
//   npm run bench:psd-fidelity                     (about a minute; needs the build)
//   node infra/bench/psd-fidelity/run.mjs --write [--out DIR] [--only NAME]
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import console from 'node:console';
import { parseArgs } from 'node:util';
import { createCompositor, createDemoArtwork, createKernelPool } from '@platen/compositor';
import { DEFAULT_MAX_PIXELS } from '@platen/psd-import';
import { createPsdParser } from '../../../services/render-worker/dist/psd-parser.js';
import { classifyImportFailure } from '../../../services/render-worker/dist/import-failure.js';
import { writeSection } from '../gateway/results-section.mjs';
import { OFF_LEVELS } from './compare.mjs';
import { createFidelityCheck } from './fidelity-check.mjs';

const CORPUS = fileURLToPath(new URL('../../../test/fixtures/psd/corpus/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const GOAL_MAD = 2;

const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(os.tmpdir(), 'platen-psd-fidelity') },
    only: { type: 'string' },
  },
});

const pool = createKernelPool({ threads: Math.min(2, os.availableParallelism()) });
const compositor = createCompositor({ pool, cacheBytes: 512 * 1024 * 1024 });
let demo;
const check = createFidelityCheck({
  parse: createPsdParser({ maxPixels: DEFAULT_MAX_PIXELS, threaded: true }).parse,
  compositor,
  demoArtwork: () => (demo ??= createDemoArtwork()),
  classify: classifyImportFailure,
});

await mkdir(args.out, { recursive: true });
const files = (await readdir(CORPUS)).filter((name) => /\.ps[db]$/i.test(name)).sort();
const rows = [];
for (const name of files) {
  if (args.only && !name.includes(args.only)) continue;
  process.stdout.write(`${name}… `);
  const result = await check(await readFile(path.join(CORPUS, name)));
  const { sideBySide, ...report } = result;
  if (sideBySide) await writeFile(path.join(args.out, `${name}.png`), sideBySide);
  await writeFile(path.join(args.out, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    result.mad === undefined ? (result.code ?? result.renderError) : `MAD ${result.mad.toFixed(2)}`,
  );
  rows.push({ name, ...report });
}
await pool.close();

const pct = (share) => `${(share * 100).toFixed(1)} %`;
const codes = (warnings) => {
  const counts = new Map();
  for (const { code } of warnings) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ') || '—';
};
const worst = (row) => {
  const layer = row.worstLayers?.[0];
  return layer && layer.mad > 0 ? `${layer.layer.replaceAll('|', '/')}: ${layer.mad.toFixed(2)}` : '—';
};
const status = (row) =>
  row.status === 'refused' ? `refused ${row.code}` : row.renderError ? `ready, render failed` : 'ready';
const reference = (row) =>
  row.reference === undefined ? '—' : row.reference === 'composite' ? 'composite' : 'layers (no composite)';
const table = [
  '| file | size | status | Photoshop image | MAD | off > 16 | worst layer (MAD in its box) | import warnings |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.size ?? '—'} | ${status(row)} | ${reference(row)} | ${row.mad === undefined ? '—' : row.mad.toFixed(2)} | ${row.offShare === undefined ? '—' : pct(row.offShare)} | ${worst(row)} | ${codes(row.warnings)} |`,
  ),
];
const compared = rows.filter((row) => row.mad !== undefined);
const atGoal = compared.filter((row) => row.mad <= GOAL_MAD);
// A file over the goal that the import did not warn about is a difference nobody was told of.
const unwarned = compared.filter((row) => row.mad > GOAL_MAD && row.warnings.length === 0);
const summary = [
  `${rows.length} files: ${rows.filter((row) => row.status === 'ready').length} ready, ${rows.filter((row) => row.status === 'refused').length} refused, ${rows.filter((row) => row.renderError).length} ready but not rendering.`,
  `MAD ≤ ${GOAL_MAD}: ${atGoal.length} / ${compared.length} compared (${pct(atGoal.length / Math.max(1, compared.length))}); against Photoshop's composite: ${atGoal.filter((row) => row.reference === 'composite').length} / ${compared.filter((row) => row.reference === 'composite').length}.`,
  `Over MAD ${GOAL_MAD} without any import warning: ${unwarned.map((row) => row.name).join(', ') || 'none'}.`,
  `Median MAD ${median(compared.map((row) => row.mad)).toFixed(2)}; pixels off by > ${OFF_LEVELS} levels: ${pct(median(compared.map((row) => row.offShare)))} median.`,
];
console.log(`\n${table.join('\n')}\n\n${summary.join('\n')}`);
if (args.write) {
  const body = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus()[0]?.model.trim()} (${os.cpus().length} cores), Node ${process.version}, load ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(
        ' ',
      )}, \`npm run bench:psd-fidelity\`. Side-by-side PNGs (Photoshop | Platen | difference × 4) and per-file JSON in \`$TMPDIR/platen-psd-fidelity/\` (not committed). MAD: mean absolute difference over R, G, B in levels (0–255), both images flattened on white.`,
    '',
    ...table,
    '',
    ...summary,
  ].join('\n');
  await writeSection(RESULTS, '## PSD fidelity', body);
}
process.exit(0);

function median(values) {
  if (values.length === 0) return 0;
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
