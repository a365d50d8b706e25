// Sample: a flat-lay t-shirt on a studio background. The fabric is drawn white; a product colour
// is multiplied onto it per render, the artwork follows the folds (displacement), the folds'
// shadows are re-applied over the print (shading) and a highlight layer sits above everything.
import type { Writable } from '../blend-modes.js';
import { compositeOnto } from '../blend-modes.js';
import type { PlacedRgba } from '../raster.js';
import { cropToContent } from '../raster.js';
import { createRandom, valueNoise } from './procedural-noise.js';
import type { Layer } from './sample-canvas.js';
import { alphaOf, blur, drawSvg, encodeJpeg, encodePng, greyLayer } from './sample-canvas.js';
import type { SampleDraft } from './sample-template.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { max, min, sqrt } = Math;

const WIDTH = 1600;
const HEIGHT = 2000;

const SHIRT_PATH =
  'M640,300 Q800,284 960,300 Q1090,336 1215,365 Q1350,500 1475,660 L1330,795 Q1245,745 1165,700 ' +
  'Q1150,1200 1182,1725 Q800,1748 418,1725 Q450,1200 435,700 Q355,745 270,795 L125,660 ' +
  'Q250,500 385,365 Q510,336 640,300 Z';
const NECKLINE = 'M640,300 Q680,410 800,416 Q920,410 960,300';

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

/** Fold map in [0, 1] (0.5 neutral): gentle undulation, soft wrinkles, darker towards the edges. */
async function foldMap(shirt: Layer): Promise<Float32Array> {
  const random = createRandom(41);
  const strokes: string[] = [];
  const wrinkle = (d: string, light: boolean, width: number, opacity: number) =>
    strokes.push(
      `<path d="${d}" fill="none" stroke="${light ? '#fff' : '#000'}" stroke-width="${width}" stroke-linecap="round" opacity="${opacity}"/>`,
    );
  // Diagonal drag folds from the armpits, vertical body folds, ripples above the hem.
  wrinkle('M450,740 Q600,860 690,1050', false, 26, 0.5);
  wrinkle('M470,720 Q620,840 720,1020', true, 18, 0.45);
  wrinkle('M1150,740 Q1000,880 910,1080', false, 26, 0.5);
  wrinkle('M1130,720 Q980,850 880,1040', true, 18, 0.45);
  for (let i = 0; i < 6; i++) {
    const x = 520 + random() * 560;
    wrinkle(
      `M${x},${1090 + random() * 150} Q${x + (random() - 0.5) * 120},${1390} ${x + (random() - 0.5) * 160},${1690}`,
      i % 2 === 0,
      22 + random() * 20,
      0.35,
    );
  }
  for (let i = 0; i < 5; i++) {
    const y = 1520 + i * 38 + random() * 20;
    wrinkle(
      `M${480 + random() * 120},${y} Q800,${y + (random() - 0.5) * 50} ${1000 + random() * 120},${y + (random() - 0.5) * 30}`,
      i % 2 === 1,
      16,
      0.3,
    );
  }
  wrinkle('M230,640 Q300,560 400,505', false, 20, 0.35);
  wrinkle('M1370,640 Q1300,560 1200,505', false, 20, 0.35);
  const drawn = await blur(await drawSvg(WIDTH, HEIGHT, strokes.join('')), 16);
  const inner = alphaOf(await blur(shirt, 22));
  const shape = alphaOf(shirt);
  const undulation = valueNoise(WIDTH, HEIGHT, { cellX: 340, cellY: 420, seed: 42, octaves: 3 });
  const map = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < map.length; i++) {
    const a = drawn.data[i * 4 + 3]! / 255;
    const stroke = a === 0 ? 0 : (drawn.data[i * 4]! / 255 - 0.5) * 2 * a;
    const edge = shape[i]! > 0 ? (1 - inner[i]!) * -0.55 : 0;
    map[i] = min(1, max(0, 0.5 + (undulation[i]! - 0.5) * 0.55 + stroke * 0.3 + edge));
  }
  return map;
}

