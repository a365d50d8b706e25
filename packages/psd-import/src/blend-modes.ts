// Photoshop's blend mode names (as ag-psd reads them) → the compositor's, where it has the same one.
import type { BlendMode } from '@platen/compositor';

const SAME: Record<string, BlendMode> = {
  normal: 'normal',
  multiply: 'multiply',
  screen: 'screen',
  overlay: 'overlay',
  darken: 'darken',
  lighten: 'lighten',
  'color dodge': 'color-dodge',
  'color burn': 'color-burn',
  'hard light': 'hard-light',
  'soft light': 'soft-light',
  difference: 'difference',
  exclusion: 'exclusion',
  'linear dodge': 'linear-dodge',
  'linear burn': 'linear-burn',
};

/** The compositor's blend mode, or undefined when it has no equal (the caller warns and uses normal). */
export function toBlendMode(photoshop: string | undefined): BlendMode | undefined {
  return SAME[photoshop ?? 'normal'];
}
