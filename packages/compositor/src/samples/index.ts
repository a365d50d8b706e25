// The built-in sample templates, generated in code (no third-party images). Generation is
// deterministic, so it runs lazily once per process and the result is kept (it is immutable).
import { createKernelPool } from '../kernel-pool.js';
import { createSharpMedia } from '../sharp-media.js';
import { smartObjectsOf, templateManifestSchema } from '../template-model.js';
import { prepareTemplate } from '../template-preparer.js';
import { renderTemplate } from '../template-renderer.js';
import { createDemoArtwork } from './demo-artwork.js';
import { buildMug } from './mug.js';
import { buildPosterOnWall } from './poster-on-wall.js';
import type { SampleDraft, SampleTemplate } from './sample-template.js';
import { buildTabletAtAngle } from './tablet-at-angle.js';
import { buildTShirt } from './t-shirt.js';

export type { SampleTemplate } from './sample-template.js';
export { createDemoArtwork } from './demo-artwork.js';

const builders: (() => Promise<SampleDraft>)[] = [
  buildPosterOnWall,
  buildTShirt,
  buildTabletAtAngle,
  buildMug,
];

/**
 * Bump whenever any sample's drawing code changes: installations compare it with what they
 * stored and regenerate (seconds of pixel work) only when it differs.
 */
export const SAMPLE_TEMPLATES_REVISION = 2; // 2: smart objects list their product colour; the photographed t-shirt
export const SAMPLE_TEMPLATE_COUNT = builders.length;

let samples: Promise<SampleTemplate[]> | undefined;

/** Every sample template with its thumbnail; built on first call. */
export function listSampleTemplates(): Promise<SampleTemplate[]> {
  samples ??= buildAll().catch((error: unknown) => {
    samples = undefined;
    throw error;
  });
  return samples;
}

export async function getSampleTemplate(slug: string): Promise<SampleTemplate | undefined> {
  return (await listSampleTemplates()).find((sample) => sample.slug === slug);
}

async function buildAll(): Promise<SampleTemplate[]> {
  const artwork = await createDemoArtwork();
  const built: SampleTemplate[] = [];
  // One at a time: each holds a few full-size canvases while it is drawn.
  for (const build of builders) {
    const draft = await build();
    built.push({ ...draft, thumbnail: await renderThumbnail(draft, artwork) });
  }
  return built;
}

/** The sample rendered with the demo artwork (inline kernels: this runs once, at start-up). */
export async function renderThumbnail(draft: SampleDraft, artwork: Buffer, size = 480): Promise<Buffer> {
  const media = createSharpMedia({ limitInputPixels: 100_000_000 });
  const pool = createKernelPool({ threads: 0 });
  const manifest = templateManifestSchema.parse(draft.manifest);
  const prepared = await prepareTemplate({ key: draft.slug, manifest, assets: draft.assets, media, pool });
  const inputs = smartObjectsOf(manifest).map((so) => ({
    uuid: so.uuid,
    asset: artwork,
    fit: 'cover' as const,
    rotate: 0,
  }));
  const { data } = await renderTemplate({ media, pool }, prepared, inputs, {
    format: 'jpeg',
    size,
    quality: 82,
  });
  return data;
}
