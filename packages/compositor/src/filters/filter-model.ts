// The smart filters a template may apply to a smart object's artwork, bottom → top as Photoshop
// runs them: each an adjustment kind with its parameters, blended over the artwork it received
// with its own blend mode and opacity. Ranges are Photoshop's dialog ranges.
import { z } from 'zod';
import { SEPARABLE_BLEND_MODES } from '@platen/contracts';

const level = z.number().finite().min(0).max(255);
const curvePoints = z
  .array(z.tuple([level, level]))
  .min(2)
  .max(32);
const percent = (min: number, max: number): z.ZodNumber => z.number().finite().min(min).max(max);
const levelsChannel = z
  .object({
    in_black: level.default(0),
    in_white: level.default(255),
    gamma: z.number().finite().min(0.1).max(9.99).default(1),
    out_black: level.default(0),
    out_white: level.default(255),
  })
  .refine((l) => l.in_black < l.in_white, { message: 'in_black must be below in_white' });
const colorShift = z.tuple([percent(-100, 100), percent(-100, 100), percent(-100, 100)]);
const rgb = z.tuple([level, level, level]);
/** [red %, green %, blue %, constant %] of one output channel. */
const mixerRow = z.tuple([percent(-200, 200), percent(-200, 200), percent(-200, 200), percent(-200, 200)]);
/** [cyan %, magenta %, yellow %, black %] added to one colour range. */
const inkShift = z.tuple([percent(-100, 100), percent(-100, 100), percent(-100, 100), percent(-100, 100)]);
const gradientStops = z
  .array(
    z.object({
      location: z.number().finite().min(0).max(1),
      midpoint: z.number().finite().min(0).max(1).default(0.5),
      color: rgb,
    }),
  )
  .min(2)
  .max(32)
  .refine((stops) => stops.every((stop, i) => i === 0 || stops[i - 1]!.location <= stop.location), {
    message: 'stops must be sorted by location',
  });
