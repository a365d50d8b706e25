// Turns measurements into the markdown that is printed and written to RESULTS.md: machine and
// workload, the goal verdicts, one table per template, and what each baseline does exactly.
import { percentile } from './measure.mjs';

/** The goal: p50 ≤ 150 ms on one core and ≥ 3× faster than (a), for these templates. */
export const GOAL = {
  p50Ms: 150,
  speedupVsSharp: 3,
  // The samples have no phone; the tablet (a device screen in perspective) stands in for it.
  templates: ['poster-on-wall', 'tablet-at-angle'],
};

const mb = (kb) => (kb / 1024).toFixed(0);
const ms = (value) => (value >= 1000 ? value.toFixed(0) : value.toFixed(1));
const p50 = (samples) => percentile(samples, 50);

export function templateTable(entry) {
  const { plan, methods } = entry;
  const platen = methods.find((m) => m.name === 'platen' && m.measured);
  const lines = [
    `#### ${plan.slug} (${plan.manifest.width}×${plan.manifest.height} canvas → ${plan.output.width}×${plan.output.height} JPEG)`,
    '',
    '| method | timed (warm-up) | p50 ms | p95 ms | CPU ms/render p50 | peak RSS MB | Platen faster, p50 wall (CPU) | Δ vs Platen |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const method of methods) {
    if (method.skipped) {
      lines.push(`| ${method.label} | ${method.skipped} | | | | | | |`);
      continue;
    }
    const m = method.measured;
    const runs = `${m.wallMs.length} (${method.settings.warmups})`;
    const speedup =
      platen && method !== platen
        ? `${(p50(m.wallMs) / p50(platen.measured.wallMs)).toFixed(1)}× (${(p50(m.cpuMs) / p50(platen.measured.cpuMs)).toFixed(1)}×)`
        : '—';
    lines.push(
      `| ${method.label} | ${runs} | ${ms(p50(m.wallMs))} | ${ms(percentile(m.wallMs, 95))} | ${ms(p50(m.cpuMs))} | ${rssOf(m)} | ${speedup} | ${diffOf(method.diff)} |`,
    );
  }
  if (platen) lines.push('', platenNotes(platen, entry.platenSetup));
  return lines.join('\n');
}

function rssOf(measured) {
  if (measured.childPeakRssKb) return `${mb(measured.childPeakRssKb)} (convert)`;
  const { rss } = measured;
  return rss ? `${mb(rss.peakRssKb)} (+${mb(Math.max(0, rss.peakRssKb - rss.loadedRssKb))})` : '—';
}

function diffOf(diff) {
  if (!diff) return '—';
  if (diff.mismatch) return `size ${diff.mismatch}`;
  return `${diff.meanAbs.toFixed(1)} / ${(diff.farShare * 100).toFixed(1)} %`;
}

function platenNotes(platen, setup) {
  const phases = platen.measured.phases;
  const parts = [];
  if (phases.length > 0) {
    const phase = (name) =>
      `${name} ${ms(p50(phases.map((p) => p[name].wallMs)))} / ${ms(p50(phases.map((p) => p[name].cpuMs)))}`;
    parts.push(`Platen phases, p50 wall / CPU ms: ${['decode', 'compose', 'encode'].map(phase).join(', ')}.`);
  }
  if (setup) {
    parts.push(
      `prepare() once: ${ms(setup.prepareMs)} ms; prepared-template cache holds ${(setup.cacheBytes / 2 ** 20).toFixed(0)} MB after it.`,
    );
  }
  return parts.join(' ');
}

