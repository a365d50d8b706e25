// Sample: a crew-neck t-shirt laid flat on studio paper, photographed under a soft box. The cloth
// is a height field (puffed body, drag folds from the armpits, soft folds across the chest, hem
// ripples) lit from the top left; the fabric is drawn white and a product colour is multiplied
// onto it per render. The print is displaced by the same relief, multiplied by the same light
// (hard-light of light / 2: shadows darken it, lit slopes brighten it) and textured by the knit.
import type { Writable } from '../blend-modes.js';
import { compositeOnto } from '../blend-modes.js';
import type { PlacedRgba } from '../raster.js';
import { cropToContent } from '../raster.js';
import type { Fold } from './fabric-relief.js';
import { blurField, foldHeights, lightRelief } from './fabric-relief.js';
import { jerseyKnit, valueNoise } from './procedural-noise.js';
import type { Layer } from './sample-canvas.js';
import { alphaOf, blur, drawSvg, encodeJpeg, encodePng, greyLayer } from './sample-canvas.js';
import type { SampleDraft } from './sample-template.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { max, min, sqrt } = Math;

const WIDTH = 1600;
const HEIGHT = 2000;

/** Where the front print sits on the chest (canvas pixels). */
export const PRINT_POSITION = { x: 540, y: 545, width: 520, height: 650 };
/** Canvas pixels the print moves at most, where the relief is highest or lowest. */
const DISPLACEMENT_STRENGTH = 11;

// Flat-lay outline, drawn by hand and a little asymmetric (cloth laid by hand never is): back of
// the neck, shoulder, sleeve, cuff, underarm, side, hem, and back up the other side.
const NECK_BACK = 'M655,372 Q800,344 945,372';
const NECK_FRONT = 'M655,372 C676,488 924,488 945,372';
const SHIRT_PATH =
  'M655,372 Q800,344 945,372 ' +
  'Q1075,398 1208,452 Q1338,560 1458,752 Q1390,832 1298,918 Q1240,862 1198,834 ' +
  'C1210,1100 1202,1400 1210,1660 Q1000,1680 800,1672 Q600,1680 392,1662 ' +
  'C400,1400 392,1100 402,832 Q360,862 304,914 Q214,830 142,746 Q262,556 392,450 ' +
  'Q525,398 655,372 Z';

/** Folds as a photographer finds them on a shirt smoothed by hand: broad, soft, a few creases. */
const BROAD_FOLDS: Fold[] = [
  // Drag folds from the armpits towards the middle, running into the print's lower half.
  { curve: [420, 880, 600, 930, 760, 1160], width: 70, height: 26 },
  { curve: [1180, 870, 1010, 950, 880, 1190], width: 64, height: 24 },
  // A soft wave across the chest and one lower down, under the print.
  { curve: [450, 700, 760, 790, 1150, 680], width: 90, height: 12 },
  { curve: [470, 1040, 800, 980, 1140, 1060], width: 60, height: -14 },
  // Long body folds down to the hem.
  { curve: [560, 1180, 530, 1420, 580, 1640], width: 70, height: 22 },
  { curve: [1040, 1160, 1080, 1400, 1020, 1640], width: 62, height: 20 },
  { curve: [800, 1250, 780, 1450, 820, 1650], width: 50, height: -12 },
  // Sag under the collar, folds along the sleeves.
  { curve: [690, 520, 800, 560, 910, 520], width: 34, height: 12 },
  { curve: [380, 500, 300, 600, 220, 730], width: 60, height: 16 },
  { curve: [1220, 500, 1310, 610, 1390, 740], width: 56, height: 14 },
  // Hem ripples.
  { curve: [430, 1560, 620, 1530, 780, 1575], width: 40, height: 12 },
  { curve: [820, 1570, 1000, 1520, 1180, 1560], width: 40, height: 12 },
];

