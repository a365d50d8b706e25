// Issue #9's memory figure: peak RSS of a render-worker-like process fed each hostile image, next to
// the same process fed a normal 3000 × 3000 artwork. Every input runs in its own fresh node process
// (measure-child.mjs) so one case's freed-but-mapped pages never count against another; the inputs
// are generated once, in another child (generate.mjs), so this parent stays small.
//
//   node infra/bench/hostile-images/run.mjs [--runs N] [--out FILE] [--only a,b] [--no-scaling]
//
// Builds packages/compositor and packages/testing first when their dist is older than their src.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout, clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './paths.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD_TIMEOUT_MS = 180_000;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    out: { type: 'string', default: '/tmp/results/hostile-images.md' },
    only: { type: 'string' },
    'no-scaling': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    'usage: node infra/bench/hostile-images/run.mjs [--runs N] [--out FILE] [--only a,b] [--no-scaling]\n',
  );
  process.exit(0);
}
const runs = Math.max(1, Number(args.runs) || 1);

ensureBuilt('packages/compositor', 'dist/index.js');
ensureBuilt('packages/testing', 'dist/hostile-images.js');

const dir = await mkdtemp(join(os.tmpdir(), 'platen-hostile-bench-'));
try {
  process.stderr.write(`generating inputs in ${dir}\n`);
  await runChild([join(HERE, 'generate.mjs'), dir]);
  const cases = JSON.parse(await readFile(join(dir, 'cases.json'), 'utf8'));
  const only = args.only?.split(',');
  const selected = [
    { name: 'template-only', description: 'template prepared, nothing rendered', bytes: 0, expected: null },
    ...cases,
  ].filter((entry) => !only || entry.name === 'template-only' || only.includes(entry.name));

  const rows = [];
  for (const entry of selected) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      samples.push(JSON.parse(await runChild([join(HERE, 'measure-child.mjs'), dir, entry.name])));
    }
    const row = summarise(entry, samples);
    rows.push(row);
    process.stderr.write(`${entry.name}: ${row.outcome}, peak ${mb(row.peakKb)} MB\n`);
  }
  const scaling = args['no-scaling']
    ? null
    : await runChild([join(HERE, 'webp-frames-scaling.mjs'), '10000', '20000', '40000']);
  const report = formatReport(rows, runs, scaling);
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, report);
  process.stdout.write(report);
} finally {
  await rm(dir, { recursive: true, force: true });
}

function summarise(entry, samples) {
  const outcomes = [...new Set(samples.map((s) => s.outcome))];
  const expected = entry.expected;
  const promised = expected === null ? null : expected.outcome === 'refused' ? expected.code : 'rendered';
  const outcome = outcomes.join(' / ');
  return {
    ...entry,
    outcome,
    matches:
      promised === null ||
      outcomes.every((o) => (promised === 'rendered' ? o.startsWith('rendered') : o === promised)),
    promised,
    peakKb: Math.max(...samples.map((s) => s.peakKb)),
    preparedKb: Math.max(...samples.map((s) => s.preparedKb)),
    maxRssKb: Math.max(...samples.map((s) => s.maxRssKb)),
    ms: samples.every((s) => s.ms === null) ? null : Math.min(...samples.map((s) => s.ms)),
  };
}

