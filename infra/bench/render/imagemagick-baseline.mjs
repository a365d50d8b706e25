// Baseline (b): ImageMagick's `convert`, one process per render. The template's layer files and
// the artwork are written to a temp dir once; each render's command line reads (decodes) all of
// them, covers the artwork to the smart object's design size, warps it onto a full-canvas layer
// (-distort Perspective; a mesh as -distort Polynomial 3 through its points), displaces, masks
// and shades it, composites every layer with -compose <mode> and writes the JPEG to stdout.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync, readSync, closeSync, realpathSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import sharp from 'sharp';
import { assertPhotoBase } from './sharp-baseline.mjs';
import { assertBaselineSupports, geometryOf, productRgbOf } from './template-plan.mjs';

export const IMAGEMAGICK_MISSING = 'ImageMagick baseline skipped: install imagemagick';

const COMPOSE = new Map([
  ['normal', 'Over'],
  ['multiply', 'Multiply'],
  ['screen', 'Screen'],
  ['overlay', 'Overlay'],
  ['darken', 'Darken'],
  ['lighten', 'Lighten'],
  ['color-dodge', 'ColorDodge'],
  ['color-burn', 'ColorBurn'],
  ['hard-light', 'HardLight'],
  ['difference', 'Difference'],
  ['exclusion', 'Exclusion'],
  ['linear-dodge', 'LinearDodge'],
  ['linear-burn', 'LinearBurn'],
]);

/**
 * The real ImageMagick binary on PATH (`magick`, else `convert`), or null. Only native executables
 * count: a `convert` script standing in for ImageMagick would add its own start-up to every render.
 */
export async function findImageMagick() {
  for (const name of ['magick', 'convert']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, name);
      if (!isNativeExecutable(candidate)) continue;
      const { code, stdout } = await run(candidate, ['-version']).catch(() => ({ code: 1, stdout: '' }));
      const version = /Version: (ImageMagick [^\s]+(?: Q\d+)?)/.exec(stdout)?.[1];
      if (code === 0 && version) return { command: candidate, version };
    }
  }
  return null;
}

/** GNU time, which reports a child's CPU time and peak RSS; null when absent. */
export async function findGnuTime() {
  const path = '/usr/bin/time';
  if (!isNativeExecutable(path)) return null;
  const { code } = await run(path, ['-f', '%M', 'true']).catch(() => ({ code: 1 }));
  return code === 0 ? path : null;
}

function isNativeExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    const fd = openSync(realpathSync(path), 'r');
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  }
}

/**
 * @param {{ magick: { command: string, version: string }, time: string | null, workDir: string }} deps
 */
export function createImageMagickBaseline({ magick, time, workDir }) {
  const commands = new Map();
  return {
    name: 'imagemagick',
    label: '(b) ImageMagick convert',
    version: magick.version,
    measuresChild: true,
    async setup(plan) {
      assertBaselineSupports(plan.manifest, 'ImageMagick', new Set(COMPOSE.keys()));
      assertPhotoBase(plan.manifest, 'ImageMagick');
      const dir = join(workDir, 'imagemagick', plan.slug);
      mkdirSync(dir, { recursive: true });
      for (const [name, bytes] of plan.assets) await writeFile(join(dir, name), bytes);
      await writeFile(join(dir, 'artwork.jpg'), plan.artwork);
      const sizes = new Map([['artwork.jpg', await sharp(plan.artwork).metadata()]]);
      for (const [name, bytes] of plan.assets) sizes.set(name, await sharp(bytes).metadata());
      commands.set(plan.slug, convertArgs(plan, dir, sizes));
    },
    async render(plan) {
      const args = commands.get(plan.slug);
      if (!time) {
        const { stdout } = await run(magick.command, args, { check: true });
        return { data: stdout };
      }
      const stats = join(workDir, `imagemagick-time-${process.pid}.txt`);
      const { stdout } = await run(time, ['-f', '%U %S %M', '-o', stats, magick.command, ...args], {
        check: true,
      });
      const [user, system, maxRssKb] = (await readFile(stats, 'utf8')).trim().split(/\s+/).map(Number);
      await rm(stats, { force: true });
      return { data: stdout, cpuMs: (user + system) * 1000, maxRssKb };
    },
    close: async () => {},
    /** The command line of one render, for the report. */
    commandOf: (slug) => [magick.command, ...commands.get(slug)],
  };
}

