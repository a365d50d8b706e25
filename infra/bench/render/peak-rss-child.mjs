// Child of peak-rss.mjs: rebuilds one template's plan from files, runs one method's renders as the
// timed run configures it, and prints its peak RSS and the RSS it had with the modules loaded.
// Usage: node peak-rss-child.mjs platen|sharp|jimp DIR RENDERS
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import sharp from 'sharp';
import { createJimpBaseline } from './jimp-baseline.mjs';
import { createPlatenMethod } from './platen-method.mjs';
import { createSharpBaseline } from './sharp-baseline.mjs';
import { planTemplate } from './template-plan.mjs';

const FACTORIES = {
  platen: () => createPlatenMethod({ threads: 1 }),
  sharp: createSharpBaseline,
  jimp: createJimpBaseline,
};

const [name, dir, renders] = process.argv.slice(2);
if (!FACTORIES[name] || !dir || !(Number(renders) >= 1)) {
  process.stderr.write('usage: node peak-rss-child.mjs platen|sharp|jimp DIR RENDERS\n');
  process.exit(2);
}
sharp.cache(false);
sharp.concurrency(1);
const loadedRssKb = statusKb('VmRSS');
const template = JSON.parse(await readFile(join(dir, 'template.json'), 'utf8'));
const assets = new Map();
for (const asset of template.names)
  assets.set(asset, await readFile(join(dir, 'assets', encodeURIComponent(asset))));
const plan = await planTemplate(
  { ...template, assets },
  await readFile(join(dir, 'artwork.jpg')),
  template.exportOptions,
);
const method = FACTORIES[name]();
await method.setup(plan);
for (let i = 0; i < Number(renders); i++) await method.render(plan);
await method.close();
process.stdout.write(JSON.stringify({ peakRssKb: statusKb('VmHWM'), loadedRssKb }));

/** A /proc/self/status field. VmHWM is this address space's peak; getrusage's maxRSS would not
 * do: Linux carries it across exec, so a child of a large process starts with its parent's peak. */
function statusKb(field) {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]);
  } catch {
    return field === 'VmHWM' ? process.resourceUsage().maxRSS : process.memoryUsage().rss / 1024;
  }
}
