// A placed layer's smart filters → the template's `filters`, in the order Photoshop stores them
// (the order it applies them: the first runs first), each with its opacity and blend mode. Every
// filter comes from Photoshop's own list (the raw `filterFX` descriptor), so none is lost: the kinds
// ag-psd parses right (Curves, Brightness/Contrast, Gaussian Blur, Invert, Average, Liquify) keep ag-psd's parse, the
// adjustments it drops are read from their descriptors, and any other enabled filter is named in a
// warning. A disabled filter is left out silently, as Photoshop does not draw it.
import {
  FILTER_BLEND_MODES,
  modelledFilterReason,
  SMART_FILTERS_MAX,
  toLayerName,
  type Quad,
  type SmartFilter,
} from '@platen/compositor';
import type { Filter, PlacedLayerFilter } from 'ag-psd';
import { BlnM } from 'ag-psd/dist/descriptor.js';
import { z } from 'zod';
import { toBlendMode } from './blend-modes.js';
import { decodeLiquifyMesh, liquifyOnDesign } from './liquify-mesh.js';
import {
  adjustmentFromDescriptor,
  type FilterKindParams,
  type NotReproduced,
} from './smart-filter-adjustments.js';

export interface SkippedFilter {
  /** The filter's name as Photoshop shows it. */
  name: string;
  /** Why this filter of a known kind is not applied; none for a kind the compositor lacks. */
  reason?: string;
}

export interface MappedSmartFilters {
  filters: SmartFilter[];
  /** The enabled filters that are not applied. */
  skipped: SkippedFilter[];
  /** Names of the applied filters drawn with a model of Photoshop's formula. */
  approximated: string[];
  /** Listed filters whose descriptor could not be read (or past the listing bound). */
  unreadable: number;
  /** The applied filters show through an enabled filter mask (read by filter-mask.ts). */
  masked: boolean;
}

export interface SmartFilterWarning {
  code: 'SMART_FILTERS_SKIPPED' | 'SMART_FILTERS_APPROXIMATED' | 'SMART_FILTER_MASK_IGNORED';
  message: string;
}

type CurveChannel = 'composite' | 'red' | 'green' | 'blue';
type Points = [number, number][];

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const CURVE_POINTS_MAX = 32;
const BLUR_RADIUS_MAX = 250;
/** Photoshop's list is untrusted input: filters past this many are only counted. */
const LISTED_MAX = 64;

/** Where the smart object's design canvas lands in the document: what Liquify's mesh is drawn on. */
export interface FilterPlacement {
  size: { width: number; height: number };
  corners: Quad;
  /** The placed layer has a warp: the document no longer maps onto the canvas through the corners. */
  warped: boolean;
  /** The document's size in its pixels: Average means over all of it. */
  document?: { width: number; height: number };
}

/**
 * The document's area in design pixels, through the placement's scale (the corners' area over the
 * canvas's): undefined for a degenerate placement. A warp's local stretch is not followed.
 */
function documentAreaOnDesign({ size, corners, document }: FilterPlacement): number | undefined {
  if (!document) return undefined;
  let twice = 0;
  for (let i = 0; i < 4; i++) {
    const [x0, y0] = corners[i]!;
    const [x1, y1] = corners[(i + 1) % 4]!;
    twice += x0 * y1 - x1 * y0;
  }
  const scale = Math.abs(twice) / 2 / (size.width * size.height);
  const area = (document.width * document.height) / scale;
  return Number.isFinite(area) && area > 0 && area <= 1e12 ? Math.round(area) : undefined;
}

