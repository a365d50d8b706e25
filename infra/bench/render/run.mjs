// The render benchmark (issue 5): on each sample template, one 3000 × 3000 JPEG artwork rendered
// to a 2000 px JPEG by Platen's compositor and by three baselines, (a) a straightforward sharp
// pipeline, (b) ImageMagick's convert and (c) jimp, in one process pinned to one core. Prints a
// table per template; a full run also rewrites the render section of infra/bench/RESULTS.md.
//
//   npm run bench:render                                  full run (5–10 min), writes RESULTS.md
//   node infra/bench/render/run.mjs --only platen,sharp --template poster-on-wall --quick
//   node infra/bench/render/run.mjs --profile --template poster-on-wall [--write]
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import sharp from 'sharp';
import { listSampleTemplates } from '@platen/compositor';
import { ARTWORK_SIDE, createBenchArtwork } from './artwork.mjs';
import { compareImages } from './compare.mjs';
import {
  IMAGEMAGICK_MISSING,
  createImageMagickBaseline,
  findGnuTime,
  findImageMagick,
} from './imagemagick-baseline.mjs';
import { createJimpBaseline } from './jimp-baseline.mjs';
import { loadAverage, machineFacts, pinToFirstCpu } from './machine.mjs';
import { measureInterleaved, percentile } from './measure.mjs';
import { isolatedPeakRss, writePlanFiles } from './peak-rss.mjs';
import { createPlatenMethod } from './platen-method.mjs';
import { startProfiling, summariseProfile, summaryMarkdown } from './profile.mjs';
import { COLUMN_NOTES, GOAL, METHOD_NOTES, goalLines, templateTable } from './report.mjs';
import { writeProfileSubsection, writeRenderSection } from './results-file.mjs';
import { createSharpBaseline } from './sharp-baseline.mjs';
import { planTemplate, productColorOf } from './template-plan.mjs';

const METHODS = ['platen', 'sharp', 'imagemagick', 'jimp'];
const SETTINGS = {
  platen: { warmups: 2, iterations: 20 },
  sharp: { warmups: 2, iterations: 12 },
  imagemagick: { warmups: 1, iterations: 5 },
  // A jimp render takes seconds: its JIT is warm within the first one.
  jimp: { warmups: 0, iterations: 3 },
};
const QUICK = {
  platen: { warmups: 1, iterations: 3 },
  sharp: { warmups: 1, iterations: 3 },
  imagemagick: { warmups: 0, iterations: 1 },
  jimp: { warmups: 0, iterations: 1 },
};
const PROFILE = { warmups: 2, iterations: 20 };
/** Renders per method in its own process for the peak RSS column (ImageMagick reports its own). */
const RSS_RENDERS = { platen: 3, sharp: 3, jimp: 1 };
const EXPORT = { format: 'jpeg', size: 2000, quality: 90 };
const RESULTS_PATH = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

const USAGE = `usage: node infra/bench/render/run.mjs [options]
  --only LIST        methods, comma-separated: ${METHODS.join(',')} (default: all)
  --template LIST    sample slugs, comma-separated (default: all)
  --iterations N     timed renders for Platen and (a) sharp
  --quick            a few renders per method (a smoke test; RESULTS.md only with --write)
  --profile          Platen only: CPU profiles (main and kernel thread) of the timed renders
  --write            write RESULTS.md even for a partial run (a full run writes it anyway)
  --no-write         do not write RESULTS.md
  --no-pin           do not pin the process to CPU 0
  --out DIR          where outputs and profiles go (default: $TMPDIR/platen-bench-render)`;

