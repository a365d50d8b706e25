// One render of a prepared template: validate the inputs against its smart objects, decode each
// artwork at the resolution its place needs, run the compose task on the pool, encode once.
import type { ComposeStep } from './compose-task.js';
import { RenderFailedError, isCompositorError } from './compositor-errors.js';
import type { Matrix3 } from './homography.js';
import type { KernelPool } from './kernel-pool.js';
import type { EncodedImage, SharpMedia } from './sharp-media.js';
import type { PreparedSmartObject, PreparedTemplate } from './template-preparer.js';
import type { ExportOptions, SmartObjectInput } from './template-model.js';
import { EXPORT_FORMATS, FIT_MODES, hexColorSchema } from './template-model.js';

/** Work rasters never exceed this side: beyond it bilinear sampling gains nothing visible. */
const MAX_WORK_SIDE = 8192;
const WHITE = '#ffffff';

export interface RenderDeps {
  media: SharpMedia;
  pool: KernelPool;
}

export async function renderTemplate(
  { media, pool }: RenderDeps,
  prepared: PreparedTemplate,
  inputs: SmartObjectInput[],
  exportOptions: ExportOptions,
): Promise<EncodedImage> {
  const output = outputSize(prepared, exportOptions);
  const byUuid = inputsBySmartObject(prepared, inputs);
  const steps = await Promise.all(
    prepared.steps.map(async (step): Promise<ComposeStep[]> => {
      if (step.kind === 'layer') {
        return [
          {
            kind: 'layer',
            image: step.image,
            blend: step.blend,
            opacity: step.opacity,
            ...(step.mask ? { mask: step.mask } : {}),
          },
        ];
      }
      const input = byUuid.get(step.layer.uuid);
      const color = colorStep(step, input);
      if (!input) return color;
      return [...color, await smartStep(media, step, input)];
    }),
  );
  try {
    const canvas = await pool.compose({
      width: prepared.width,
      height: prepared.height,
      base: prepared.base,
      steps: steps.flat(),
    });
    return await media.encode(
      { data: canvas, width: prepared.width, height: prepared.height, opaque: prepared.opaque },
      { format: exportOptions.format, width: output.width, height: output.height, quality: output.quality },
    );
  } catch (error) {
    throw isCompositorError(error) ? error : new RenderFailedError('render failed', { cause: error });
  }
}

function outputSize(
  prepared: PreparedTemplate,
  options: ExportOptions,
): { width: number; height: number; quality: number } {
  if (!EXPORT_FORMATS.includes(options.format))
    throw new RenderFailedError(`unknown export format ${String(options.format)}`);
  const longest = Math.max(prepared.width, prepared.height);
  if (
    options.size !== undefined &&
    (!Number.isInteger(options.size) || options.size < 64 || options.size > 8000)
  ) {
    throw new RenderFailedError('export size must be 64–8000');
  }
  const size = options.size ?? longest;
  const quality = options.quality ?? 90;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new RenderFailedError('export quality must be 1–100');
  const scale = size / longest;
  return {
    width: Math.max(1, Math.round(prepared.width * scale)),
    height: Math.max(1, Math.round(prepared.height * scale)),
    quality,
  };
}

function inputsBySmartObject(
  prepared: PreparedTemplate,
  inputs: SmartObjectInput[],
): Map<string, SmartObjectInput> {
  const known = new Map(
    prepared.steps.flatMap((step) => (step.kind === 'smart' ? [[step.layer.uuid, step.layer] as const] : [])),
  );
  const byUuid = new Map<string, SmartObjectInput>();
  for (const input of inputs) {
    if (!known.has(input.uuid)) throw new RenderFailedError(`unknown smart object ${input.uuid}`);
    if (byUuid.has(input.uuid)) throw new RenderFailedError(`smart object ${input.uuid} given twice`);
    if (!FIT_MODES.includes(input.fit)) throw new RenderFailedError(`unknown fit ${String(input.fit)}`);
    if (!Number.isFinite(input.rotate)) throw new RenderFailedError('rotate must be a number of degrees');
    byUuid.set(input.uuid, input);
  }
  for (const [uuid, layer] of known) {
    if (layer.required && !byUuid.has(uuid))
      throw new RenderFailedError(`smart object ${uuid} requires an asset`);
  }
  return byUuid;
}

function colorStep(step: PreparedSmartObject, input: SmartObjectInput | undefined): ComposeStep[] {
  if (input?.color !== undefined && !step.color) {
    throw new RenderFailedError(`smart object ${step.layer.uuid} does not take a product colour`);
  }
  if (!step.color) return [];
  const hex = (input?.color ?? step.color.default).toLowerCase();
  if (!hexColorSchema.safeParse(hex).success) throw new RenderFailedError(`colour ${hex} is not #rrggbb`);
  if (step.color.allowed && !step.color.allowed.has(hex)) {
    throw new RenderFailedError(`colour ${hex} is not offered for smart object ${step.layer.uuid}`);
  }
  if (hex === WHITE) return [];
  const rgb: [number, number, number] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [
    number,
    number,
    number,
  ];
  return [{ kind: 'color', rgb, mask: step.color.mask }];
}

/** Decodes the artwork at the resolution its place on the canvas needs and builds its step. */
async function smartStep(
  media: SharpMedia,
  step: PreparedSmartObject,
  input: SmartObjectInput,
): Promise<ComposeStep> {
  const { layer, extent } = step;
  const scale = Math.max(extent.width / layer.size.width, extent.height / layer.size.height);
  const workWidth = Math.min(MAX_WORK_SIDE, Math.max(1, Math.round(layer.size.width * scale)));
  const workHeight = Math.min(MAX_WORK_SIDE, Math.max(1, Math.round(layer.size.height * scale)));
  const sx = workWidth / layer.size.width;
  const sy = workHeight / layer.size.height;

  let area = { x: 0, y: 0, width: layer.size.width, height: layer.size.height };
  if (input.print_area !== undefined) {
    const found = layer.print_areas.find((candidate) => candidate.name === input.print_area);
    if (!found)
      throw new RenderFailedError(`smart object ${layer.uuid} has no print area "${input.print_area}"`);
    area = found;
  }
  const left = Math.min(workWidth - 1, Math.round(area.x * sx));
  const top = Math.min(workHeight - 1, Math.round(area.y * sy));
  const box = {
    left,
    top,
    width: Math.max(1, Math.min(workWidth - left, Math.round(area.width * sx))),
    height: Math.max(1, Math.min(workHeight - top, Math.round(area.height * sy))),
  };
  const art = await media.decodeArtwork(input.asset, {
    fit: input.fit,
    rotate: input.rotate,
    box,
    canvas: { width: workWidth, height: workHeight },
  });

  let mapping: Extract<ComposeStep, { kind: 'smart' }>['mapping'];
  if (step.geometry.type === 'perspective') {
    const m = step.geometry.canvasToUnit;
    const inverse: Matrix3 = [
      m[0] * workWidth,
      m[1] * workWidth,
      m[2] * workWidth,
      m[3] * workHeight,
      m[4] * workHeight,
      m[5] * workHeight,
      m[6],
      m[7],
      m[8],
    ];
    mapping = { type: 'perspective', inverse };
  } else {
    mapping = { type: 'mesh', field: step.geometry.field };
  }
  return {
    kind: 'smart',
    art,
    region: step.region,
    mapping,
    blend: layer.blend_mode,
    opacity: layer.opacity,
    ...(step.mask ? { mask: step.mask } : {}),
    ...(step.displacement ? { displacement: step.displacement } : {}),
    ...(step.shading ? { shading: step.shading } : {}),
  };
}
