// How a template manifest sits in `renders.mockups.manifest`: the compositor's manifest plus the
// content hash it was installed with (so a re-install can tell "unchanged" without reading assets).
import type { TemplateManifestInput } from '@platen/compositor';

const HASH_FIELD = 'content_hash';
/** For built-ins: the sample generator's revision they were made with (see SAMPLE_TEMPLATES_REVISION). */
export const SAMPLE_REVISION_FIELD = 'sample_revision';

export function toStoredManifest(
  manifest: object,
  contentHash: string | null,
  sampleRevision?: number,
): Record<string, unknown> {
  return {
    ...manifest,
    ...(contentHash === null ? {} : { [HASH_FIELD]: contentHash }),
    ...(sampleRevision === undefined ? {} : { [SAMPLE_REVISION_FIELD]: sampleRevision }),
  };
}

export function fromStoredManifest(stored: Record<string, unknown>): {
  manifest: TemplateManifestInput;
  contentHash: string | null;
} {
  const { [HASH_FIELD]: hash, [SAMPLE_REVISION_FIELD]: _revision, ...manifest } = stored;
  // The compositor validates the manifest itself (a broken one fails the render as RENDER_FAILED).
  return {
    manifest: manifest as unknown as TemplateManifestInput,
    contentHash: typeof hash === 'string' ? hash : null,
  };
}