const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      template: { type: 'string' },
      iterations: { type: 'string' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return log(USAGE);
  const only = values.only ? values.only.split(',').map((name) => name.trim()) : METHODS;
  const unknown = only.filter((name) => !METHODS.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown method ${unknown.join(', ')}`);
  const iterations = values.iterations === undefined ? undefined : Number(values.iterations);
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations >= 1))
    throw new UsageError('--iterations must be a positive integer');
  const outDir = values.out ?? join(os.tmpdir(), 'platen-bench-render');
  mkdirSync(outDir, { recursive: true });

  const pin = values['no-pin'] ? { pinned: false, note: 'not pinned (--no-pin)' } : pinToFirstCpu();
  // Process-wide, as createCompositor sets them: one libvips thread, no libvips operation cache
  // (which would otherwise let the sharp baseline skip decoding layers it decoded last render).
  sharp.cache(false);
  sharp.concurrency(1);
  const gc = exposeGc();
  const loadStart = loadAverage();
  const magick = only.includes('imagemagick') && !values.profile ? await findImageMagick() : null;
  const time = magick ? await findGnuTime() : null;
  const facts = machineFacts({ imageMagick: magick?.version });
  log(`${facts.date}  ${facts.cpu}, ${facts.cores} cores; ${pin.note}; load ${loadStart.join(' ')}`);

  log('building the artwork and the sample templates …');
  const artwork = await createBenchArtwork();
  const samples = await listSampleTemplates();
  const slugs = values.template ? values.template.split(',').map((slug) => slug.trim()) : null;
  const missing = (slugs ?? []).filter((slug) => !samples.some((s) => s.slug === slug));
  if (missing.length > 0)
    throw new UsageError(
      `unknown template ${missing.join(', ')} (have ${samples.map((s) => s.slug).join(', ')})`,
    );
  const plans = [];
  for (const sample of samples) {
    if (!slugs || slugs.includes(sample.slug)) plans.push(await planTemplate(sample, artwork, EXPORT));
  }

  if (values.profile) {
    await profileRun({ plans, outDir, write: values.write && !values['no-write'], facts, pin, loadStart });
    return;
  }

  const settingsOf = (name) => {
    const base = (values.quick ? QUICK : SETTINGS)[name];
    return iterations !== undefined && (name === 'platen' || name === 'sharp')
      ? { ...base, iterations }
      : base;
  };
  const methods = [];
  for (const name of only) {
    if (name === 'platen') methods.push(createPlatenMethod({ threads: 1 }));
    if (name === 'sharp') methods.push(createSharpBaseline());
    if (name === 'jimp') methods.push(createJimpBaseline());
    if (name === 'imagemagick') {
      if (magick) methods.push(createImageMagickBaseline({ magick, time, workDir: outDir }));
      else methods.push({ name, label: '(b) ImageMagick convert', skipped: IMAGEMAGICK_MISSING });
    }
  }
  if (magick && !time) log('GNU time (/usr/bin/time) not found: no CPU time or RSS for ImageMagick');

  // Template by template, Platen's and (a)'s renders interleaved (measureInterleaved), so the
  // goal's ratio is measured at the same machine load. ImageMagick (a child process churning
  // through hundreds of MB per render: interleaved, both in-process methods measured ~1.5× slower)
  // and jimp (whose large JS heap would sit under the others' timings) each run alone afterwards.
  const entries = plans.map((plan) => ({ plan, methods: [], platenSetup: null }));
  const alone = new Set(['imagemagick', 'jimp']);
  const rounds = [
    methods.filter((m) => !alone.has(m.name)),
    ...[...alone].map((name) => methods.filter((m) => m.name === name)),
  ].filter((round) => round.length > 0);
  for (const round of rounds) {
    for (const entry of entries) {
      const { plan } = entry;
      const runs = [];
      for (const method of round) {
        if (method.skipped) {
          log(`${plan.slug}: ${method.skipped}`);
          entry.methods.push({ name: method.name, label: method.label, skipped: method.skipped });
          continue;
        }
        const setup = await method.setup(plan);
        if (method.name === 'platen') entry.platenSetup = setup;
        runs.push({ method, ...settingsOf(method.name) });
      }
      if (runs.length === 0) continue;
      const measured = await measureInterleaved(runs, plan, { gc });
      for (const [index, { method, warmups, iterations }] of runs.entries()) {
        const result = measured[index];
        writeFileSync(join(outDir, `${plan.slug}-${method.name}.jpg`), result.output);
        if (method.commandOf)
          writeFileSync(
            join(outDir, `${plan.slug}-${method.name}.txt`),
            `${method.commandOf(plan.slug).join(' ')}\n`,
          );
        entry.methods.push({
          name: method.name,
          label: method.label,
          settings: { warmups, iterations },
          measured: result,
        });
        log(
          `${plan.slug}: ${method.label}: p50 ${percentile(result.wallMs, 50).toFixed(0)} ms wall, ` +
            `${percentile(result.cpuMs, 50).toFixed(0)} ms CPU (${result.wallMs.length} renders)`,
        );
      }
    }
  }
  for (const entry of entries) {
    const dir = join(outDir, 'plans', entry.plan.slug);
    await writePlanFiles(entry.plan, dir);
    for (const method of entry.methods) {
      if (!method.measured || method.measured.childPeakRssKb) continue;
      const renders = values.quick ? 1 : RSS_RENDERS[method.name];
      method.measured.rss = await isolatedPeakRss(method.name, dir, renders);
      log(
        `${entry.plan.slug}: ${method.label}: peak RSS ${(method.measured.rss.peakRssKb / 1024).toFixed(0)} MB`,
      );
    }
  }
  for (const entry of entries) {
    entry.methods.sort((a, b) => only.indexOf(a.name) - only.indexOf(b.name));
    const reference = entry.methods.find((m) => m.name === 'platen' && m.measured)?.measured.output;
    for (const method of entry.methods) {
      if (reference && method.measured && method.name !== 'platen')
        method.diff = await compareImages(reference, method.measured.output);
    }
  }
  const loadEnd = loadAverage();
  for (const method of methods) if (!method.skipped) await method.close();

  const section = renderSection({
    facts,
    pin,
    loadStart,
    loadEnd,
    plans,
    entries,
    settingsOf,
    outDir,
    artwork,
  });
  process.stdout.write(`\n${section}\n`);
  const fullRun = !values.quick && !values.only && !values.template;
  if (values.write || (fullRun && !values['no-write'])) {
    await writeRenderSection(RESULTS_PATH, section);
    log(`wrote ${RESULTS_PATH}`);
  } else {
    log('RESULTS.md not written (a partial or --quick run; pass --write to force)');
  }
}

function renderSection({ facts, pin, loadStart, loadEnd, plans, entries, settingsOf, outDir, artwork }) {
  const coloured = plans
    .flatMap((plan) =>
      plan.manifest.layers.filter((l) => l.type === 'smart_object' && l.color).map((so) => [plan, so]),
    )
    .map(([plan, so]) => `${plan.slug} in product colour ${productColorOf(so)}`);
  const runs = METHODS.map((name) => `${name} ${settingsOf(name).iterations} (${settingsOf(name).warmups})`);
  const goals = goalLines(entries);
  return [
    `Written by \`npm run bench:render\` (infra/bench/render/run.mjs) on ${facts.date.slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `**Machine:** ${facts.cpu}, ${facts.cores} cores (cgroup CPU limit: ${facts.cpuLimit}), ${facts.memoryGb} GB RAM, ${facts.os}; node ${facts.node}, sharp ${facts.sharp} / libvips ${facts.libvips}, ${facts.imageMagick}, jimp ${facts.jimp}. The process was ${pin.note}. Load average (1/5/15 min) ${loadStart.join(' ')} at start, ${loadEnd.join(' ')} at end: other engineers' test suites share this machine, so wall times carry their noise; the CPU column (this process's own CPU time, every thread) is the steadier single-core figure.`,
    '',
    `**Workload:** every sample template; one ${ARTWORK_SIDE}×${ARTWORK_SIDE} JPEG q90 artwork (${(artwork.length / 2 ** 20).toFixed(2)} MB: the demo poster with seeded grain) into every smart object, fit \`cover\`${coloured.length > 0 ? `, ${coloured.join(', ')}` : ''}; export JPEG q${EXPORT.quality}, ${EXPORT.size} px longest side. Timed renders (warm-ups) per template: ${runs.join(', ')}. The last output of each method is in ${outDir}/<template>-<method>.jpg.`,
    '',
    '### Goal',
    '',
    `Issue 5: p50 ≤ ${GOAL.p50Ms} ms on one core for the poster and phone templates, ≥ ${GOAL.speedupVsSharp}× faster than (a).`,
    '',
    ...(goals.length > 0 ? goals : ['- not evaluated: the run did not include Platen on those templates.']),
    '',
    '### Results',
    '',
    ...entries.flatMap((entry) => [templateTable(entry), '']),
    COLUMN_NOTES,
    '',
    '### Methods',
    '',
    ...METHOD_NOTES,
  ].join('\n');
}