function convertArgs(plan, dir, sizes) {
  const { manifest, output, exportOptions } = plan;
  const file = (name) => join(dir, name);
  const at = (x, y) => ['-geometry', `${x >= 0 ? '+' : ''}${x}${y >= 0 ? '+' : ''}${y}`];
  const grey = (ref) =>
    plan.greyFromAlpha.get(ref.asset)
      ? [file(ref.asset), '-alpha', 'extract']
      : [file(ref.asset), '-alpha', 'off', '-colorspace', 'gray'];
  const opacity = (value) =>
    value < 1 ? ['-alpha', 'set', '-channel', 'A', '-evaluate', 'multiply', String(value), '+channel'] : [];

  const [base, ...layers] = manifest.layers;
  // One thread: the benchmark compares single-core renders.
  const args = ['-limit', 'thread', '1', '-respect-parentheses', file(base.asset)];
  for (const layer of layers) {
    if (layer.type === 'image') {
      args.push('(', file(layer.asset), ...opacity(layer.opacity), ')');
      args.push(...at(layer.x, layer.y), '-compose', COMPOSE.get(layer.blend_mode), '-composite');
      continue;
    }
    const so = layer;
    const rgb = productRgbOf(so);
    if (rgb) {
      const ref = so.color.mask;
      const { width, height } = sizes.get(ref.asset);
      args.push('(', '-size', `${width}x${height}`, `xc:rgb(${rgb.join(',')})`);
      args.push('(', ...grey(ref), ')', '-alpha', 'off', '-compose', 'CopyOpacity', '-composite', ')');
      args.push(...at(ref.x, ref.y), '-compose', 'Multiply', '-composite');
    }
    const { width, height } = so.size;
    const artwork = sizes.get('artwork.jpg');
    const cover = Math.max(width / artwork.width, height / artwork.height);
    // The decoder may shrink the JPEG while reading it, down to the size the cover resize needs.
    const hint = `${Math.ceil(cover * artwork.width)}x${Math.ceil(cover * artwork.height)}`;
    args.push('(', '-define', `jpeg:size=${hint}`);
    args.push(file('artwork.jpg'), '+define', 'jpeg:size');
    args.push('-resize', `${width}x${height}^`, '-gravity', 'center', '-extent', `${width}x${height}`);
    args.push('+gravity', '-alpha', 'set', '-virtual-pixel', 'transparent');
    args.push('-define', `distort:viewport=${manifest.width}x${manifest.height}+0+0`);
    args.push(...distortion(so), '+repage');
    if (so.displacement) {
      const ref = so.displacement;
      const strength = so.displacement.strength;
      args.push('(', ...grey(ref), ')', ...at(ref.x, ref.y));
      args.push('-define', `compose:args=${strength}x${strength}`, '-compose', 'Displace', '-composite');
      args.push('+define', 'compose:args');
    }
    if (so.mask) {
      args.push('(', ...grey(so.mask), '-alpha', 'copy', ')', ...at(so.mask.x, so.mask.y));
      args.push('-compose', 'DstIn', '-composite');
    }
    if (so.shading) {
      // A clipping layer: blend the shading on, then put the layer's own alpha back.
      const { shading } = so;
      args.push('(', '+clone', '-alpha', 'extract', '-write', 'mpr:clip', '+delete', ')');
      args.push('(', file(shading.asset), ...opacity(shading.opacity), ')', ...at(shading.x, shading.y));
      args.push('-compose', COMPOSE.get(shading.blend_mode), '-composite');
      args.push('mpr:clip', ...at(0, 0), '-compose', 'CopyOpacity', '-composite');
    }
    args.push(...opacity(so.opacity), ')', ...at(0, 0), '-compose', COMPOSE.get(so.blend_mode), '-composite');
  }
  if (output.width !== manifest.width || output.height !== manifest.height)
    args.push('-resize', `${output.width}x${output.height}!`);
  args.push('-alpha', 'off', '-quality', String(exportOptions.quality), '-sampling-factor', '4:2:0');
  // Standard Huffman tables, as Platen and (a) encode.
  args.push('-define', 'jpeg:optimize-coding=false', 'jpg:-');
  return args;
}

/** The warp: Perspective through the four corners, or a cubic polynomial through the mesh points. */
function distortion(so) {
  const geometry = geometryOf(so);
  const { width, height } = geometry;
  if (geometry.kind === 'mesh') {
    const { cols, rows, points } = geometry.mesh;
    const pairs = points.map(([x, y], k) => {
      const i = k % (cols + 1);
      const j = Math.floor(k / (cols + 1));
      return `${(i / cols) * width},${(j / rows) * height} ${x},${y}`;
    });
    return ['-distort', 'Polynomial', `3 ${pairs.join('  ')}`];
  }
  const corners = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  const pairs = corners.map((corner, k) => `${corner.join(',')} ${geometry.quad[k].join(',')}`);
  return ['-distort', 'Perspective', pairs.join('  ')];
}

/** Runs a command to completion, collecting stdout as bytes; with check, a non-zero exit throws. */
function run(command, args, { check = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      if (check && code !== 0) reject(new Error(`${command} exited with ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ code, stdout: check ? stdout : stdout.toString('utf8'), stderr });
    });
  });
}
