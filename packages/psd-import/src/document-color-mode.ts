// A greyscale document shows its placed colour content in grey: Photoshop converts a smart
// object's content to the document's mode before running its smart filters and blending it. The
// template reproduces that with the compositor's `grayscale` filter (Photoshop's RGB → Gray Gamma
// 2.2) run first on the artwork; every other layer of such a document is already grey, so blending
// grey over grey channel by channel is the document's one-channel blending.
import { SMART_FILTERS_MAX, type SmartFilter } from '@platen/compositor';

/** The grey working space the conversion reproduces: Photoshop's own profile name for it. */
const REPRODUCED_PROFILE = 'Gray Gamma 2.2';

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

/** The document's colour profile name as Photoshop records it in the XMP metadata. */
function profileNameOf(xmp: string | undefined): string | undefined {
  const match =
    /<photoshop:ICCProfile>([^<]{1,200})<\/photoshop:ICCProfile>|photoshop:ICCProfile="([^"]{1,200})"/.exec(
      xmp ?? '',
    );
  return match ? (match[1] ?? match[2])!.trim() : undefined;
}

/**
 * A greyscale document whose grey profile is not Gray Gamma 2.2 (Dot Gain 20 %, sGray, none
 * recorded…) converts placed colour with another curve: the grey is then approximated.
 */
export function colorModeWarning(colorMode: number | undefined, xmp: string | undefined): string | undefined {
  if (colorMode !== GREYSCALE_MODE) return undefined;
  const profile = profileNameOf(xmp);
  if (profile === REPRODUCED_PROFILE) return undefined;
  const named = profile === undefined ? 'records no grey profile' : `uses the grey profile "${profile}"`;
  return `The greyscale document ${named}: smart object artwork is converted to grey as with ${REPRODUCED_PROFILE}, so its greys may differ slightly.`;
}