const CREASES: Fold[] = [
  { curve: [450, 850, 630, 890, 790, 1110], width: 10, height: -10 },
  { curve: [1160, 840, 990, 905, 850, 1150], width: 9, height: -9 },
  { curve: [600, 760, 800, 830, 1010, 745], width: 8, height: -4 },
  { curve: [600, 1230, 570, 1420, 620, 1600], width: 9, height: -8 },
  { curve: [1000, 1180, 1035, 1400, 975, 1610], width: 8, height: -8 },
  { curve: [430, 1600, 600, 1585, 760, 1615], width: 7, height: -6 },
  { curve: [840, 1610, 1000, 1570, 1170, 1605], width: 7, height: -6 },
  { curve: [340, 560, 280, 640, 230, 720], width: 7, height: -6 },
  { curve: [1265, 560, 1330, 650, 1370, 720], width: 7, height: -6 },
  // Seams sit a little lower than the cloth beside them.
  { curve: [655, 372, 520, 405, 392, 450], width: 6, height: -5 },
  { curve: [945, 372, 1080, 405, 1208, 452], width: 6, height: -5 },
  { curve: [392, 450, 425, 640, 402, 832], width: 6, height: -5 },
  { curve: [1208, 452, 1175, 640, 1198, 834], width: 6, height: -5 },
  // Hem and cuffs: the turned-up band is stitched down, so the cloth dips along the stitching.
  { curve: [380, 1612, 800, 1640, 1222, 1610], width: 5, height: -4 },
  { curve: [160, 780, 250, 850, 330, 905], width: 5, height: -4 },
  { curve: [1440, 786, 1350, 860, 1272, 908], width: 5, height: -4 },
];

export const SHIRT_COLORS = [
  '#ffffff',
  '#222222',
  '#9a9a9a',
  '#1f2a44',
  '#b3262e',
  '#2f5d3a',
  '#2c5fb3',
  '#d8c7a5',
  '#6b1f2e',
];

/** The cloth's height in canvas pixels: puffed body, folds, creases, a slow undulation. */
async function clothRelief(shirt: Layer): Promise<{ relief: Float32Array; smooth: Float32Array }> {
  const [broad, creases] = await Promise.all([
    foldHeights(WIDTH, HEIGHT, BROAD_FOLDS, 22),
    foldHeights(WIDTH, HEIGHT, CREASES, 4),
  ]);
  const rounded = blurField(alphaOf(shirt), WIDTH, HEIGHT, 30);
  const undulation = valueNoise(WIDTH, HEIGHT, { cellX: 380, cellY: 460, seed: 42, octaves: 3 });
  // Small soft ripples everywhere: cloth smoothed by hand is never quite flat.
  const wrinkles = valueNoise(WIDTH, HEIGHT, { cellX: 220, cellY: 110, seed: 45, octaves: 2 });
  const relief = new Float32Array(WIDTH * HEIGHT);
  const smooth = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < relief.length; i++) {
    const r = rounded[i]!;
    // The body rises over its first ~60 px from the edge, where the cloth turns under.
    smooth[i] = 20 * r * r * (3 - 2 * r) + broad[i]! + (undulation[i]! - 0.5) * 22 + (wrinkles[i]! - 0.5) * 7;
    relief[i] = smooth[i]! + creases[i]!;
  }
  // The print follows the folds, not every crease: a crease would tear a sharp line through it.
  return { relief, smooth: blurField(smooth, WIDTH, HEIGHT, 6) };
}

function paintBackground(): Writable<PlacedRgba> {
  const noise = valueNoise(WIDTH, HEIGHT, { cellX: 4, cellY: 4, seed: 43, octaves: 2 });
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = y * WIDTH + x;
      const shade =
        (1.04 - 0.16 * (sqrt((x - 560) ** 2 + (y - 640) ** 2) / 1500)) * (1 + (noise[i]! - 0.5) * 0.03);
      data[i * 4] = 226 * shade;
      data[i * 4 + 1] = 223 * shade;
      data[i * 4 + 2] = 218 * shade;
      data[i * 4 + 3] = 255;
    }
  }
  return { x: 0, y: 0, width: WIDTH, height: HEIGHT, data };
}