export function goalLines(entries) {
  const lines = [];
  for (const slug of GOAL.templates) {
    const entry = entries.find((e) => e.plan.slug === slug);
    const platen = entry?.methods.find((m) => m.name === 'platen' && m.measured);
    if (!platen) continue;
    const wall = p50(platen.measured.wallMs);
    const cpu = p50(platen.measured.cpuMs);
    const verdict = (ok) => (ok ? 'met' : '**missed**');
    let line = `- ${slug}${slug === 'tablet-at-angle' ? ' (stands in for "phone")' : ''}: p50 ${ms(wall)} ms wall, ${ms(cpu)} ms CPU → ≤ ${GOAL.p50Ms} ms ${verdict(wall <= GOAL.p50Ms)} (wall), ${verdict(cpu <= GOAL.p50Ms)} (CPU)`;
    const sharp = entry.methods.find((m) => m.name === 'sharp' && m.measured);
    if (sharp) {
      const speedup = p50(sharp.measured.wallMs) / wall;
      line += `; ${speedup.toFixed(1)}× faster than (a) → ≥ ${GOAL.speedupVsSharp}× ${verdict(speedup >= GOAL.speedupVsSharp)}`;
    }
    const phases = platen.measured.phases;
    if (phases.length > 0) {
      const cpuOf = (name) => p50(phases.map((p) => p[name].cpuMs));
      line += `. CPU p50 by phase: libvips decode ${ms(cpuOf('decode'))} + encode ${ms(cpuOf('encode'))} ms, JS compose ${ms(cpuOf('compose'))} ms`;
    }
    lines.push(`${line}.`);
  }
  if (lines.length > 0)
    lines.push(
      '- Where a goal is missed, `run.mjs --profile --write` records where the time goes (Profile below).',
    );
  return lines;
}

export const METHOD_NOTES = [
  "- **Platen**: `createCompositor({ pool: createKernelPool({ threads: 1 }), sharpConcurrency: 1 })`; `prepare()` once per template (decoded, pre-flattened, cropped layers and the static canvas in the cache), each timed render calls `prepare()` (a cache hit) and `render()`: the artwork decoded once at the size its place needs (JPEG shrink-on-load), one compose task on the kernel thread that copies the static canvas into a reused shared buffer and recomposes only the smart objects' regions, one resize + encode (RGB). The t-shirt's product colour is not its default: its static canvas is composed once, in a warm-up render, and cached like the template.",
  "- **Every method** encodes JPEG q90, 4:2:0, with standard Huffman tables (no `optimiseCoding` / `jpeg:optimize-coding=false`; jimp's encoder has no optimisation): Platen's setting (optimised tables cost about 10 ms per 2000 px JPEG for 3–9 % fewer bytes), given to the baselines so the ratios compare pipelines, not an encoder flag.",
  "- **(a) sharp**: per render, sharp decodes the base photo and every layer PNG, covers the artwork to the smart object's design size (e.g. 1800×2400), a plain JS loop warps it into a full-canvas RGBA layer (`naive-warp.mjs`: inverse homography per pixel of the quad's bounding box, or barycentric per mesh triangle; bilinear; sharp has no perspective/mesh warp), sharp composites apply mask (`dest-in`), shading (blend + restore alpha) and product colour (colour + mask alpha, `multiply`), then one sharp pipeline composites all layers over the base and encodes. Overlays in multiply/screen/hard-light are flattened onto the mode's neutral grey first, because libvips weighs a semi-transparent overlay's alpha twice in these modes (exact for an opaque backdrop).",
  "- **(b) ImageMagick**: one `convert -limit thread 1` per render reading the layer files and the artwork written to a temp dir once; artwork `-resize WxH^ -extent` to the design size (with a `jpeg:size` hint), `-distort Perspective` through the four corners (the mug's 24×6 mesh as `-distort Polynomial 3` through its 175 points: a least-squares approximation) onto a canvas-size viewport, `-compose Displace` (t-shirt folds), `DstIn` mask, shading by `-compose <mode>` then `CopyOpacity` of the layer's alpha, `-compose <mode> -composite` per layer, JPEG to stdout. CPU and peak RSS are the `convert` process's (GNU time); wall time includes its start-up.",
  "- **(c) jimp**: per render, `Jimp.read` of every layer and of the artwork, `cover()` to the design size, the same JS warp loop as (a), jimp `composite()` with the layer's blend mode and opacity, small loops for mask and colour alpha and the shading clip, jimp's JPEG encoder.",
];

export const COLUMN_NOTES =
  "Columns: wall times are per render (nearest-rank p50/p95 of the timed renders, all in one process); CPU ms/render is process.cpuUsage (every thread of that process) or, for ImageMagick, the `convert` process's user+system time; peak RSS is the peak of a separate node process that loads the template and the artwork from files and does that method's setup and 3 renders (jimp: 1), because in the shared timing process freed memory stays resident and mixes the methods; in brackets its growth over that process with node, sharp, the compositor and jimp loaded (about 100 MB); for ImageMagick it is the `convert` process's own peak (GNU time); Δ vs Platen is the mean absolute difference per channel (0–255) between that method's JPEG and Platen's, then the share of pixels off by more than 32 in some channel (warp resampling and JPEG noise, not different layers: the outputs were also compared by eye).";
