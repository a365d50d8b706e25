// The shape of a built-in sample template: what the gateway installs as a read-only mockup.
import type { TemplateAssets, TemplateManifestInput } from '../template-model.js';

export interface SampleDraft {
  /** Stable across builds so installs are idempotent. */
  uuid: string;
  slug: string;
  name: string;
  manifest: TemplateManifestInput;
  assets: TemplateAssets;
}

export interface SampleTemplate extends SampleDraft {
  /** JPEG, 480 px on the longest side: the template rendered with the demo artwork. */
  thumbnail: Buffer;
}