function formatReport(rows, runCount, scaling) {
  const baseline = rows.find((row) => row.name === 'baseline-3000x3000-jpeg');
  const template = rows.find((row) => row.name === 'template-only');
  const lines = [
    '## Hostile images (issue #9)',
    '',
    `${new Date().toISOString()} · ${machine()}`,
    '',
    'Each input rendered by the compositor in a fresh node process configured as a render worker',
    '(kernel pool of 1 thread, sharp concurrency 1, libvips cache off, 100 MP cap) into the',
    'poster-on-wall template (cover, 2000 px JPEG q90). Peak RSS is the process’s VmHWM, the most',
    `of ${runCount} run(s); it includes node, sharp and the prepared template` +
      (template ? ` (${mb(template.peakKb)} MB with nothing rendered).` : '.'),
    '`maxRSS` is `process.resourceUsage().maxRSS` (Linux carries the parent’s peak across exec, so it',
    'can only be ≥ VmHWM). Time is the render call alone (fastest run), for orientation only.',
    'Differences of up to ~15 MB are run-to-run noise (when the garbage collector last ran).',
    '`node infra/bench/hostile-images/run.mjs` regenerates this table.',
    '',
    '| input | bytes | promised | outcome | peak RSS MB | vs baseline MB | maxRSS MB | render ms |',
    '|---|---:|---|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const delta = baseline && row !== baseline ? signed(mb(row.peakKb) - mb(baseline.peakKb)) : '';
    lines.push(
      `| ${row.name} | ${row.bytes.toLocaleString('en-US')} | ${row.promised ?? '–'} | ${row.outcome}${
        row.matches ? '' : ' **(differs)**'
      } | ${mb(row.peakKb)} | ${delta} | ${mb(row.maxRssKb)} | ${row.ms === null ? '–' : row.ms.toFixed(0)} |`,
    );
  }
  const worst = rows
    .filter((row) => row.name.startsWith('baseline') === false && row.name !== 'template-only')
    .sort((a, b) => b.peakKb - a.peakKb)[0];
  lines.push('');
  if (baseline && worst) {
    lines.push(
      `Baseline peak ${mb(baseline.peakKb)} MB; the highest other input is ${worst.name} at ${mb(worst.peakKb)} MB.`,
    );
  }
  const differing = rows.filter((row) => !row.matches).map((row) => row.name);
  lines.push(
    differing.length === 0
      ? 'Every input ended as @platen/testing’s hostile list promises.'
      : `Inputs whose outcome differs from the promise: ${differing.join(', ')}.`,
  );
  if (scaling) {
    lines.push(
      '',
      'Why the compositor counts an animated WebP’s frames itself and refuses more than 10,000',
      '(ASSET_TOO_LARGE) before libvips sees the file: libvips alone (sharp, first frame only) reads',
      'such a header in time quadratic in the frames (`webp-frames-scaling.mjs`). About 520,000',
      'frames fit in the 25 MB cap: extrapolated, about 14 minutes of uninterruptible CPU per attempt.',
      '',
      scaling.trimEnd(),
    );
  }
  lines.push('', '| input | what it is |', '|---|---|');
  for (const row of rows) lines.push(`| ${row.name} | ${row.description} |`);
  return `${lines.join('\n')}\n`;
}

function machine() {
  const load = os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const sharpVersion = (() => {
    try {
      return execFileSync(process.execPath, ['-e', 'process.stdout.write(require("sharp").versions.vips)'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
    } catch {
      return 'unknown';
    }
  })();
  return `nproc ${os.availableParallelism()} (${cpu}) · load ${load} · node ${process.version} · libvips ${sharpVersion} · ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM`;
}

function mb(kb) {
  return Math.round(kb / 1024);
}

function signed(n) {
  return n > 0 ? `+${n}` : String(n);
}

/** Runs a node child from the repository root; resolves with its stdout, rejects on failure or timeout. */
function runChild(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString());
      else
        reject(new Error(`${argv.join(' ')} ended with ${code ?? signal}: ${Buffer.concat(err).toString()}`));
    });
  });
}

/** Builds a workspace with its own tsconfig.build.json when `artifact` is older than its newest source. */
function ensureBuilt(workspace, artifact) {
  const root = join(REPO_ROOT, workspace);
  const built = existsSync(join(root, artifact)) ? statSync(join(root, artifact)).mtimeMs : 0;
  if (built > newestSource(join(root, 'src'))) return;
  process.stderr.write(`building ${workspace}\n`);
  try {
    execFileSync('npx', ['tsc', '-p', join(root, 'tsconfig.build.json')], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  } catch (error) {
    // tsc still emits on type errors (a sibling's half-finished edit); only a missing file is fatal.
    if (!existsSync(join(root, artifact))) throw error;
    process.stderr.write(`${workspace}: build reported errors; measuring what it emitted\n`);
  }
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}
