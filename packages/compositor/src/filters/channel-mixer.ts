// Channel Mixer: each output channel is a weighted sum of the input channels plus a constant, the
// weights and constant in percent (100 % of a channel is that channel; a constant of 100 % adds
// 255). Monochrome is the same row for all three outputs.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';

/** [red %, green %, blue %, constant %], each −200 … 200. */
export type MixerRow = readonly [number, number, number, number];

export interface ChannelMixerParams {
  red: MixerRow;
  green: MixerRow;
  blue: MixerRow;
}

export function mixChannel(r: number, g: number, b: number, row: MixerRow): number {
  return (r * row[0] + g * row[1] + b * row[2] + 255 * row[3]) / 100;
}

export function channelMixer(image: RgbaImage, params: ChannelMixerParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => {
    out[0] = Math.min(255, Math.max(0, mixChannel(r, g, b, params.red)));
    out[1] = Math.min(255, Math.max(0, mixChannel(r, g, b, params.green)));
    out[2] = Math.min(255, Math.max(0, mixChannel(r, g, b, params.blue)));
  });
}