/** Collar rib, the inside of the back seen through the neck, hem and cuff stitching (multiplied). */
function detailsSvg(): string {
  const ribs = (d: string, width: number, transform = '') =>
    `<path d="${d}" fill="none" stroke="#f4f3f1" stroke-width="${width}" ${transform}/>` +
    `<path d="${d}" fill="none" stroke="#d9d8d5" stroke-width="${width}" stroke-dasharray="2.2 2.6" ${transform}/>`;
  const stitches = (d: string) =>
    `<path d="${d}" fill="none" stroke="#6d6c69" stroke-width="2" stroke-dasharray="6 4" opacity="0.55"/>`;
  return `
    <defs>
      <linearGradient id="inside" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#b4b3b0"/><stop offset="1" stop-color="#6e6d6a"/>
      </linearGradient>
    </defs>
    <path d="${NECK_BACK} C924,488 676,488 655,372 Z" fill="url(#inside)"/>
    ${ribs(NECK_BACK, 26, 'transform="translate(0,14)"')}
    <path d="${NECK_BACK}" fill="none" stroke="#5a5957" stroke-width="2" opacity="0.35" transform="translate(0,28)"/>
    <path d="${NECK_FRONT}" fill="none" stroke="#000" stroke-width="18" opacity="0.08" transform="translate(0,18)"/>
    ${ribs(NECK_FRONT, 32)}
    <path d="${NECK_FRONT}" fill="none" stroke="#6d6c69" stroke-width="2" opacity="0.45" transform="translate(0,17)"/>
    ${stitches('M398,1622 Q600,1640 800,1632 Q1000,1640 1206,1620')}
    ${stitches('M397,1610 Q600,1628 800,1620 Q1000,1628 1206,1608')}
    ${stitches('M178,770 Q250,840 325,895')}
    ${stitches('M1422,776 Q1350,850 1278,900')}`;
}

/**
 * The print's maps over its place (plus the displacement's reach): the light as hard-light of
 * light / 2 (a multiply below 0.5, a screen above) with the knit showing through the ink at half
 * strength, and the smoothed relief as displacement, spread over the full grey range.
 */
function printMaps(
  smooth: Float32Array,
  diffuse: Float32Array,
  light: Float32Array,
  knit: Float32Array,
): { shading: Layer; folds: Layer } {
  const { x: px, y: py, width: pw, height: ph } = PRINT_POSITION;
  const margin = DISPLACEMENT_STRENGTH + 4;
  const area = { x: px - margin, y: py - margin, width: pw + 2 * margin, height: ph + 2 * margin };
  const printLight = new Float32Array(area.width * area.height);
  const displacement = new Float32Array(area.width * area.height);
  let lowest = Infinity;
  let highest = -Infinity;
  for (let y = 0; y < area.height; y++)
    for (let x = 0; x < area.width; x++) {
      const h = smooth[(y + area.y) * WIDTH + x + area.x]!;
      lowest = min(lowest, h);
      highest = max(highest, h);
    }
  const middle = (lowest + highest) / 2;
  const halfRange = max(1e-3, (highest - lowest) / 2);
  for (let y = 0; y < area.height; y++)
    for (let x = 0; x < area.width; x++) {
      const i = (y + area.y) * WIDTH + x + area.x;
      const k = y * area.width + x;
      // Ink reflects diffusely: lit slopes brighten it a little, they do not bleach it.
      const lit = diffuse[i]! * light[i]!;
      const shade = lit <= 1 ? lit : 1 + (lit - 1) * 0.3;
      printLight[k] = min(1, (shade * (1 + (knit[i]! - 1) * 0.5)) / 2);
      displacement[k] = 0.5 + ((smooth[i]! - middle) / halfRange) * 0.5;
    }
  return {
    shading: { ...greyLayer(area.width, area.height, printLight), x: area.x, y: area.y },
    folds: { ...greyLayer(area.width, area.height, displacement), x: area.x, y: area.y },
  };
}

