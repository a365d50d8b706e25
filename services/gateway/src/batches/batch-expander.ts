// A batch request → the renders it asks for, checked against their mockups before anything is stored
// or charged. Items are checked as single renders are (checkAgainstMockup, its issues re-pathed to
// `items.N.…`); a cross product fills every smart object of each mockup with each artwork, in each
// colour its colourable smart objects take. Every problem names its field in details.issues.
import {
  BATCH_RENDERS_MAX,
  validationError,
  type ApiError,
  type BatchArtwork,
  type CreateBatchRequest,
  type CreateRenderRequest,
  type Mockup,
  type SmartObject,
  type ValidationIssue,
} from '@platen/contracts';
import { toStoredRenderInput, type StoredRenderInput } from '@platen/mockups';
import { decodeInlineArtwork } from '../renders/artwork-sniff.js';
import { outputSize, renderCredits } from '../renders/credits-rule.js';
import { checkAgainstMockup } from '../renders/mockup-fit.js';

type ExportOptions = CreateRenderRequest['export_options'];

/** One render of the batch, ready to be stored. */
export interface RenderPlan {
  mockup: Mockup;
  inputs: StoredRenderInput[];
  export_options: ExportOptions;
  export_label: string | null;
  price: number;
}

export interface BatchPlan {
  renders: RenderPlan[];
  /** Decoded inline artwork by artwork id, parked once for the whole batch. */
  inlineArtwork: Map<string, Buffer>;
}

const DEFAULT_EXPORT: ExportOptions = { format: 'png', quality: 90 };

function tooMany(path: string, count: number): ApiError {
  return validationError([
    {
      path,
      message: `${count} renders asked for, more than the limit of ${BATCH_RENDERS_MAX} per batch`,
    },
  ]);
}

/** One smart object filled with one artwork: a render's stored input, its artwork named by id. */
function inputOf(uuid: string, artwork: BatchArtwork, color: string | undefined): StoredRenderInput {
  const { id, pattern, adjustment_layers, ...asset } = artwork;
  const stored = toStoredRenderInput({
    uuid,
    asset,
    ...(color === undefined ? {} : { color }),
    ...(pattern === undefined ? {} : { pattern }),
    ...(adjustment_layers === undefined ? {} : { adjustment_layers }),
  });
  return { ...stored, asset: { ...stored.asset, artwork_id: id } };
}

function colourIssue(so: SmartObject, color: string): string | undefined {
  if (!so.color) return `smart object ${so.uuid} (${so.name}) takes no colour`;
  const allowed = so.color.allowed;
  if (allowed && !allowed.some((choice) => choice.toLowerCase() === color.toLowerCase())) {
    return `${color} is not a colour smart object ${so.uuid} (${so.name}) allows`;
  }
  return undefined;
}

function price(mockup: Mockup, options: ExportOptions): number {
  return renderCredits(outputSize(mockup, options.size));
}

export function expandBatch(
  request: CreateBatchRequest,
  mockups: ReadonlyMap<string, Mockup | undefined>,
): BatchPlan {
  const issues: ValidationIssue[] = [];
  const artworks = new Map(request.artworks.map((artwork) => [artwork.id, artwork]));
  const inlineArtwork = new Map<string, Buffer>();
  request.artworks.forEach((artwork, index) => {
    if (artwork.data == null) return;
    const check = decodeInlineArtwork(artwork.data);
    if (check.ok) inlineArtwork.set(artwork.id, check.bytes);
    else issues.push({ path: `artworks.${index}.data`, message: check.message });
  });
  const batchExport = request.export_options ?? DEFAULT_EXPORT;
  const renders =
    request.items !== undefined
      ? planItems(request.items, artworks, mockups, batchExport, issues)
      : planCrossProduct(request, mockups, batchExport, issues);
  if (issues.length > 0) throw validationError(issues);
  return { renders, inlineArtwork };
}