/** Grid points of a Color Lookup table each way: Photoshop's own 3D LUTs use 17 … 64. */
export const COLOR_LOOKUP_SIZE_MAX = 65;
/** Vertices of a Liquify grid each way: Photoshop stores 64. */
export const LIQUIFY_GRID_MAX = 128;
const filterParams = {
  curves: z.object({
    composite: curvePoints.optional(),
    red: curvePoints.optional(),
    green: curvePoints.optional(),
    blue: curvePoints.optional(),
  }),
  levels: z.object({
    composite: levelsChannel.optional(),
    red: levelsChannel.optional(),
    green: levelsChannel.optional(),
    blue: levelsChannel.optional(),
  }),
  hue_saturation: z.object({
    hue: percent(-180, 360).default(0),
    saturation: percent(-100, 100).default(0),
    lightness: percent(-100, 100).default(0),
    colorize: z.boolean().default(false),
    /** Photoshop's colour ranges (reds … magentas), each shifted on top of the master's. */
    ranges: z
      .array(
        z.object({
          /** [begin ramp, begin sustain, end sustain, end ramp], degrees, wrapping through 0. */
          hues: z.tuple([percent(0, 360), percent(0, 360), percent(0, 360), percent(0, 360)]),
          hue: percent(-180, 180).default(0),
          saturation: percent(-100, 100).default(0),
          lightness: percent(-100, 100).default(0),
        }),
      )
      .max(6)
      .optional(),
  }),
  brightness_contrast: z
    .object({
      brightness: percent(-150, 150).default(0),
      contrast: percent(-100, 100).default(0),
      /** Photoshop's "Use Legacy" formula (brightness and contrast −100 … 100). */
      legacy: z.boolean().optional(),
    })
    .refine((p) => (p.legacy ? Math.abs(p.brightness) <= 100 : p.contrast >= -50), {
      message: 'legacy brightness is −100 … 100; contrast below −50 needs legacy',
    }),
  exposure: z.object({
    exposure: percent(-20, 20).default(0),
    offset: percent(-0.5, 0.5).default(0),
    gamma: percent(0.01, 9.99).default(1),
  }),
  vibrance: z.object({
    vibrance: percent(-100, 100).default(0),
    saturation: percent(-100, 100).default(0),
  }),
  color_balance: z.object({
    shadows: colorShift.default([0, 0, 0]),
    midtones: colorShift.default([0, 0, 0]),
    highlights: colorShift.default([0, 0, 0]),
    preserve_luminosity: z.boolean().default(true),
  }),
  black_white: z.object({
    reds: percent(-200, 300).default(40),
    yellows: percent(-200, 300).default(60),
    greens: percent(-200, 300).default(40),
    cyans: percent(-200, 300).default(60),
    blues: percent(-200, 300).default(20),
    magentas: percent(-200, 300).default(80),
    /** Photoshop's Tint: the grey coloured as the Color blend mode would. */
    tint: rgb.optional(),
  }),
  invert: z.object({}),
  /** a 3D table (.cube order: red fastest), size³ RGB triples 0–1, trilinearly interpolated. */
  color_lookup: z
    .object({
      size: z.number().int().min(2).max(COLOR_LOOKUP_SIZE_MAX),
      table: z.array(z.number().finite().min(0).max(1)).max(COLOR_LOOKUP_SIZE_MAX ** 3 * 3),
    })
    .refine((p) => p.table.length === p.size ** 3 * 3, {
      message: 'table must hold size³ RGB triples',
      path: ['table'],
    }),
  /**
   * the artwork filled with one mean colour, alpha kept: Photoshop's mean of the colour channels
   * over the document, alpha ignored, white outside the artwork's covered box (average.ts).
   * `document_area`: the document's area in the smart object's design pixels (design px²); absent,
   * the mean is over the covered box alone.
   */
  average: z.object({ document_area: z.number().finite().positive().max(1e12).optional() }),
  /** Photoshop's RGB → Gray Gamma 2.2 conversion (a greyscale document's placed content). */
  grayscale: z.object({}),
  photo_filter: z.object({
    color: rgb,
    density: percent(0, 100).default(25),
    preserve_luminosity: z.boolean().default(true),
  }),
  posterize: z.object({ levels: z.number().int().min(2).max(255) }),
  /** white where the luminosity reaches `level`, black elsewhere. */
  threshold: z.object({ level: z.number().int().min(1).max(255) }),
  /** luminosity → colour along the gradient (dark → first stop). */
  gradient_map: z.object({
    stops: gradientStops,
    reverse: z.boolean().default(false),
    /** 0 = colours mixed linearly between stops, 100 = Photoshop's smooth curve (its default). */
    smoothness: percent(0, 100).default(0),
  }),
  selective_color: z.object({
    method: z.enum(['relative', 'absolute']).default('relative'),
    reds: inkShift.optional(),
    yellows: inkShift.optional(),
    greens: inkShift.optional(),
    cyans: inkShift.optional(),
    blues: inkShift.optional(),
    magentas: inkShift.optional(),
    whites: inkShift.optional(),
    neutrals: inkShift.optional(),
    blacks: inkShift.optional(),
  }),
  channel_mixer: z.object({
    red: mixerRow.default([100, 0, 0, 0]),
    green: mixerRow.default([0, 100, 0, 0]),
    blue: mixerRow.default([0, 0, 100, 0]),
  }),
  /** radius in the smart object's own (design) pixels; scaled with the artwork. */
  gaussian_blur: z.object({ radius: percent(0, 250) }),
  /**
   * each pixel takes the colour at itself plus a displacement, interpolated between the vertices of
   * a cols × rows grid spread over the artwork; [dx, dy] per vertex, in fractions of the artwork's
   * width and height.
   */
  liquify: z
    .object({
      cols: z.number().int().min(2).max(LIQUIFY_GRID_MAX),
      rows: z.number().int().min(2).max(LIQUIFY_GRID_MAX),
      displacement: z.array(z.number().finite().min(-1).max(1)).max(LIQUIFY_GRID_MAX * LIQUIFY_GRID_MAX * 2),
    })
    .refine((p) => p.displacement.length === p.cols * p.rows * 2, {
      message: 'displacement must hold cols × rows pairs',
      path: ['displacement'],
    }),
};

/** Per-channel blend modes only: a filter result is blended over its input channel by channel. */
export const FILTER_BLEND_MODES = SEPARABLE_BLEND_MODES;

const blending = {
  opacity: z.number().min(0).max(1).default(1),
  blend_mode: z.enum(FILTER_BLEND_MODES).default('normal'),
};

type Kinds = typeof filterParams;
function filterOf<K extends keyof Kinds>(kind: K) {
  return z.object({ kind: z.literal(kind), params: filterParams[kind], ...blending });
}

/** Per-pixel colour changes: what both a smart filter and an adjustment layer may hold. */
const perPixelFilters = [
  filterOf('curves'),
  filterOf('levels'),
  filterOf('hue_saturation'),
  filterOf('brightness_contrast'),
  filterOf('exposure'),
  filterOf('vibrance'),
  filterOf('color_balance'),
  filterOf('black_white'),
  filterOf('invert'),
  filterOf('grayscale'),
  filterOf('photo_filter'),
  filterOf('posterize'),
  filterOf('threshold'),
  filterOf('gradient_map'),
  filterOf('selective_color'),
  filterOf('channel_mixer'),
  filterOf('color_lookup'),
] as const;

