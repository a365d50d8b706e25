// Sample: a white ceramic mug on a table. The print wraps around the cylinder through a mesh
// grid (each column sits at its angle on the cylinder, rows curve like the rim), the cylinder's
// lighting is re-applied over the print (shading) and a glaze highlight sits above it.
import type { Writable } from '../blend-modes.js';
import { compositeOnto } from '../blend-modes.js';
import type { PlacedRgba } from '../raster.js';
import { cropToContent } from '../raster.js';
import type { Point } from '../template-model.js';
import { valueNoise } from './procedural-noise.js';
import { blur, drawSvg, encodeJpeg, encodePng } from './sample-canvas.js';
import type { SampleDraft } from './sample-template.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { ceil, floor, max, min, round, sqrt } = Math;

const WIDTH = 2000;
const HEIGHT = 1500;
const CX = 960;
const RADIUS = 330;
const TOP = 400;
const BOTTOM = 1150;
/** Vertical radius of the rim ellipse: the camera looks slightly down on the mug. */
const TILT = 62;
const PRINT = { top: TOP + 120, bottom: BOTTOM - 70, maxAngle: (62 * Math.PI) / 180, cols: 24, rows: 6 };
/** Lighting across the cylinder from its left edge (0) to its right edge (1). */
const LIGHT: [number, number][] = [
  [0, 0.6],
  [0.1, 0.8],
  [0.28, 0.97],
  [0.36, 1],
  [0.55, 0.94],
  [0.82, 0.74],
  [1, 0.56],
];

function lightAt(t: number): number {
  for (let k = 1; k < LIGHT.length; k++) {
    const [t1, v1] = LIGHT[k]!;
    const [t0, v0] = LIGHT[k - 1]!;
    if (t <= t1) return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return LIGHT[LIGHT.length - 1]![1];
}

function paintBackdrop(): Writable<PlacedRgba> {
  const noise = valueNoise(WIDTH, HEIGHT, { cellX: 4, cellY: 4, seed: 51, octaves: 2 });
  const grain = valueNoise(WIDTH, HEIGHT, { cellX: 420, cellY: 9, seed: 52, octaves: 4 });
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  const horizon = 900;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = y * WIDTH + x;
      const fine = 1 + (noise[i]! - 0.5) * 0.03;
      let r: number;
      let g: number;
      let b: number;
      if (y < horizon) {
        const light = 1.02 - 0.16 * (sqrt((x - 500) ** 2 + (y - 200) ** 2) / 1900);
        r = 214 * light * fine;
        g = 222 * light * fine;
        b = 226 * light * fine;
      } else {
        // A pale wooden table top, lit from the left, darker towards the camera.
        const depth = (y - horizon) / (HEIGHT - horizon);
        const light = (1.0 - 0.14 * depth - 0.1 * (x / WIDTH)) * (0.95 + grain[i]! * 0.1) * fine;
        const edge = y < horizon + 3 ? 0.86 : 1;
        r = 206 * light * edge;
        g = 178 * light * edge;
        b = 146 * light * edge;
      }
      data[i * 4] = r;
      data[i * 4 + 1] = g;
      data[i * 4 + 2] = b;
      data[i * 4 + 3] = 255;
    }
  }
  return { x: 0, y: 0, width: WIDTH, height: HEIGHT, data };
}

function lightStops(): string {
  return LIGHT.map(([t, v]) => {
    const c = round(246 * v);
    return `<stop offset="${t}" stop-color="rgb(${c},${c},${round(c * 0.985)})"/>`;
  }).join('');
}

function mugSvg(): string {
  const left = CX - RADIUS;
  const right = CX + RADIUS;
  const handle = `M${right - 20},${TOP + 150} C${right + 230},${TOP + 130} ${right + 250},${BOTTOM - 260} ${right - 20},${BOTTOM - 170}`;
  return `
    <defs>
      <linearGradient id="body" x1="${left}" y1="0" x2="${right}" y2="0" gradientUnits="userSpaceOnUse">${lightStops()}</linearGradient>
      <linearGradient id="handle" x1="0" y1="0" x2="1" y2="0">
        <stop offset="0" stop-color="#c9c8c4"/><stop offset="0.6" stop-color="#efeeea"/><stop offset="1" stop-color="#a9a8a4"/>
      </linearGradient>
      <linearGradient id="inside" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#9f9e9a"/><stop offset="1" stop-color="#e7e6e2"/>
      </linearGradient>
    </defs>
    <path d="${handle}" fill="none" stroke="url(#handle)" stroke-width="58" stroke-linecap="round"/>
    <path d="M${left},${TOP} L${left},${BOTTOM} A${RADIUS},${TILT} 0 0 0 ${right},${BOTTOM} L${right},${TOP} Z" fill="url(#body)"/>
    <ellipse cx="${CX}" cy="${TOP}" rx="${RADIUS}" ry="${TILT}" fill="#f7f6f3"/>
    <ellipse cx="${CX}" cy="${TOP + 4}" rx="${RADIUS - 16}" ry="${TILT - 6}" fill="url(#inside)"/>`;
}

