// Where a request's artwork goes on its smart object's design canvas when the request says more
// than `fit` and `rotate` (size, position, tiles, background, adjustments): the frame in work
// pixels, the one piece of artwork sharp must decode for it, and the layout the kernel applies.
import { adjustmentFilters, type ArtworkLayout } from './artwork-layout.js';
import type { Region } from './raster.js';
import { intersect } from './raster.js';
import { RenderFailedError } from './compositor-errors.js';
import type {
  ArtworkPiece,
  DecodedArtwork,
  DecodedPiece,
  DownscaleKernel,
  SharpMedia,
} from './sharp-media.js';
import { rgbOf } from './template-preparer.js';
import type { SmartObjectInput, SmartObjectLayer } from './template-model.js';

/** Whether the input needs a layout; without one the artwork is fitted straight into its area. */
export function needsLayout(input: SmartObjectInput): boolean {
  return (
    input.fit === 'tile' ||
    input.size !== undefined ||
    input.position !== undefined ||
    input.background !== undefined ||
    input.adjustments !== undefined
  );
}

export interface PlacementGeometry {
  /** The print area (or the whole smart object), in design pixels. */
  area: Region;
  /** The design canvas at work size, and work pixels per design pixel. */
  canvas: { width: number; height: number };
  sx: number;
  sy: number;
  /** How the artwork is scaled down to work size (default lanczos3). */
  kernel?: DownscaleKernel;
}

export interface PlacedArtwork {
  art: DecodedPiece;
  layout: ArtworkLayout;
  /** The size, in work pixels, the artwork (or one tile) is drawn at: for the fit warnings. */
  drawn: { width: number; height: number };
}

/** The frame in design pixels: `size` at `position` from the area's corner, centred by default. */
export function frameOf(input: SmartObjectInput, area: Region): Region {
  const width = input.size?.width ?? area.width;
  const height = input.size?.height ?? area.height;
  return {
    x: area.x + (input.position?.left ?? (area.width - width) / 2),
    y: area.y + (input.position?.top ?? (area.height - height) / 2),
    width,
    height,
  };
}

export async function placeArtwork(
  media: SharpMedia,
  input: SmartObjectInput,
  { area, canvas, sx, sy, kernel }: PlacementGeometry,
): Promise<PlacedArtwork> {
  const design = frameOf(input, area);
  const frame = {
    x: Math.round(design.x * sx),
    y: Math.round(design.y * sy),
    width: Math.max(1, Math.round(design.width * sx)),
    height: Math.max(1, Math.round(design.height * sy)),
  };
  const visible = intersect({ x: 0, y: 0, ...canvas }, frame);
  // Only the part on the canvas is decoded (one pixel when none is: the artwork is still checked).
  const shown = visible ?? { x: frame.x, y: frame.y, width: 1, height: 1 };
  const part = { left: shown.x - frame.x, top: shown.y - frame.y, width: shown.width, height: shown.height };
  const tileWidth = Math.max(1, Math.round((frame.width * (input.tile_scale ?? 100)) / 100));
  const piece: ArtworkPiece =
    input.fit === 'tile'
      ? { rotate: input.rotate, scale: { fit: 'tile', width: tileWidth, visible: part } }
      : {
          rotate: input.rotate,
          scale: { fit: input.fit, width: frame.width, height: frame.height },
          window: part,
        };
  const art = await media.decodeArtworkPiece(input.asset, kernel ? { ...piece, kernel } : piece);
  const layout: ArtworkLayout = {
    canvas,
    region: visible ?? { x: 0, y: 0, width: 0, height: 0 },
    // A fitted piece is the visible window itself; a tile repeats from where sharp says it starts.
    origin:
      input.fit === 'tile' ? { x: frame.x + art.at.x, y: frame.y + art.at.y } : { x: shown.x, y: shown.y },
    ...(input.background === undefined ? {} : { background: rgbOf(input.background) }),
  };
  if (input.adjustments) {
    const filters = adjustmentFilters(input.adjustments);
    const opacity = (input.adjustments.opacity ?? 100) / 100;
    if (filters.length > 0 || opacity < 1) layout.adjust = { filters, opacity, scale: sx };
  }
  const drawn =
    input.fit === 'tile'
      ? {
          width: tileWidth,
          height: Math.max(1, Math.round((tileWidth * art.source.height) / art.source.width)),
        }
      : frame;
  return { art, layout, drawn };
}

/** The decoded artwork of a smart object and, when the request laid it out, how. */
export type PlacedOnCanvas =
  { art: DecodedArtwork; drawn: { width: number; height: number } } | PlacedArtwork;

/** The part of the design area the input's artwork is placed in: a named print area, or all of it. */
export function designAreaOf(
  layer: Pick<SmartObjectLayer, 'uuid' | 'size' | 'print_areas'>,
  input: SmartObjectInput,
): Region {
  if (input.print_area === undefined) return { x: 0, y: 0, ...layer.size };
  const found = layer.print_areas.find((candidate) => candidate.name === input.print_area);
  if (!found)
    throw new RenderFailedError(`smart object ${layer.uuid} has no print area "${input.print_area}"`);
  return found;
}

/**
 * The artwork on the smart object's design canvas at work size: fitted straight into its area, or
 * decoded for a layout (the kernel, or a print file, then lays it out). The one place both the
 * mockup render and its print files decide where the artwork goes.
 */
export async function decodeOnCanvas(
  media: SharpMedia,
  input: SmartObjectInput,
  geometry: PlacementGeometry,
): Promise<PlacedOnCanvas> {
  if (needsLayout(input)) return placeArtwork(media, input, geometry);
  const { area, canvas, sx, sy, kernel } = geometry;
  const left = Math.min(canvas.width - 1, Math.round(area.x * sx));
  const top = Math.min(canvas.height - 1, Math.round(area.y * sy));
  const box = {
    left,
    top,
    width: Math.max(1, Math.min(canvas.width - left, Math.round(area.width * sx))),
    height: Math.max(1, Math.min(canvas.height - top, Math.round(area.height * sy))),
  };
  const art = await media.decodeArtwork(input.asset, {
    fit: input.fit,
    rotate: input.rotate,
    box,
    canvas,
    ...(kernel ? { kernel } : {}),
  });
  return { art, drawn: box };
}