/** A filter of ag-psd's parse → the compositor's kind, or why it is not reproduced. */
function paramsOf(
  filter: Filter,
  placement: FilterPlacement | undefined,
): FilterKindParams | NotReproduced | undefined {
  switch (filter.type) {
    case 'invert':
      return { kind: 'invert', params: {} };
    case 'average': {
      const area = placement && documentAreaOnDesign(placement);
      return { kind: 'average', params: area === undefined ? {} : { document_area: area } };
    }
    case 'brightness/contrast':
      if (filter.filter.useLegacy) {
        return {
          kind: 'brightness_contrast',
          params: {
            brightness: clamp(filter.filter.brightness, -100, 100),
            contrast: clamp(filter.filter.contrast, -100, 100),
            legacy: true,
          },
        };
      }
      return {
        kind: 'brightness_contrast',
        params: {
          brightness: clamp(filter.filter.brightness, -150, 150),
          contrast: clamp(filter.filter.contrast, -50, 100),
        },
      };
    case 'gaussian blur': {
      const { units, value } = filter.filter.radius;
      if (units !== 'Pixels') return { reason: `its radius is in ${units}, not pixels` };
      if (!(value >= 0) || value > BLUR_RADIUS_MAX) {
        return { reason: `its radius is beyond ${BLUR_RADIUS_MAX} pixels` };
      }
      return { kind: 'gaussian_blur', params: { radius: value } };
    }
    case 'curves': {
      const params: Partial<Record<CurveChannel, Points>> = {};
      for (const adjustment of filter.filter.adjustments ?? []) {
        // A curve drawn with the pencil is a 256-value map, not points through a spline.
        if (!('curve' in adjustment)) return { reason: 'its pencil-drawn curve is not reproduced' };
        const points: Points = adjustment.curve.map((p) => [clamp(p.x, 0, 255), clamp(p.y, 0, 255)]);
        if (points.length < 2 || points.length > CURVE_POINTS_MAX) {
          return { reason: `its curve has more than ${CURVE_POINTS_MAX} points` };
        }
        for (const channel of adjustment.channels) params[channel] = points;
      }
      return { kind: 'curves', params };
    }
    case 'liquify': {
      const mesh = decodeLiquifyMesh(filter.filter.liquifyMesh);
      if (!mesh) return { reason: 'its Liquify mesh is not in the layout Platen reads' };
      if (!placement) return undefined;
      if (placement.warped) return { reason: 'Liquify on a warped smart object is not reproduced' };
      return { kind: 'liquify', params: liquifyOnDesign(mesh, placement.size, placement.corners) };
    }
    case 'perspective warp':
      return { reason: 'Perspective Warp is not reproduced, the artwork keeps its unwarped shape' };
    default:
      return undefined;
  }
}

/** One filter of the stack, from ag-psd's parse, Photoshop's descriptor, or both. */
interface Entry {
  name: string;
  enabled: boolean;
  opacity: number;
  blendMode: string | undefined;
  parsed?: Filter;
  /** The `Fltr` descriptor: the filter's settings as Photoshop stored them. */
  settings?: unknown;
}

const num = z.number().finite();
const rawStackSchema = z.object({
  enab: z.boolean().default(true),
  filterMaskEnable: z.boolean().default(false),
  filterFXList: z.array(z.unknown()).default([]),
});
const rawFilterSchema = z.object({
  'Nm  ': z.string().default(''),
  enab: z.boolean().default(true),
  blendOptions: z
    .object({
      Opct: z.object({ units: z.literal('Percent'), value: num }).optional(),
      'Md  ': z.string().optional(),
    })
    .default({}),
  Fltr: z.unknown().optional(),
});

/** ag-psd's name for the mode; a value it does not know stays as stored, so it maps to no mode. */
function blendModeName(descriptorValue: string | undefined): string {
  if (descriptorValue === undefined) return 'normal';
  try {
    return BlnM.decode(descriptorValue);
  } catch {
    return descriptorValue;
  }
}

function fromParse(filter: Filter): Entry {
  return {
    name: filter.name ?? '',
    enabled: filter.enabled,
    opacity: filter.opacity,
    blendMode: filter.blendMode,
    parsed: filter,
  };
}

/**
 * Photoshop's list, each filter paired with ag-psd's parse of it when there is one. ag-psd's list
 * is Photoshop's in order with the filters it cannot parse left out, so a parse belongs to the
 * next listed filter of the same name and state; a filter paired with none is read from its
 * descriptor or named, never lost.
 */
function entriesOf(rawList: unknown[], parsedList: Filter[]): { entries: Entry[]; unreadable: number } {
  const entries: Entry[] = [];
  let unreadable = 0;
  let next = 0;
  for (const item of rawList.slice(0, LISTED_MAX)) {
    const raw = rawFilterSchema.safeParse(item);
    if (!raw.success) {
      unreadable++;
      continue;
    }
    const { 'Nm  ': name, enab: enabled, blendOptions, Fltr: settings } = raw.data;
    const candidate = parsedList[next];
    const parsed =
      candidate && candidate.name === name && candidate.enabled === enabled ? candidate : undefined;
    if (parsed) next++;
    entries.push({
      name,
      enabled,
      opacity: blendOptions.Opct ? blendOptions.Opct.value / 100 : 1,
      blendMode: blendModeName(blendOptions['Md  ']),
      ...(parsed ? { parsed } : {}),
      settings,
    });
  }
  return { entries, unreadable: unreadable + Math.max(0, rawList.length - LISTED_MAX) };
}

function filterBlendMode(name: string | undefined): SmartFilter['blend_mode'] | undefined {
  const mode = toBlendMode(name);
  return (FILTER_BLEND_MODES as readonly string[]).includes(mode ?? '')
    ? (mode as SmartFilter['blend_mode'])
    : undefined;
}

