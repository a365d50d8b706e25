// Renders the sample pictures in this folder (shown in the READMEs) from the built package:
//   npm run build && node packages/compositor/examples/render-examples.mjs [slug …]
// Each sample is rendered with the demo artwork, 800 px on its longest side, as a palette PNG;
// the t-shirt also in navy. Without slugs every example is rendered again.
import console from 'node:console';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  createCompositor,
  createDemoArtwork,
  createKernelPool,
  listSampleTemplates,
  smartObjectsOf,
  templateManifestSchema,
} from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const examples = [
  { file: 'poster-on-wall.png', slug: 'poster-on-wall' },
  { file: 't-shirt.png', slug: 't-shirt' },
  { file: 't-shirt-navy.png', slug: 't-shirt', color: '#1f2a44' },
  { file: 'tablet-at-angle.png', slug: 'tablet-at-angle' },
  { file: 'mug.png', slug: 'mug' },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((slug) => !examples.some((example) => example.slug === slug));
if (unknown.length > 0) throw new Error(`no example for ${unknown.join(', ')}`);

const samples = await listSampleTemplates();
const artwork = await createDemoArtwork();
const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 500_000_000 });
for (const example of examples) {
  if (wanted.length > 0 && !wanted.includes(example.slug)) continue;
  const sample = samples.find((s) => s.slug === example.slug);
  const prepared = await compositor.prepare(
    { id: sample.slug, version: 1, manifest: sample.manifest },
    sample.assets,
  );
  const inputs = smartObjectsOf(templateManifestSchema.parse(sample.manifest)).map((so) => ({
    uuid: so.uuid,
    asset: artwork,
    fit: 'cover',
    rotate: 0,
    ...(example.color ? { color: example.color } : {}),
  }));
  const { data } = await compositor.render(prepared, inputs, { format: 'png', size: 800 });
  await writeFile(join(here, example.file), await sharp(data).png({ palette: true, effort: 10 }).toBuffer());
  console.log(`wrote ${example.file}`);
}
