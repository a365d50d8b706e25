// The public view of a template's smart objects (docs/api.md `smart_objects`), derived from the manifest
// so the gateway never restates geometry by hand.
import type { PhysicalPrintArea } from '@platen/contracts';
import { physicalPrintAreaOf } from './print-file.js';
import type { BlendMode, Quad, TemplateManifest } from './template-model.js';
import { smartObjectPlacementsOf, smartObjectsOf } from './template-model.js';

export interface SmartObjectPlacementSummary {
  layer_name: string;
  position: { x: number; y: number; width: number; height: number };
  quad: Quad | null;
}

export interface SmartObjectSummary {
  uuid: string;
  name: string;
  layer_name: string;
  size: { width: number; height: number };
  position: { x: number; y: number; width: number; height: number };
  quad: Quad | null;
  blend_mode: BlendMode;
  required: boolean;
  /** Every layer the artwork is drawn into, bottom to top; the first is the fields above. */
  placements: SmartObjectPlacementSummary[];
  /** The product colour a render may set; null when the smart object takes none. */
  color: { default: string; allowed: string[] | null } | null;
  /** The physical size the design area is printed at (print files). */
  print_area: PhysicalPrintArea;
}

export function describeSmartObjects(manifest: TemplateManifest): SmartObjectSummary[] {
  const placements = smartObjectPlacementsOf(manifest);
  return smartObjectsOf(manifest).map((layer) => ({
    uuid: layer.uuid,
    name: layer.name,
    layer_name: layer.layer_name,
    size: { ...layer.size },
    position: { ...layer.position },
    quad: layer.quad,
    blend_mode: layer.blend_mode,
    required: layer.required,
    placements: placements
      .filter((placement) => placement.uuid === layer.uuid)
      .map((placement) => ({
        layer_name: placement.layer_name,
        position: { ...placement.position },
        quad: placement.quad,
      })),
    color: layer.color ? { default: layer.color.default, allowed: layer.color.allowed ?? null } : null,
    print_area: physicalPrintAreaOf(layer),
  }));
}
