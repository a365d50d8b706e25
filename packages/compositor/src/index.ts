export * from './template-model.js';
export * from './compositor-errors.js';
export { createCompositor } from './compositor.js';
export type {
  Compositor,
  CompositorOptions,
  RenderOutput,
  TemplateSource,
  PreparedTemplate,
} from './compositor.js';
// Layer effect shapes, shared with the PSD importer (which bakes pixel layers' effects with them).
export {
  softShape,
  strokeShape,
  innerShape,
  boxBlur,
  coloredPlane,
  shownBox,
} from './layer-effect-shapes.js';
export type { Plane, EffectSource, EffectBounds } from './layer-effect-shapes.js';
export { INTERIOR_BLENDS, paintInside, planeColor } from './layer-effect-paint.js';
export { gradientPosition, gradientRamp } from './gradient-overlay.js';
export type { ColorStop, GradientPlacement, OpacityStop, Ramp } from './gradient-overlay.js';
export type { ChannelBlend } from './layer-effect-paint.js';
export { EFFECTS_AREA_MAX, effectsReach } from './smart-object-effects.js';
export { physicalPrintAreaOf } from './print-file.js';
// Importers record a smart object's physical size (`print_size`) the way the API reports it.
export { printAreaAt } from '@platen/contracts';
export type { PrintFileOutput } from './print-file.js';
export type { ArtworkCacheLookup, ArtworkCacheStats } from './artwork-cache.js';
export type { WarpedLayerCacheStats, WarpedLayerLookupResult } from './warped-layer-cache.js';
export { createKernelPool } from './kernel-pool.js';
export type { KernelPool, KernelPoolOptions } from './kernel-pool.js';
export { solveHomography, invertMatrix3, applyHomography, rectToQuad } from './homography.js';
export type { Matrix3 } from './homography.js';
export { describeSmartObjects } from './mockup-summary.js';
export type { SmartObjectSummary } from './mockup-summary.js';
export {
  listSampleTemplates,
  getSampleTemplate,
  createDemoArtwork,
  SAMPLE_TEMPLATES_REVISION,
  SAMPLE_TEMPLATE_COUNT,
} from './samples/index.js';
export type { SampleTemplate } from './samples/index.js';
export { renderOutlinePreview, outlineOf } from './outline-preview.js';
export { CROP_WARNING_SHARE, UPSCALE_WARNING_FACTOR } from './render-warnings.js';
export type { RenderWarning } from './render-warnings.js';
export {
  smartFilterSchema,
  smartFiltersSchema,
  SMART_FILTERS_MAX,
  LIQUIFY_GRID_MAX,
  COLOR_LOOKUP_SIZE_MAX,
  FILTER_BLEND_MODES,
  adjustmentFilterSchema,
  adjustmentFiltersSchema,
  modelledFilterReason,
} from './filters/filter-model.js';
export type {
  AdjustmentFilter,
  FilterKindAndParams,
  SmartFilter,
  SmartFilterInput,
  SmartFilterKind,
} from './filters/filter-model.js';
