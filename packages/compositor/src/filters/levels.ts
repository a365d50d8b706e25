// Levels: per-channel levels, then the composite (RGB) levels, as Photoshop applies them. Each maps
// the input range [in_black, in_white] to 0–1, raises it to 1 / gamma, then spreads it over
// [out_black, out_white].
import type { RgbaImage } from '../raster.js';
import { applyLuts, chainLuts, lutOf, type Lut } from './channel-lut.js';

export interface LevelsChannel {
  in_black: number;
  in_white: number;
  gamma: number;
  out_black: number;
  out_white: number;
}

export interface LevelsParams {
  composite?: LevelsChannel;
  red?: LevelsChannel;
  green?: LevelsChannel;
  blue?: LevelsChannel;
}

export function levelsValue(value: number, l: LevelsChannel): number {
  const span = Math.max(1, l.in_white - l.in_black);
  const t = Math.min(1, Math.max(0, (value - l.in_black) / span));
  return l.out_black + Math.pow(t, 1 / l.gamma) * (l.out_white - l.out_black);
}

function levelsLut(channel: LevelsChannel | undefined): Lut {
  return channel ? lutOf((v) => levelsValue(v, channel)) : lutOf((v) => v);
}

export function levels(image: RgbaImage, params: LevelsParams): RgbaImage {
  const composite = levelsLut(params.composite);
  return applyLuts(
    image,
    chainLuts(levelsLut(params.red), composite),
    chainLuts(levelsLut(params.green), composite),
    chainLuts(levelsLut(params.blue), composite),
  );
}
