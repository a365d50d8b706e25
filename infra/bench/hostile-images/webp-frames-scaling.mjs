// Why the compositor counts WebP frames itself: how long libvips (through sharp, no compositor in
// between) takes to read the header of, and decode frame 1 of, an animated WebP of N tiny frames.
// Time grows with N², so the ~520,000 frames a 25 MB upload can hold would cost many minutes.
//   node infra/bench/hostile-images/webp-frames-scaling.mjs [N ...]   (default 10000 20000 40000)
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { HOSTILE_MODULE } from './paths.mjs';

const { manyFramesWebp } = await import(HOSTILE_MODULE);
const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 1);
sharp.cache(false);
sharp.concurrency(1);

process.stdout.write('| frames | bytes | metadata() ms | first-frame decode ms |\n|---:|---:|---:|---:|\n');
for (const frames of counts.length ? counts : [10_000, 20_000, 40_000]) {
  const webp = await manyFramesWebp(frames);
  const options = { limitInputPixels: 100_000_000, failOn: 'error', pages: 1 };
  let start = performance.now();
  await sharp(webp, options).metadata();
  const metadataMs = performance.now() - start;
  start = performance.now();
  await sharp(webp, options).resize(60, 60).raw().toBuffer();
  const decodeMs = performance.now() - start;
  process.stdout.write(
    `| ${frames.toLocaleString('en-US')} | ${webp.length.toLocaleString('en-US')} | ${metadataMs.toFixed(0)} | ${decodeMs.toFixed(0)} |\n`,
  );
}
