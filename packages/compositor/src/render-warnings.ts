// What a render could not do well, told to the user in its result: an output larger than the
// template, artwork that `cover` cropped a lot of, artwork stretched well past its own pixels. Pure
// arithmetic on sizes the renderer already has (the artwork's header, never an extra decode).
import type { RenderWarning } from '@platen/contracts';
import type { FitMode } from './template-model.js';

export type { RenderWarning } from '@platen/contracts';

/** `cover` cutting off more than this share of the artwork's area is reported. */
export const CROP_WARNING_SHARE = 0.05;
/** Artwork enlarged by more than this factor (per side) in the output is reported. */
export const UPSCALE_WARNING_FACTOR = 2;

interface Size {
  width: number;
  height: number;
}

const px = ({ width, height }: Size) => `${width}×${height} px`;

/** An explicit export size beyond the template's longest side adds pixels but no detail. */
export function exportSizeWarnings(template: Size, size: number | undefined): RenderWarning[] {
  const native = Math.max(template.width, template.height);
  if (size === undefined || size <= native) return [];
  return [
    {
      code: 'UPSCALED_PAST_TEMPLATE',
      message:
        `export_options.size ${size} is larger than the template's native ${px(template)}: the output ` +
        `is enlarged and the extra pixels add no detail. Use a size of at most ${native} (or leave it ` +
        `out) for the sharpest result per credit.`,
    },
  ];
}

export interface ArtworkFit {
  smartObject: { uuid: string; name: string };
  /** The artwork's own pixels, upright (EXIF orientation applied). */
  artwork: Size;
  /** Clockwise degrees applied before fitting. */
  rotate: number;
  fit: FitMode;
  /** The area the artwork is fitted into, in the smart object's design units (its aspect ratio counts). */
  area: Size;
  /** About how many output pixels that area covers (before any perspective). */
  placed: Size;
}

export function artworkFitWarnings(input: ArtworkFit): RenderWarning[] {
  const { smartObject, fit, area, placed } = input;
  const art = rotatedBounds(input.artwork, input.rotate);
  const label = `Smart object "${smartObject.name}"`;
  const warnings: RenderWarning[] = [];

  if (fit === 'cover') {
    // Cover scales until both sides fill the area, so the longer side (relative to the area) is cut.
    const artRatio = art.width / art.height;
    const areaRatio = area.width / area.height;
    const cropped = 1 - Math.min(artRatio, areaRatio) / Math.max(artRatio, areaRatio);
    if (cropped > CROP_WARNING_SHARE) {
      warnings.push({
        code: 'ARTWORK_CROPPED',
        smart_object_uuid: smartObject.uuid,
        message:
          `${label}: fit "cover" cut ${Math.round(cropped * 100)}% of the artwork's area off ` +
          `(artwork ${px(art)}, area ${area.width}:${area.height}). Use fit "contain" to show all of it.`,
      });
    }
  }

  const sx = placed.width / art.width;
  const sy = placed.height / art.height;
  const enlargement = fit === 'contain' ? Math.min(sx, sy) : Math.max(sx, sy);
  if (enlargement > UPSCALE_WARNING_FACTOR) {
    const needed = { width: Math.ceil(art.width * enlargement), height: Math.ceil(art.height * enlargement) };
    warnings.push({
      code: 'ARTWORK_UPSCALED',
      smart_object_uuid: smartObject.uuid,
      message:
        `${label}: the artwork (${px(art)}) is enlarged ${enlargement.toFixed(1)}× in the output, so it ` +
        `looks soft. Send at least ${px(needed)} for full sharpness.`,
    });
  }
  return warnings;
}

/** The bounding box of the artwork turned by `degrees` (exact for quarter turns). */
function rotatedBounds({ width, height }: Size, degrees: number): Size {
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  return {
    width: Math.max(1, Math.round(width * cos + height * sin)),
    height: Math.max(1, Math.round(width * sin + height * cos)),
  };
}
