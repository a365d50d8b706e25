// The public view of a template's smart objects (docs/api.md `smart_objects`), derived from the manifest
// so the gateway never restates geometry by hand.
import type { BlendMode, Quad, TemplateManifest } from './template-model.js';
import { smartObjectsOf } from './template-model.js';

export interface SmartObjectSummary {
  uuid: string;
  name: string;
  layer_name: string;
  size: { width: number; height: number };
  position: { x: number; y: number; width: number; height: number };
  quad: Quad | null;
  blend_mode: BlendMode;
  required: boolean;
  /** The product colour a render may set; null when the smart object takes none. */
  color: { default: string; allowed: string[] | null } | null;
}

export function describeSmartObjects(manifest: TemplateManifest): SmartObjectSummary[] {
  return smartObjectsOf(manifest).map((layer) => ({
    uuid: layer.uuid,
    name: layer.name,
    layer_name: layer.layer_name,
    size: { ...layer.size },
    position: { ...layer.position },
    quad: layer.quad,
    blend_mode: layer.blend_mode,
    required: layer.required,
    color: layer.color ? { default: layer.color.default, allowed: layer.color.allowed ?? null } : null,
  }));
}