/** Where the artwork's evenly spaced grid lands on the cylinder. */
function wrapMesh(): Point[] {
  const points: Point[] = [];
  for (let j = 0; j <= PRINT.rows; j++) {
    const y = PRINT.top + ((PRINT.bottom - PRINT.top) * j) / PRINT.rows;
    for (let i = 0; i <= PRINT.cols; i++) {
      const angle = -PRINT.maxAngle + (2 * PRINT.maxAngle * i) / PRINT.cols;
      points.push([
        round((CX + RADIUS * Math.sin(angle)) * 100) / 100,
        round((y + TILT * Math.cos(angle)) * 100) / 100,
      ]);
    }
  }
  return points;
}

export async function buildMug(): Promise<SampleDraft> {
  const backdrop = paintBackdrop();
  const [mug, shadow, glaze] = await Promise.all([
    drawSvg(WIDTH, HEIGHT, mugSvg()),
    drawSvg(
      WIDTH,
      HEIGHT,
      `<ellipse cx="${CX + 60}" cy="${BOTTOM + 10}" rx="${RADIUS + 120}" ry="${TILT + 20}" fill="#3a2a1c"/>`,
    ).then((layer) => blur(layer, 26)),
    drawSvg(
      WIDTH,
      HEIGHT,
      `<rect x="${CX - RADIUS * 0.42}" y="${TOP + 70}" width="34" height="${BOTTOM - TOP - 110}" rx="17" fill="#fff" opacity="0.55"/>
       <rect x="${CX + RADIUS * 0.62}" y="${TOP + 90}" width="10" height="${BOTTOM - TOP - 160}" rx="5" fill="#fff" opacity="0.25"/>`,
    ).then((layer) => blur(layer, 9)),
  ]);
  compositeOnto(backdrop, shadow, 'multiply', 0.55);
  compositeOnto(backdrop, mug, 'normal', 1);

  // The cylinder's lighting as a grey map over the body, multiplied onto the print.
  const shading = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = TOP; y < BOTTOM + TILT; y++) {
    for (let x = CX - RADIUS; x < CX + RADIUS; x++) {
      const v = lightAt((x + 0.5 - (CX - RADIUS)) / (2 * RADIUS)) * 255;
      const o = (y * WIDTH + x) * 4;
      shading[o] = v;
      shading[o + 1] = v;
      shading[o + 2] = v;
      shading[o + 3] = 255;
    }
  }
  const shade = cropToContent({ x: 0, y: 0, width: WIDTH, height: HEIGHT, data: shading });
  const highlight = cropToContent(glaze);
  if (!shade || !highlight) throw new Error('sample mug did not render');

  const points = wrapMesh();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = floor(min(...xs));
  const y = floor(min(...ys));
  return {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e04',
    slug: 'mug',
    name: 'Ceramic mug',
    manifest: {
      width: WIDTH,
      height: HEIGHT,
      layers: [
        { type: 'image', name: 'Table', asset: 'table.jpg' },
        {
          type: 'smart_object',
          uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e14',
          name: 'Wrap print',
          layer_name: 'Mug print',
          size: { width: 1300, height: 1000 },
          // The side of an 11 oz mug the photo shows.
          print_size: { width_mm: 208, height_mm: 160 },
          position: { x, y, width: ceil(max(...xs)) - x, height: ceil(max(...ys)) - y },
          quad: null,
          mesh: { cols: PRINT.cols, rows: PRINT.rows, points },
          blend_mode: 'normal',
          shading: {
            asset: 'cylinder-light.png',
            x: shade.x,
            y: shade.y,
            blend_mode: 'multiply',
            opacity: 1,
          },
        },
        {
          type: 'image',
          name: 'Glaze',
          asset: 'glaze.png',
          x: highlight.x,
          y: highlight.y,
          blend_mode: 'screen',
        },
      ],
    },
    assets: new Map([
      ['table.jpg', await encodeJpeg(backdrop)],
      ['cylinder-light.png', await encodePng(shade)],
      ['glaze.png', await encodePng(highlight)],
    ]),
  };
}