// Average, blur and Liquify need the whole artwork, not one pixel: smart filters only.
export const smartFilterSchema = z.discriminatedUnion('kind', [
  ...perPixelFilters,
  filterOf('average'),
  filterOf('gaussian_blur'),
  filterOf('liquify'),
]);
export type SmartFilter = z.infer<typeof smartFilterSchema>;
export type SmartFilterInput = z.input<typeof smartFilterSchema>;
export type SmartFilterKind = SmartFilter['kind'];

/** The kinds an adjustment layer can hold: per-pixel colour changes only (no blur or average,
 * which need pixels outside the region a render recomposes). */
export const adjustmentFilterSchema = z.discriminatedUnion('kind', [...perPixelFilters]);
export type AdjustmentFilter = z.infer<typeof adjustmentFilterSchema>;
export const adjustmentFiltersSchema = z.array(adjustmentFilterSchema).min(1).max(4);

/** Bounded: each filter is a full pass over the artwork. */
export const SMART_FILTERS_MAX = 16;
export const smartFiltersSchema = z.array(smartFilterSchema).max(SMART_FILTERS_MAX);

/** A filter's kind with its parameters, whatever its opacity and blend mode. */
export type FilterKindAndParams = {
  [K in SmartFilterKind]: Pick<Extract<SmartFilter, { kind: K }>, 'kind' | 'params'>;
}[SmartFilterKind];

/**
 * Why a filter is drawn only approximately, or undefined when its kernel reproduces Photoshop
 * (checked against Photoshop's composites: Curves, Levels, Exposure, Invert, Black & White and its tint,
 * Gaussian Blur, Hue/Saturation's master, colour ranges and Colorize, Posterize, Threshold, Color Lookup;
 * Channel Mixer is a plain weighted sum). The others follow a published model of an
 * unpublished formula (GIMP's, CamanJS's: see the README), so the importer warns where they act.
 */
export function modelledFilterReason(filter: FilterKindAndParams): string | undefined {
  switch (filter.kind) {
    case 'brightness_contrast':
      // Legacy: checked against Photoshop's composite with contrast raised; lowered is the model.
      if (filter.params.legacy) {
        return filter.params.contrast < 0
          ? "Photoshop's legacy Brightness/Contrast with contrast lowered is modelled, not reproduced"
          : undefined;
      }
      // psd-tools' model: within a few levels of Photoshop's composites, up to 13 off.
      return filter.params.brightness !== 0 || filter.params.contrast !== 0
        ? "Photoshop's Brightness/Contrast curve is modelled, not reproduced"
        : undefined;
    case 'vibrance':
      return filter.params.vibrance !== 0 || filter.params.saturation !== 0
        ? "Photoshop's Vibrance is modelled, not reproduced"
        : undefined;
    case 'color_balance': {
      // Midtones alone, without preserve luminosity, are Photoshop's curve.
      const { shadows, midtones, highlights, preserve_luminosity } = filter.params;
      const shifted = (shift: readonly number[]) => shift.some((v) => v !== 0);
      return shifted(shadows) || shifted(highlights) || (preserve_luminosity && shifted(midtones))
        ? "Photoshop's Color Balance is modelled, not reproduced"
        : undefined;
    }
    case 'average':
      // Photoshop's rule is found (average.ts), but its mean counts the colour Photoshop keeps
      // under transparent pixels, which no artwork file carries: on ag-psd's smart-filter file
      // Photoshop's layer holds edge colours smeared into the transparent pixels (10.7 levels on
      // average where the PNG has 0), 2–3 levels of its mean. An opaque artwork has none.
      return "Photoshop's Average counts the colour under transparent pixels, which is modelled";
    case 'photo_filter':
      return filter.params.density > 0 ? "Photoshop's Photo Filter is modelled, not reproduced" : undefined;
    case 'gradient_map':
      return "Photoshop's Gradient Map interpolation is modelled, not reproduced";
    case 'selective_color': {
      // Relative shifts of the six colour ranges match Photoshop's composite within a level;
      // absolute mode and the whites / neutrals / blacks ranges are checked on too few pixels.
      const { method, whites, neutrals, blacks, ...colours } = filter.params;
      const shifted = (shift: readonly number[] | undefined) => shift?.some((v) => v !== 0) ?? false;
      const any = [whites, neutrals, blacks, ...Object.values(colours)].some(shifted);
      return any && (method === 'absolute' || [whites, neutrals, blacks].some(shifted))
        ? "Photoshop's Selective Color is modelled, not reproduced"
        : undefined;
    }
    default:
      return undefined;
  }
}