function planItems(
  items: NonNullable<CreateBatchRequest['items']>,
  artworks: ReadonlyMap<string, BatchArtwork>,
  mockups: ReadonlyMap<string, Mockup | undefined>,
  batchExport: ExportOptions,
  issues: ValidationIssue[],
): RenderPlan[] {
  if (items.length > BATCH_RENDERS_MAX) throw tooMany('items', items.length);
  const plans: RenderPlan[] = [];
  items.forEach((item, i) => {
    const mockup = mockups.get(item.mockup_uuid);
    const exportOptions = item.export_options ?? batchExport;
    try {
      // The single-render check, on the item's shape: known, given once, every required one present.
      checkAgainstMockup(
        {
          mockup_uuid: item.mockup_uuid,
          smart_objects: item.smart_objects.map((so) => ({ uuid: so.uuid, asset: { rotate: 0 } })),
          export_options: exportOptions,
        },
        mockup,
      );
    } catch (error) {
      const refused = error as ApiError;
      const found = (refused.details?.issues ?? []) as ValidationIssue[];
      if (found.length === 0) throw error;
      issues.push(...found.map((issue) => ({ ...issue, path: `items.${i}.${issue.path}` })));
      return;
    }
    const known = new Map(mockup!.smart_objects.map((so) => [so.uuid, so]));
    const inputs = item.smart_objects.map((given, j) => {
      const so = known.get(given.uuid)!;
      const own = given.color;
      const color = own ?? (so.color && item.color !== undefined ? item.color : undefined);
      const problem = color === undefined ? undefined : colourIssue(so, color);
      if (problem) {
        issues.push({
          path: own === undefined ? `items.${i}.color` : `items.${i}.smart_objects.${j}.color`,
          message: problem,
        });
      }
      return inputOf(given.uuid, artworks.get(given.artwork)!, color);
    });
    plans.push({
      mockup: mockup!,
      inputs,
      export_options: exportOptions,
      export_label: item.export_label ?? null,
      price: price(mockup!, exportOptions),
    });
  });
  return plans;
}

function planCrossProduct(
  request: CreateBatchRequest,
  mockups: ReadonlyMap<string, Mockup | undefined>,
  exportOptions: ExportOptions,
  issues: ValidationIssue[],
): RenderPlan[] {
  const uuids = request.mockups ?? [];
  const found: Mockup[] = [];
  uuids.forEach((uuid, k) => {
    const mockup = mockups.get(uuid);
    if (!mockup) issues.push({ path: `mockups.${k}`, message: 'no such mockup' });
    else if (mockup.status !== 'ready') {
      issues.push({ path: `mockups.${k}`, message: `mockup is ${mockup.status}, not ready` });
    } else found.push(mockup);
  });
  if (issues.length > 0) return [];

  const colours = request.colors ?? [];
  const coloursOf = (mockup: Mockup) =>
    colours.length > 0 && mockup.smart_objects.some((so) => so.color) ? colours : [undefined];
  const count = found.reduce((sum, mockup) => sum + coloursOf(mockup).length * request.artworks.length, 0);
  if (count > BATCH_RENDERS_MAX) throw tooMany('mockups', count);

  colours.forEach((color, c) => {
    for (const mockup of found) {
      for (const so of mockup.smart_objects) {
        const problem = so.color ? colourIssue(so, color) : undefined;
        if (problem) issues.push({ path: `colors.${c}`, message: `${problem} (mockup ${mockup.uuid})` });
      }
    }
  });
  const plans: RenderPlan[] = [];
  for (const mockup of found) {
    for (const color of coloursOf(mockup)) {
      for (const artwork of request.artworks) {
        plans.push({
          mockup,
          inputs: mockup.smart_objects.map((so) => inputOf(so.uuid, artwork, so.color ? color : undefined)),
          export_options: exportOptions,
          export_label: artwork.id,
          price: price(mockup, exportOptions),
        });
      }
    }
  }
  return plans;
}