/**
 * `stack` is ag-psd's parse; `descriptor` Photoshop's `filterFX` (smartFilterDescriptorOf). Without
 * the descriptor only ag-psd's parse is seen, and what it dropped cannot be named. Without the
 * placement, a filter drawn in the document's space (Liquify) is named, not applied.
 */
export function mapSmartFilters(
  stack: PlacedLayerFilter | undefined,
  descriptor?: unknown,
  placement?: FilterPlacement,
): MappedSmartFilters {
  const mapped: MappedSmartFilters = {
    filters: [],
    skipped: [],
    approximated: [],
    unreadable: 0,
    masked: false,
  };
  const raw = descriptor === undefined ? undefined : rawStackSchema.safeParse(descriptor);
  const enabled = raw?.success ? raw.data.enab : stack?.enabled;
  if (!enabled) return mapped;
  const { entries, unreadable } = raw?.success
    ? entriesOf(raw.data.filterFXList, stack?.list ?? [])
    : { entries: (stack?.list ?? []).map(fromParse), unreadable: 0 };
  for (const entry of entries) {
    if (!entry.enabled) continue;
    // The name is the document's text: stored and shown, so made storable and short.
    const name = toLayerName(entry.name, entry.parsed?.type ?? 'smart filter');
    const kind =
      (entry.parsed && paramsOf(entry.parsed, placement)) ??
      (entry.settings === undefined ? undefined : adjustmentFromDescriptor(entry.settings));
    if (!kind || 'reason' in kind) {
      mapped.skipped.push(kind ? { name, reason: kind.reason } : { name });
      continue;
    }
    const blend = filterBlendMode(entry.blendMode);
    if (!blend) {
      mapped.skipped.push({ name, reason: 'its blend mode is not reproduced on a smart filter' });
      continue;
    }
    if (mapped.filters.length >= SMART_FILTERS_MAX) {
      mapped.skipped.push({ name, reason: `only the first ${SMART_FILTERS_MAX} smart filters are applied` });
      continue;
    }
    if (modelledFilterReason(kind)) mapped.approximated.push(name);
    mapped.filters.push({
      ...kind,
      opacity: Math.round(clamp(entry.opacity, 0, 1) * 1000) / 1000,
      blend_mode: blend,
    });
  }
  mapped.unreadable = unreadable;
  const maskEnabled = raw?.success ? raw.data.filterMaskEnable : (stack?.maskEnabled ?? false);
  mapped.masked = maskEnabled && mapped.filters.length > 0;
  return mapped;
}

/**
 * The layer's warnings: one naming every filter of a kind the compositor lacks, one per reason, one
 * naming the applied filters drawn with a model of Photoshop's formula, and one for a filter mask
 * the import could not apply (`maskApplied` false: none stored, or unreadable).
 */
export function smartFilterWarnings(mapped: MappedSmartFilters, maskApplied = false): SmartFilterWarning[] {
  const warnings: SmartFilterWarning[] = [];
  const plain = mapped.skipped.filter((s) => s.reason === undefined).map((s) => `"${s.name}"`);
  if (plain.length) {
    const many = plain.length > 1;
    warnings.push({
      code: 'SMART_FILTERS_SKIPPED',
      message: `Smart filter${many ? 's' : ''} ${plain.join(', ')} ${many ? 'are' : 'is'} not applied to the artwork.`,
    });
  }
  for (const { name, reason } of mapped.skipped) {
    if (reason === undefined) continue;
    warnings.push({
      code: 'SMART_FILTERS_SKIPPED',
      message: `Smart filter "${name}" is not applied to the artwork: ${reason}.`,
    });
  }
  if (mapped.approximated.length) {
    const many = mapped.approximated.length > 1;
    const names = mapped.approximated.map((name) => `"${name}"`).join(', ');
    warnings.push({
      code: 'SMART_FILTERS_APPROXIMATED',
      message: `Smart filter${many ? 's' : ''} ${names} ${many ? 'are' : 'is'} drawn with a published model of Photoshop's formula: colours may differ slightly.`,
    });
  }
  if (mapped.unreadable > 0) {
    const many = mapped.unreadable > 1;
    warnings.push({
      code: 'SMART_FILTERS_SKIPPED',
      message: `${mapped.unreadable} smart filter${many ? 's' : ''} could not be read and ${many ? 'are' : 'is'} not applied to the artwork.`,
    });
  }
  if (mapped.masked && !maskApplied) {
    warnings.push({
      code: 'SMART_FILTER_MASK_IGNORED',
      message: 'The smart filter mask is not read: the smart filters apply to the whole artwork.',
    });
  }
  return warnings;
}
