// A placed layer's smart filters (as ag-psd reads them) → the template's `filters`, in the order
// Photoshop stores them (taken as the order it applies them: the first runs first). A filter with
// no equal is left out and named, so the importer can warn; a disabled one is left out silently,
// as Photoshop does not draw it. ag-psd 31 parses Curves, Invert, Brightness/Contrast and Gaussian
// Blur among the kinds the compositor runs; any smart filter ag-psd cannot parse is dropped by
// ag-psd itself, before this code sees it.
import { FILTER_BLEND_MODES, SMART_FILTERS_MAX, toLayerName, type SmartFilter } from '@platen/compositor';
import type { Filter, PlacedLayerFilter } from 'ag-psd';
import { toBlendMode } from './blend-modes.js';

export interface MappedSmartFilters {
  filters: SmartFilter[];
  /** Names (as Photoshop shows them) of the enabled filters that are not applied. */
  skipped: string[];
  /** The stack has a filter mask, which ag-psd does not read: the filters cover all the artwork. */
  maskIgnored: boolean;
}

type CurveChannel = 'composite' | 'red' | 'green' | 'blue';
type Points = [number, number][];

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const CURVE_POINTS_MAX = 32;
const BLUR_RADIUS_MAX = 250;

/** The filter's own parameters, or undefined when they have no equal in the compositor. */
function paramsOf(filter: Filter): Pick<SmartFilter, 'kind' | 'params'> | undefined {
  switch (filter.type) {
    case 'invert':
      return { kind: 'invert', params: {} };
    case 'brightness/contrast':
      // The legacy formula is a different curve (a plain shift and stretch).
      if (filter.filter.useLegacy) return undefined;
      return {
        kind: 'brightness_contrast',
        params: {
          brightness: clamp(filter.filter.brightness, -150, 150),
          contrast: clamp(filter.filter.contrast, -50, 100),
        },
      };
    case 'gaussian blur': {
      const { units, value } = filter.filter.radius;
      if (units !== 'Pixels' || !(value >= 0) || value > BLUR_RADIUS_MAX) return undefined;
      return { kind: 'gaussian_blur', params: { radius: value } };
    }
    case 'curves': {
      const params: Partial<Record<CurveChannel, Points>> = {};
      for (const adjustment of filter.filter.adjustments ?? []) {
        // A curve drawn with the pencil is a 256-value map, not points through a spline.
        if (!('curve' in adjustment)) return undefined;
        const points: Points = adjustment.curve.map((p) => [clamp(p.x, 0, 255), clamp(p.y, 0, 255)]);
        if (points.length < 2 || points.length > CURVE_POINTS_MAX) return undefined;
        for (const channel of adjustment.channels) params[channel] = points;
      }
      return { kind: 'curves', params };
    }
    default:
      return undefined;
  }
}

function blendModeOf(filter: Filter): SmartFilter['blend_mode'] | undefined {
  const mode = toBlendMode(filter.blendMode);
  return (FILTER_BLEND_MODES as readonly string[]).includes(mode ?? '')
    ? (mode as SmartFilter['blend_mode'])
    : undefined;
}

export function mapSmartFilters(stack: PlacedLayerFilter | undefined): MappedSmartFilters {
  const mapped: MappedSmartFilters = { filters: [], skipped: [], maskIgnored: false };
  if (!stack || !stack.enabled) return mapped;
  for (const filter of stack.list ?? []) {
    if (!filter.enabled) continue;
    const params = paramsOf(filter);
    const blend = blendModeOf(filter);
    if (!params || !blend || mapped.filters.length >= SMART_FILTERS_MAX) {
      // The name is the document's text: stored and shown, so made storable and short.
      mapped.skipped.push(toLayerName(filter.name ?? '', filter.type));
      continue;
    }
    mapped.filters.push({
      ...params,
      opacity: Math.round(clamp(filter.opacity, 0, 1) * 1000) / 1000,
      blend_mode: blend,
    } as SmartFilter);
  }
  mapped.maskIgnored = stack.maskEnabled && mapped.filters.length > 0;
  return mapped;
}
