// A greyscale document shows its placed colour content in grey: Photoshop converts a smart
// object's content to the document's mode before running its smart filters and blending it. The
// template reproduces that with the compositor's `grayscale` filter (Photoshop's RGB → Gray Gamma
// 2.2) run first on the artwork; every other layer of such a document is already grey, so blending
// grey over grey channel by channel is the document's one-channel blending.
import { SMART_FILTERS_MAX, type SmartFilter } from '@platen/compositor';

/** The PSD header's colour mode of a greyscale document. */
export const GREYSCALE_MODE = 1;

const TO_GREY: SmartFilter = { kind: 'grayscale', params: {}, opacity: 1, blend_mode: 'normal' };

export interface DocumentFilters {
  filters: SmartFilter[];
  /** Set when the layer's last filters make room for the conversion (the compositor's bound). */
  skipped?: string;
}

/** The smart object's filters in a document of `colorMode`: in greyscale, the conversion first. */
export function documentFilters(colorMode: number | undefined, own: SmartFilter[]): DocumentFilters {
  if (colorMode !== GREYSCALE_MODE) return { filters: own };
  const kept = own.slice(0, SMART_FILTERS_MAX - 1);
  const dropped = own.length - kept.length;
  if (dropped === 0) return { filters: [TO_GREY, ...kept] };
  return {
    filters: [TO_GREY, ...kept],
    skipped: `The last ${dropped} smart filter${dropped > 1 ? 's are' : ' is'} not applied: the greyscale conversion takes a place among the first ${SMART_FILTERS_MAX}.`,
  };
}
