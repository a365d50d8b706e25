// One corpus file through Platen as the import worker takes it (services/render-worker/src/
// mockup-importer.ts: parse, the manifest held to the schema, the demo-artwork thumbnail that proves
// it renders), then rendered with every required smart object given the file embedded for it and the
// optional ones left out (they draw their stored content), compared with Photoshop's own image.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { smartObjectsOf, templateManifestSchema } from '@platen/compositor';
import { compareImages, crop, decodeRgba, sideBySide } from './compare.mjs';
import { artworkFor } from './embedded-artwork.mjs';
import { photoshopReference, readDocument } from './photoshop-reference.mjs';

const THUMBNAIL = { format: 'jpeg', size: 480, quality: 82 };

/**
 * deps: parse(bytes, mockupId) (the worker's PsdParser.parse), compositor, demoArtwork(),
 * classify(error) → { code, message } (the worker's classifyImportFailure).
 */
export function createFidelityCheck({ parse, compositor, demoArtwork, classify }) {
  async function importLikeTheWorker(bytes, mockupId) {
    const imported = await parse(bytes, mockupId);
    const manifest = templateManifestSchema.parse(imported.manifest);
    const prepared = await compositor.prepare({ id: mockupId, version: 1, manifest }, imported.assets);
    const artwork = await demoArtwork();
    const inputs = smartObjectsOf(manifest).map((so) => ({
      uuid: so.uuid,
      asset: artwork,
      fit: 'cover',
      rotate: 0,
    }));
    await compositor.render(prepared, inputs, THUMBNAIL);
    return { manifest, prepared, warnings: imported.warnings };
  }

  return async function check(bytes) {
    let imported;
    try {
      // A copy: the worker's parser transfers the bytes to its thread, detaching them here.
      imported = await importLikeTheWorker(Buffer.from(bytes), randomUUID());
    } catch (error) {
      const failure = classify(error);
      return { status: 'refused', code: failure.code, message: failure.message, warnings: [], notes: [] };
    }
    const psd = readDocument(bytes);
    const reference = photoshopReference(psd);
    const result = {
      status: 'ready',
      size: `${psd.width}×${psd.height}`,
      reference: reference.kind,
      caveats: reference.caveats,
      warnings: imported.warnings,
      notes: [],
    };
    const smartObjects = await artworkFor(psd, imported.manifest);
    result.smartObjects = smartObjects.map(({ artwork, ...rest }) => ({
      ...rest,
      artwork: Boolean(artwork),
    }));
    const inputs = [];
    for (const so of smartObjects) {
      if (so.note) result.notes.push(`${so.name}: ${so.note}`);
      if (!so.required) continue;
      const asset = so.artwork ?? (await demoArtwork());
      if (!so.artwork)
        result.notes.push(`${so.name}: required but no embedded artwork, rendered with the demo artwork`);
      inputs.push({ uuid: so.uuid, asset, fit: 'fill', rotate: 0 });
    }
    let render;
    try {
      render = await compositor.render(imported.prepared, inputs, { format: 'png' });
    } catch (error) {
      const failure = classify(error);
      return { ...result, renderError: `${failure.code}: ${failure.message}` };
    }
    result.renderWarnings = render.warnings;
    const platen = await decodeRgba(render.data);
    Object.assign(result, compareImages(reference.image, platen));
    result.worstLayers = worstLayers(psd, reference.image, platen);
    result.sideBySide = await sideBySide(reference.image, platen);
    return result;
  };
}

/** Where the difference lies: MAD inside each visible layer's box, the worst WORST_LAYERS first. */
const WORST_LAYERS = 5;
function worstLayers(psd, reference, platen) {
  const rows = [];
  const walk = (layers, parent) => {
    for (const layer of layers ?? []) {
      if (layer.hidden) continue;
      const name = parent ? `${parent} / ${layer.name}` : (layer.name ?? '');
      if (layer.children) {
        walk(layer.children, name);
        continue;
      }
      const box = {
        left: layer.left ?? 0,
        top: layer.top ?? 0,
        right: layer.right ?? 0,
        bottom: layer.bottom ?? 0,
      };
      const a = crop(reference, box);
      const b = crop(platen, box);
      if (!a || !b) continue;
      const { mad } = compareImages(a, b);
      rows.push({
        layer: name,
        blendMode: layer.blendMode ?? 'normal',
        placed: Boolean(layer.placedLayer),
        mad: Math.round(mad * 100) / 100,
      });
    }
  };
  walk(psd.children, '');
  return rows.sort((x, y) => y.mad - x.mad).slice(0, WORST_LAYERS);
}
