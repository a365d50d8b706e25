// Child of run.mjs: writes what the measuring children read, so none of them pays for generating
// it: every hostile case of @platen/testing (bytes + cases.json), the baseline artwork (the render
// bench's 3000 × 3000 photo-like JPEG), two legitimate images at the 100 MP cap, and the
// poster-on-wall template (manifest + layer files).
// Usage: node generate.mjs DIR
import { Buffer } from 'node:buffer';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import sharp from 'sharp';
import { getSampleTemplate } from '@platen/compositor';
import { createBenchArtwork } from '../render/artwork.mjs';
import { HOSTILE_MODULE } from './paths.mjs';

export const TEMPLATE_SLUG = 'poster-on-wall';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node generate.mjs DIR\n');
  process.exit(2);
}
sharp.cache(false);
const { hostileImages } = await import(HOSTILE_MODULE);

await mkdir(join(dir, 'inputs'), { recursive: true });
await mkdir(join(dir, 'assets'), { recursive: true });

const rendered = (looks) => ({ outcome: 'rendered', looks });
const cases = [
  {
    name: 'baseline-3000x3000-jpeg',
    description: 'normal artwork: 3000 × 3000 photo-like JPEG q90 (the render bench’s)',
    bytes: await createBenchArtwork(),
    expected: rendered(null),
  },
  ...(await hostileImages()),
  {
    name: 'cap-edge-png-10000x10000',
    description: 'legitimate 10,000 × 10,000 PNG (exactly 100 MP, the cap): decoded, not refused',
    bytes: await atCap('png'),
    expected: rendered(null),
  },
  {
    name: 'cap-edge-jpeg-10000x10000',
    description: 'legitimate 10,000 × 10,000 JPEG (exactly 100 MP, the cap): decoded, not refused',
    bytes: await atCap('jpeg'),
    expected: rendered(null),
  },
];
for (const entry of cases) await writeFile(join(dir, 'inputs', entry.name), entry.bytes);
await writeFile(
  join(dir, 'cases.json'),
  JSON.stringify(
    cases.map(({ name, description, bytes, expected }) => ({
      name,
      description,
      bytes: bytes.length,
      expected,
    })),
  ),
);

const template = await getSampleTemplate(TEMPLATE_SLUG);
if (!template) throw new Error(`no sample template ${TEMPLATE_SLUG}`);
const names = [...template.assets.keys()];
for (const name of names)
  await writeFile(join(dir, 'assets', encodeURIComponent(name)), template.assets.get(name));
await writeFile(
  join(dir, 'template.json'),
  JSON.stringify({ id: template.uuid, slug: template.slug, manifest: template.manifest, names }),
);

/** A 10,000 × 10,000 diagonal gradient (not one flat colour, so the decoder does real work). */
async function atCap(format) {
  const side = 10_000;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#d53369"/><stop offset="1" stop-color="#1b5e8c"/>
    </linearGradient></defs><rect width="${side}" height="${side}" fill="url(#g)"/></svg>`;
  const image = sharp(Buffer.from(svg), { limitInputPixels: false });
  return format === 'png'
    ? image.png({ compressionLevel: 9 }).toBuffer()
    : image.jpeg({ quality: 90 }).toBuffer();
}
