// Kernels against pixels Photoshop drew: each case pairs a layer's pixel with the colour Photoshop's
// saved composite holds for it under one adjustment layer. The values were read from
// Photoshop-saved documents that carry no licence letting us commit them: the Aspose.PSD for .NET
// examples (github.com/aspose-psd/Aspose.PSD-for-.NET @ 9ba1844dbed4892862366e130d5795713975b51e,
// Examples/Data/PSD/AllAdjustments.psd, a 4 × 4 grid of tiles each with one adjustment clipped to
// it, gradient_map_default.psd, BlackWhiteAdjustmentLayerStripesMask2.psd and
// HueSaturationAdjustmentLayer.psd, both saved by Photoshop CC). Only these measurements are kept.
import type { RgbaImage } from '../raster.js';
import { blackWhite } from './black-white.js';
import { colorBalance } from './color-balance.js';
import { exposure } from './exposure.js';
import { gradientMap } from './gradient-map.js';
import { hueSaturation } from './hue-saturation.js';
import { photoFilter } from './photo-filter.js';
import { selectiveColor } from './selective-color.js';

type Rgb = readonly [number, number, number];
type Pair = readonly [Rgb, Rgb];

/** The kernel's output for each pair's input, each channel within `slack` levels of Photoshop's. */
function expectPhotoshopPixels(kernel: (image: RgbaImage) => RgbaImage, pairs: readonly Pair[], slack = 1) {
  const data = new Uint8ClampedArray(pairs.length * 4);
  pairs.forEach(([input], i) => data.set([...input, 255], i * 4));
  const out = kernel({ width: pairs.length, height: 1, data });
  const drawn = pairs.map((_, i) => [...out.data.subarray(i * 4, i * 4 + 3)]);
  const worst = Math.max(...pairs.flatMap(([, want], i) => want.map((v, c) => Math.abs(drawn[i]![c]! - v))));
  if (worst > slack) expect(drawn).toEqual(pairs.map(([, want]) => want));
  expect(worst).toBeLessThanOrEqual(slack);
}

// The same ten pixels of the tiles' photo (darkest to lightest), as [layer pixel, Photoshop's].
describe("Photoshop's Color Balance", () => {
  it('draws midtones (cyan–red −33, magenta–green −23, yellow–blue +38) as Photoshop did', () => {
    const params = { shadows: [0, 0, 0], midtones: [-33, -23, 38], highlights: [0, 0, 0] } as const;
    // prettier-ignore
    expectPhotoshopPixels((image) => colorBalance(image, { ...params, preserve_luminosity: false }), [
      [[34, 26, 17], [21, 17, 32]], [[81, 63, 55], [61, 49, 78]], [[103, 77, 63], [82, 62, 87]],
      [[114, 98, 71], [93, 83, 95]], [[129, 110, 81], [109, 95, 106]], [[151, 114, 97], [132, 99, 121]],
      [[156, 142, 116], [138, 128, 139]], [[183, 156, 130], [168, 143, 152]],
      [[206, 168, 149], [195, 156, 169]], [[228, 200, 180], [222, 192, 195]],
    ]);
  });
});

describe("Photoshop's Exposure", () => {
  it('draws exposure +0.94, offset −0.0759, gamma 0.6 as Photoshop did', () => {
    const params = { exposure: 0.9399999976158142, offset: -0.07590000331401825, gamma: 0.6000000238418579 };
    // prettier-ignore
    expectPhotoshopPixels((image) => exposure(image, params), [
      [[34, 26, 17], [0, 0, 0]], [[81, 63, 55], [37, 9, 0]], [[103, 77, 63], [71, 31, 9]],
      [[114, 98, 71], [89, 63, 22]], [[129, 110, 81], [116, 83, 37]], [[151, 114, 97], [158, 89, 62]],
      [[156, 142, 116], [168, 140, 93]], [[183, 156, 130], [225, 168, 118]],
      [[206, 168, 149], [255, 193, 154]], [[228, 200, 180], [255, 255, 219]],
    ]);
  });
});

describe("Photoshop's Photo Filter", () => {
  it('draws a magenta filter (Lab 61, 92, −46) at 25 %, preserving luminosity, within 3 levels of Photoshop', () => {
    const params = { color: [255, 16.882, 231.996], density: 25, preserve_luminosity: true } as const;
    // prettier-ignore
    expectPhotoshopPixels((image) => photoFilter(image, params), [
      [[34, 26, 17], [35, 24, 19]], [[81, 63, 55], [85, 61, 61]], [[103, 77, 63], [107, 73, 69]],
      [[114, 98, 71], [120, 94, 79]], [[129, 110, 81], [135, 106, 90]], [[151, 114, 97], [157, 109, 106]],
      [[156, 142, 116], [164, 136, 125]], [[183, 156, 130], [191, 149, 140]],
      [[206, 168, 149], [215, 160, 161]], [[228, 200, 180], [239, 192, 194]],
    ], 3);
  });
});

