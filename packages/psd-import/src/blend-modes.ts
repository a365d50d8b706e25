// Photoshop's blend mode names (as ag-psd reads them) → the compositor's: all 27 of a layer's modes.
// Only "pass through" (a group's) has no equal on a layer.
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
  subtract: 'subtract',
  divide: 'divide',
  'vivid light': 'vivid-light',
  'linear light': 'linear-light',
  'pin light': 'pin-light',
  'hard mix': 'hard-mix',
  hue: 'hue',
  saturation: 'saturation',
  color: 'color',
  luminosity: 'luminosity',
  'darker color': 'darker-color',
  'lighter color': 'lighter-color',
  dissolve: 'dissolve',
};

/** The compositor's blend mode, or undefined when it has no equal (the caller warns and uses normal). */
export function toBlendMode(photoshop: string | undefined): BlendMode | undefined {
  const name = photoshop ?? 'normal';
  return Object.hasOwn(SAME, name) ? SAME[name] : undefined;
}