/**
 * Platen only, as the timed runs configure it (one kernel thread), with V8 CPU profiles of the main
 * thread and the kernel thread over the timed renders only (not the sample generation or prepare).
 */
async function profileRun({ plans, outDir, write, facts, pin, loadStart }) {
  const method = createPlatenMethod({ threads: 1 });
  const parts = [];
  for (const plan of plans) {
    await method.setup(plan);
    for (let i = 0; i < PROFILE.warmups; i++) await method.render(plan);
    const phases = [];
    const profiling = await startProfiling();
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < PROFILE.iterations; i++) phases.push((await method.render(plan)).phases);
    const wallMs = (performance.now() - start) / PROFILE.iterations;
    const used = process.cpuUsage(cpu);
    const profiles = await profiling.stop();
    const phase = (name) =>
      percentile(
        phases.map((p) => p[name].cpuMs),
        50,
      ).toFixed(0);
    const lines = [
      `#### ${plan.slug}`,
      '',
      `${PROFILE.iterations} renders after ${PROFILE.warmups} warm-ups, under the profiler: mean ${wallMs.toFixed(0)} ms wall, ${((used.user + used.system) / 1000 / PROFILE.iterations).toFixed(0)} ms CPU per render; CPU p50 by phase: decode ${phase('decode')}, compose ${phase('compose')}, encode ${phase('encode')} ms.`,
    ];
    for (const [index, { thread, profile }] of profiles.entries()) {
      const kernel = index > 0;
      const file = join(outDir, `platen-${plan.slug}-${kernel ? `kernel-${index}` : 'main'}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      const summary = summariseProfile(profile, kernel ? 12 : 8);
      lines.push('', kernel ? `Kernel thread (${thread}, ${file}):` : `Main thread (${file}):`, '');
      if (kernel) lines.push(`${busyBreakdown(summary, PROFILE.iterations)}`, '');
      lines.push(summaryMarkdown(summary, { functions: kernel }));
    }
    parts.push(lines.join('\n'));
    log(`${plan.slug}: profiles written to ${outDir}`);
  }
  await method.close();
  const body = [
    `### Profile: Platen only (\`run.mjs --profile\`, ${facts.date.slice(0, 16).replace('T', ' ')} UTC, ${pin.pinned ? 'pinned to CPU 0' : 'not pinned'}, load ${loadStart.join(' ')})`,
    '',
    "One kernel thread, as in the timed runs; the profiles cover the timed renders only. The kernel thread runs the compose task (warp and blend kernels); the main thread's `(idle)` is mostly waiting, for the kernel thread and for libvips on the libuv pool (artwork decode, resize + JPEG encode, which V8 cannot see). `(garbage collector)` is V8 GC on that thread. Self time per function (kernel thread), then per file.",
    '',
    parts.join('\n\n'),
  ].join('\n');
  process.stdout.write(`\n${body}\n`);
  if (write) {
    await writeProfileSubsection(RESULTS_PATH, body);
    log(`wrote the profile subsection of ${RESULTS_PATH}`);
  }
}

/** "busy X ms per render: blend-modes.js 60 %, …" over the files that took at least 2 %. */
function busyBreakdown(summary, renders) {
  const busy = summary.files.filter((row) => row.name !== '(idle)');
  const shares = busy
    .map((row) => ({ name: row.name, share: row.selfMs / summary.busyMs }))
    .filter((row) => row.share >= 0.02)
    .map((row) => `${row.name} ${(row.share * 100).toFixed(0)} %`);
  return `Busy ${(summary.busyMs / renders).toFixed(0)} ms per render (profiler wall time, includes time the thread was runnable but descheduled): ${shares.join(', ')}.`;
}

/** gc() without a command-line flag (the npm script runs plain `node run.mjs`). */
function exposeGc() {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}

class UsageError extends Error {}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    log(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
