// HSL ↔ RGB on 0–1 values (hue in turns, 0–1), the colour model of Hue/Saturation and Color
// Balance. Results go into a caller's buffer: these run once per pixel.

/** [h, s, l] of the colour into `out`. */
export function rgbToHsl(r: number, g: number, b: number, out: Float64Array): void {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  out[2] = l;
  if (max === min) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  const d = max - min;
  out[1] = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  let h: number;
  if (max === r) h = (g - b) / d + (g < b ? 6 : 0);
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  out[0] = h / 6;
}

function hueToChannel(p: number, q: number, t: number): number {
  if (t < 0) t += 1;
  if (t > 1) t -= 1;
  if (t < 1 / 6) return p + (q - p) * 6 * t;
  if (t < 1 / 2) return q;
  if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
  return p;
}

/** [r, g, b] (0–1) of the colour into `out`. */
export function hslToRgb(h: number, s: number, l: number, out: Float64Array): void {
  if (s === 0) {
    out[0] = l;
    out[1] = l;
    out[2] = l;
    return;
  }
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  out[0] = hueToChannel(p, q, h + 1 / 3);
  out[1] = hueToChannel(p, q, h);
  out[2] = hueToChannel(p, q, h - 1 / 3);
}
