// How a template manifest sits in `renders.mockups.manifest`: the compositor's manifest plus the
// content hash it was installed with (so a re-install can tell "unchanged" without reading assets).
import type { TemplateManifestInput } from '@platen/compositor';

const HASH_FIELD = 'content_hash';

export function toStoredManifest(manifest: object, contentHash: string | null): Record<string, unknown> {
  return contentHash === null ? { ...manifest } : { ...manifest, [HASH_FIELD]: contentHash };
}

export function fromStoredManifest(stored: Record<string, unknown>): {
  manifest: TemplateManifestInput;
  contentHash: string | null;
} {
  const { [HASH_FIELD]: hash, ...manifest } = stored;
  // The compositor validates the manifest itself (a broken one fails the render as RENDER_FAILED).
  return {
    manifest: manifest as unknown as TemplateManifestInput,
    contentHash: typeof hash === 'string' ? hash : null,
  };
}