export async function buildTShirt(): Promise<SampleDraft> {
  const shirt = await drawSvg(WIDTH, HEIGHT, `<path d="${SHIRT_PATH}" fill="#fff"/>`);
  const [{ relief, smooth }, contact, soft, details, label] = await Promise.all([
    clothRelief(shirt),
    blur(shirt, 10),
    blur(shirt, 40),
    drawSvg(WIDTH, HEIGHT, detailsSvg()).then((layer) => blur(layer, 0.6)),
    // The care label inside the back of the neck, in the collar's shadow; it keeps its own colour.
    drawSvg(
      WIDTH,
      HEIGHT,
      `<defs><linearGradient id="label" x1="0" y1="0" x2="0" y2="1">
         <stop offset="0" stop-color="#7d7b77"/><stop offset="0.5" stop-color="#a19f9a"/><stop offset="1" stop-color="#9a9893"/>
       </linearGradient></defs>
       <rect x="778" y="382" width="44" height="26" rx="1.5" fill="url(#label)"/>
       <rect x="786" y="391" width="28" height="3" fill="#6f6d69"/><rect x="790" y="398" width="20" height="2" fill="#7f7d79"/>`,
    ).then((layer) => blur(layer, 0.5)),
  ]);
  const { diffuse, sheen } = lightRelief(relief, WIDTH, HEIGHT, {
    direction: [-0.55, -0.8, 1.1],
    wrap: 0.5,
    sheen: 0.08,
  });
  const knit = jerseyKnit(WIDTH, HEIGHT, { seed: 44, wale: 3.1, course: 2.4, contrast: 0.05 });
  const shape = alphaOf(shirt);

  // Light across the whole set: the soft box stands top left, so the far corner falls off.
  const light = new Float32Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++)
      light[y * WIDTH + x] = 1.03 - 0.1 * (sqrt((x - 500) ** 2 + (y - 500) ** 2) / 1500);

  const photo = paintBackground();
  for (const layer of [contact, soft])
    for (let i = 0; i < layer.data.length; i += 4) layer.data[i] = layer.data[i + 1] = layer.data[i + 2] = 50;
  compositeOnto(photo, { ...soft, x: 10, y: 22 }, 'multiply', 0.22);
  compositeOnto(photo, { ...contact, x: 4, y: 7 }, 'multiply', 0.3);
  const fabric = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < fabric.length; i++) {
    const lit = diffuse[i]! * light[i]!;
    // A soft shoulder instead of clipping: white cloth keeps its folds on the lit side too.
    fabric[i] = min(1, 0.9 * (lit <= 1 ? lit : 1 + (lit - 1) * 0.6) * knit[i]!);
  }
  compositeOnto(photo, greyLayer(WIDTH, HEIGHT, fabric, shape), 'normal', 1);
  compositeOnto(photo, details, 'multiply', 1);
  compositeOnto(photo, label, 'normal', 1);

  const { shading, folds } = printMaps(smooth, diffuse, light, knit);

  // The cotton's sheen on slopes facing the light, above everything: light falls on ink and cloth alike.
  const sheenAlpha = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < sheenAlpha.length; i++) sheenAlpha[i] = shape[i]! * sheen[i]!;
  const highlights = cropToContent(
    greyLayer(WIDTH, HEIGHT, new Float32Array(WIDTH * HEIGHT).fill(1), sheenAlpha),
  );
  if (!highlights) throw new Error('sample highlights did not render');

  const mask = greyLayer(WIDTH, HEIGHT, shape);
  const cloth = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < cloth.length; i++) cloth[i] = shape[i]! * (1 - label.data[i * 4 + 3]! / 255);
  const colorMask = greyLayer(WIDTH, HEIGHT, cloth);
  return {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e02',
    slug: 't-shirt',
    name: 'T-shirt in a product colour',
    manifest: {
      width: WIDTH,
      height: HEIGHT,
      layers: [
        { type: 'image', name: 'Studio', asset: 'studio.jpg' },
        {
          type: 'smart_object',
          uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e12',
          name: 'Front print',
          layer_name: 'Front print',
          size: { width: 1200, height: 1500 },
          // The usual 12 × 15 in DTG front print.
          print_size: { width_mm: 304.8, height_mm: 381 },
          position: PRINT_POSITION,
          quad: null,
          blend_mode: 'normal',
          mask: { asset: 'shirt-mask.png' },
          displacement: { asset: 'folds.png', x: folds.x, y: folds.y, strength: DISPLACEMENT_STRENGTH },
          shading: {
            asset: 'print-light.png',
            x: shading.x,
            y: shading.y,
            blend_mode: 'hard-light',
            opacity: 1,
          },
          color: { default: '#ffffff', allowed: SHIRT_COLORS, mask: { asset: 'cloth-mask.png' } },
          print_areas: [
            { name: 'front', x: 0, y: 0, width: 1200, height: 1500 },
            { name: 'chest', x: 250, y: 0, width: 700, height: 700 },
            { name: 'left-chest', x: 800, y: 80, width: 280, height: 280 },
          ],
        },
        {
          type: 'image',
          name: 'Fabric sheen',
          asset: 'highlights.png',
          x: highlights.x,
          y: highlights.y,
          blend_mode: 'screen',
        },
      ],
    },
    assets: new Map([
      ['studio.jpg', await encodeJpeg(photo)],
      ['shirt-mask.png', await encodePng(mask)],
      ['cloth-mask.png', await encodePng(colorMask)],
      ['folds.png', await encodePng(folds)],
      ['print-light.png', await encodePng(shading)],
      ['highlights.png', await encodePng(highlights)],
    ]),
  };
}