describe("Photoshop's Hue/Saturation", () => {
  it('draws the master range (hue −33, saturation +30, lightness −15) within 3 levels of Photoshop', () => {
    // prettier-ignore
    expectPhotoshopPixels((image) => hueSaturation(image, { hue: -33, saturation: 30, lightness: -15 }), [
      [[34, 26, 17], [32, 11, 11]], [[81, 63, 55], [73, 42, 49]], [[103, 77, 63], [95, 47, 56]],
      [[114, 98, 71], [105, 56, 52]], [[129, 110, 81], [118, 63, 60]], [[151, 114, 97], [137, 73, 88]],
      [[156, 142, 116], [140, 97, 92]], [[183, 156, 130], [165, 101, 105]],
      [[206, 168, 149], [185, 117, 132]], [[228, 200, 180], [202, 144, 152]],
    ], 3);
  });
});

describe("Photoshop's Hue/Saturation colour ranges", () => {
  it('draws master hue +49 with the reds range (hue −117, saturation +58, lightness +61) within 2 levels of Photoshop', () => {
    // Over the whole 200 × 200 layer (22017 colours): MAD 0.53, at most 3 levels off; the master
    // range alone was 38 off on average. Pairs picked evenly by hue.
    const reds = { hues: [322, 352, 29, 58] as const, hue: -117, saturation: 58, lightness: 61 };
    // prettier-ignore
    expectPhotoshopPixels((image) => hueSaturation(image, { hue: 49, saturation: 0, lightness: 0, ranges: [reds] }), [
      [[127, 120, 120], [128, 122, 129]], [[213, 166, 152], [229, 172, 223]], [[60, 23, 9], [73, 26, 66]],
      [[81, 30, 8], [100, 34, 88]], [[221, 173, 150], [240, 174, 227]], [[197, 142, 113], [219, 141, 202]],
      [[201, 152, 123], [221, 150, 204]], [[155, 108, 75], [176, 103, 155]], [[222, 195, 173], [235, 190, 221]],
      [[184, 144, 108], [204, 133, 179]], [[211, 179, 147], [228, 168, 202]], [[182, 139, 92], [206, 118, 159]],
      [[127, 128, 133], [131, 127, 133]], [[251, 9, 10], [241, 153, 255]],
    ], 2);
  });
});

describe("Photoshop's Black & White tint", () => {
  it('draws weights 128, 64, 32, 16, 8, 4 tinted (240, 128, 64) within 2 levels of Photoshop', () => {
    // Over the 1738 pixels the layer's striped mask leaves whole: MAD 0.63, at most 2 levels off;
    // left grey they were 31 off on average.
    const params = { reds: 128, yellows: 64, greens: 32, cyans: 16, blues: 8, magentas: 4 };
    const tint = [239.996337890625, 127.998046875, 63.9990234375] as const;
    // prettier-ignore
    expectPhotoshopPixels((image) => blackWhite(image, { ...params, tint }), [
      [[255, 255, 255], [255, 255, 255]], [[15, 15, 15], [29, 12, 1]], [[255, 224, 224], [255, 255, 255]],
      [[239, 243, 8], [242, 130, 66]], [[5, 250, 3], [161, 59, 1]], [[243, 255, 243], [255, 245, 239]],
      [[238, 255, 239], [255, 240, 231]], [[249, 250, 255], [255, 249, 246]], [[246, 246, 255], [255, 245, 239]],
      [[118, 55, 118], [112, 42, 1]],
    ], 2);
  });
});

describe("Photoshop's Gradient Map", () => {
  it('draws a two-stop gradient (blue → white) at 100 % smoothness as Photoshop did', () => {
    const stops = [
      { location: 0, midpoint: 0.5, color: [46.38132295719844, 57.50194552529183, 179.78599221789884] },
      { location: 1, midpoint: 0.5, color: [255, 255, 255] },
    ] as const;
    // prettier-ignore
    expectPhotoshopPixels((image) => gradientMap(image, { stops, reverse: false, smoothness: 100 }), [
      [[11, 34, 17], [60, 70, 185]], [[66, 107, 76], [114, 122, 204]], [[130, 141, 133], [160, 165, 221]],
      [[151, 188, 161], [197, 200, 234]], [[172, 199, 179], [210, 213, 239]],
      [[205, 210, 206], [226, 228, 245]], [[219, 225, 221], [237, 238, 249]],
      [[234, 238, 235], [246, 246, 252]], [[244, 245, 244], [250, 250, 253]], [[255, 255, 255], [255, 255, 255]],
    ]);
  });
});

describe("Photoshop's Selective Color", () => {
  it('draws relative shifts of reds, yellows and cyans as Photoshop did', () => {
    const params = {
      method: 'relative',
      reds: [2, -49, 49, 62],
      yellows: [0, 41, 31, 49],
      cyans: [31, 38, -71, 40],
    } as const;
    // prettier-ignore
    expectPhotoshopPixels((image) => selectiveColor(image, params), [
      [[34, 26, 17], [32, 26, 16]], [[81, 63, 55], [73, 63, 49]], [[103, 77, 63], [89, 76, 53]],
      [[114, 98, 71], [101, 89, 59]], [[129, 110, 81], [116, 99, 66]], [[151, 114, 97], [138, 110, 76]],
      [[156, 142, 116], [147, 130, 98]], [[183, 156, 130], [175, 147, 104]],
      [[206, 168, 149], [199, 163, 119]], [[228, 200, 180], [225, 196, 163]],
    ]);
  });
});