function paintBackground(): Writable<PlacedRgba> {
  const noise = valueNoise(WIDTH, HEIGHT, { cellX: 4, cellY: 4, seed: 43, octaves: 2 });
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = y * WIDTH + x;
      const shade =
        (1.03 - 0.14 * (sqrt((x - 800) ** 2 + (y - 900) ** 2) / 1300)) * (1 + (noise[i]! - 0.5) * 0.03);
      data[i * 4] = 226 * shade;
      data[i * 4 + 1] = 224 * shade;
      data[i * 4 + 2] = 220 * shade;
      data[i * 4 + 3] = 255;
    }
  }
  return { x: 0, y: 0, width: WIDTH, height: HEIGHT, data };
}

export async function buildTShirt(): Promise<SampleDraft> {
  const shirt = await drawSvg(WIDTH, HEIGHT, `<path d="${SHIRT_PATH}" fill="#fff"/>`);
  const [folds, shadow, collar] = await Promise.all([
    foldMap(shirt),
    blur(shirt, 18),
    drawSvg(
      WIDTH,
      HEIGHT,
      `<path d="M640,300 Q800,284 960,300 Q920,410 800,416 Q680,410 640,300 Z" fill="#b9b9b6"/>
       <path d="${NECKLINE}" fill="none" stroke="#ecebe8" stroke-width="36"/>
       <path d="${NECKLINE}" fill="none" stroke="#000" stroke-opacity="0.12" stroke-width="2" transform="translate(0,17)"/>`,
    ),
  ]);
  const knit = valueNoise(WIDTH, HEIGHT, { cellX: 1.6, cellY: 1.6, seed: 44 });
  const shape = alphaOf(shirt);

  const photo = paintBackground();
  for (let i = 0; i < shadow.data.length; i += 4)
    shadow.data[i] = shadow.data[i + 1] = shadow.data[i + 2] = 40;
  compositeOnto(photo, { ...shadow, y: 12 }, 'multiply', 0.35);
  const fabric = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < fabric.length; i++)
    fabric[i] = min(1, 0.95 * (1 + (folds[i]! - 0.5) * 0.55) * (1 + (knit[i]! - 0.5) * 0.05));
  compositeOnto(photo, greyLayer(WIDTH, HEIGHT, fabric, shape), 'normal', 1);
  compositeOnto(photo, collar, 'multiply', 1);

  // Highlights of the folds above the print too: light falls on ink and cloth alike.
  const highlight = new Float32Array(WIDTH * HEIGHT).fill(1);
  const highlightAlpha = new Float32Array(WIDTH * HEIGHT);
  for (let i = 0; i < highlight.length; i++) highlightAlpha[i] = shape[i]! * max(0, folds[i]! - 0.5) * 0.3;
  const highlights = cropToContent(greyLayer(WIDTH, HEIGHT, highlight, highlightAlpha));
  if (!highlights) throw new Error('sample highlights did not render');

  const mask = greyLayer(WIDTH, HEIGHT, shape);
  const foldImage = greyLayer(WIDTH, HEIGHT, folds);
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
          position: { x: 540, y: 545, width: 520, height: 650 },
          quad: null,
          blend_mode: 'normal',
          mask: { asset: 'shirt-mask.png' },
          displacement: { asset: 'folds.png', strength: 9 },
          shading: { asset: 'folds.png', blend_mode: 'hard-light', opacity: 0.75 },
          color: { default: '#ffffff', allowed: SHIRT_COLORS, mask: { asset: 'shirt-mask.png' } },
          print_areas: [
            { name: 'front', x: 0, y: 0, width: 1200, height: 1500 },
            { name: 'chest', x: 250, y: 0, width: 700, height: 700 },
            { name: 'left-chest', x: 800, y: 80, width: 280, height: 280 },
          ],
        },
        {
          type: 'image',
          name: 'Fabric highlights',
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
      ['folds.png', await encodePng(foldImage)],
      ['highlights.png', await encodePng(highlights)],
    ]),
  };
}
