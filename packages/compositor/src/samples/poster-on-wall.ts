// Sample: a framed poster hanging on a plaster wall above an oak floor, seen from the left. The
// frame is drawn flat and put in perspective with the same homography the poster gets, so the
// frame, its shadow, the mat's inner shadow and the glass glare line up with the artwork.
import type { Writable } from '../blend-modes.js';
import { compositeOnto } from '../blend-modes.js';
import type { FourPoints } from '../homography.js';
import { applyHomography, invertMatrix3, rectToQuad } from '../homography.js';
import { cropToContent } from '../raster.js';
import type { PlacedRgba } from '../raster.js';
import type { Quad } from '../template-model.js';
import { warpPerspective } from '../warp-kernels.js';
import { valueNoise } from './procedural-noise.js';
import type { Layer } from './sample-canvas.js';
import { blur, drawSvg, emptyLayer, encodeJpeg, encodePng } from './sample-canvas.js';
import type { SampleDraft } from './sample-template.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { abs, ceil, exp, floor, max, min, round, sqrt } = Math;

const WIDTH = 2000;
const HEIGHT = 1500;
/** Where the wall's horizontal lines meet (eye level, far right). */
const VANISH: [number, number] = [6957, 675];
const FRAME = { width: 760, height: 940, moulding: 30, opening: { x: 110, y: 110, width: 540, height: 720 } };
const FRAME_QUAD: FourPoints = [
  [690, 205],
  [1290, 250],
  [1290, 1100],
  [690, 1145],
];
/** Flat drawings are made this much larger than they appear, so warping only shrinks them. */
const SUPERSAMPLE = 1.3;

function floorLine(x: number): number {
  return 1330 - ((1330 - VANISH[1]) / VANISH[0]) * x;
}

function paintRoom(): Writable<PlacedRgba> {
  const grain = valueNoise(WIDTH, HEIGHT, { cellX: 5, cellY: 5, seed: 11, octaves: 2 });
  const blotches = valueNoise(WIDTH, HEIGHT, { cellX: 260, cellY: 260, seed: 12, octaves: 3 });
  const wood = valueNoise(WIDTH, HEIGHT, { cellX: 240, cellY: 3, seed: 13, octaves: 3 });
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = y * WIDTH + x;
      const depth = (VANISH[0] - x) / VANISH[0];
      const floorY = floorLine(x);
      const light = 1.05 - 0.2 * (sqrt((x - 250) ** 2 + (y + 200) ** 2) / 2300);
      let r: number;
      let g: number;
      let b: number;
      if (y < floorY - 46 * depth) {
        const plaster = 1 + (grain[i]! - 0.5) * 0.05 + (blotches[i]! - 0.5) * 0.05;
        const shade = light * plaster;
        r = 229 * shade;
        g = 222 * shade;
        b = 211 * shade;
      } else if (y < floorY) {
        // Baseboard: a lit top edge, then a face darkening towards the floor.
        const t = (y - (floorY - 46 * depth)) / (46 * depth);
        const face = t < 0.12 ? 1.08 : 0.98 - 0.1 * t;
        r = 236 * light * face;
        g = 233 * light * face;
        b = 226 * light * face;
      } else {
        // Oak boards running along the wall, converging on the vanishing point.
        const y0 = VANISH[1] + ((y - VANISH[1]) * VANISH[0]) / (VANISH[0] - x);
        const distance = 2200 / (y0 - VANISH[1]);
        const board = floor(distance / 0.28);
        const seam = abs(distance / 0.28 - round(distance / 0.28)) * (y0 - VANISH[1]) * 0.28 < 1.2;
        const tone = 0.9 + ((board * 0.37) % 1) * 0.16;
        const grainShade = 0.86 + wood[i]! * 0.26;
        const occlusion = 1 - 0.35 * exp(-(y - floorY) / 18);
        const shade = tone * grainShade * occlusion * (seam ? 0.72 : 1) * (0.95 + 0.08 * (y / HEIGHT));
        r = 178 * shade;
        g = 136 * shade;
        b = 94 * shade;
      }
      data[i * 4] = r;
      data[i * 4 + 1] = g;
      data[i * 4 + 2] = b;
      data[i * 4 + 3] = 255;
    }
  }
  return { x: 0, y: 0, width: WIDTH, height: HEIGHT, data };
}

/** SVG of the frame seen straight on, in frame units (scaled by SUPERSAMPLE by the caller). */
function frameSvg(): string {
  const { width: w, height: h, moulding: m, opening: o } = FRAME;
  return `
    <defs>
      <linearGradient id="wood" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="#3a3430"/><stop offset="0.5" stop-color="#221e1b"/><stop offset="1" stop-color="#151311"/>
      </linearGradient>
      <linearGradient id="matTop" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#000" stop-opacity="0.22"/><stop offset="1" stop-color="#000" stop-opacity="0"/>
      </linearGradient>
      <linearGradient id="matLeft" x1="0" y1="0" x2="1" y2="0">
        <stop offset="0" stop-color="#000" stop-opacity="0.16"/><stop offset="1" stop-color="#000" stop-opacity="0"/>
      </linearGradient>
    </defs>
    <rect width="${w}" height="${h}" fill="url(#wood)"/>
    <rect x="3" y="3" width="${w - 6}" height="${h - 6}" fill="none" stroke="#5a524b" stroke-width="2" opacity="0.8"/>
    <rect x="${m}" y="${m}" width="${w - 2 * m}" height="${h - 2 * m}" fill="#f3f1ec"/>
    <rect x="${m}" y="${m}" width="${w - 2 * m}" height="14" fill="url(#matTop)"/>
    <rect x="${m}" y="${m}" width="12" height="${h - 2 * m}" fill="url(#matLeft)"/>
    <rect x="${o.x - 4}" y="${o.y - 4}" width="${o.width + 8}" height="${o.height + 8}" fill="#fbfaf7"/>
    <rect x="${o.x - 4}" y="${o.y - 4}" width="${o.width + 8}" height="${o.height + 8}" fill="none" stroke="#d9d5cd" stroke-width="1"/>
    <rect x="${o.x}" y="${o.y}" width="${o.width}" height="${o.height}" fill="#e8e5df"/>`;
}

/** Above the poster: the mat's shadow on its top and left edges (multiply). */
function innerShadowSvg(): string {
  const o = FRAME.opening;
  return `
    <defs>
      <linearGradient id="top" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#5a5550" stop-opacity="0.55"/><stop offset="1" stop-color="#5a5550" stop-opacity="0"/>
      </linearGradient>
      <linearGradient id="left" x1="0" y1="0" x2="1" y2="0">
        <stop offset="0" stop-color="#5a5550" stop-opacity="0.4"/><stop offset="1" stop-color="#5a5550" stop-opacity="0"/>
      </linearGradient>
    </defs>
    <rect x="${o.x}" y="${o.y}" width="${o.width}" height="9" fill="url(#top)"/>
    <rect x="${o.x}" y="${o.y}" width="7" height="${o.height}" fill="url(#left)"/>`;
}

/** Above everything: a soft diagonal reflection on the glass (screen). */
function glassSvg(): string {
  const { width: w, height: h, moulding: m } = FRAME;
  return `
    <defs>
      <linearGradient id="glare" x1="0" y1="0" x2="1" y2="0.8">
        <stop offset="0" stop-color="#fff" stop-opacity="0.10"/>
        <stop offset="0.32" stop-color="#fff" stop-opacity="0.02"/>
        <stop offset="0.38" stop-color="#fff" stop-opacity="0.16"/>
        <stop offset="0.5" stop-color="#fff" stop-opacity="0.03"/>
        <stop offset="1" stop-color="#fff" stop-opacity="0"/>
      </linearGradient>
    </defs>
    <rect x="${m}" y="${m}" width="${w - 2 * m}" height="${h - 2 * m}" fill="url(#glare)"/>`;
}

async function flatToCanvas(body: string): Promise<PlacedRgba | null> {
  const scale = SUPERSAMPLE;
  const flat = await drawSvg(
    round(FRAME.width * scale),
    round(FRAME.height * scale),
    `<g transform="scale(${scale})">${body}</g>`,
  );
  const toCanvas = rectToQuad(flat.width, flat.height, FRAME_QUAD);
  const region = { x: 600, y: 150, width: 800, height: 1050 };
  return cropToContent(warpPerspective(flat, invertMatrix3(toCanvas), region));
}

function posterQuad(): Quad {
  const { opening: o, width, height } = FRAME;
  const toCanvas = rectToQuad(width, height, FRAME_QUAD);
  const corner = (x: number, y: number): [number, number] => {
    const [cx, cy] = applyHomography(toCanvas, [x, y]);
    return [round(cx * 100) / 100, round(cy * 100) / 100];
  };
  return [
    corner(o.x, o.y),
    corner(o.x + o.width, o.y),
    corner(o.x + o.width, o.y + o.height),
    corner(o.x, o.y + o.height),
  ];
}

/** The frame's left side, visible because the camera stands to the left. */
function sideSvg(): string {
  const [tl, , , bl] = FRAME_QUAD;
  return `
    <defs><linearGradient id="side" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2c2724"/><stop offset="1" stop-color="#171412"/>
    </linearGradient></defs>
    <polygon points="${tl[0]},${tl[1]} ${bl[0]},${bl[1]} ${bl[0] - 15},${bl[1] - 3} ${tl[0] - 15},${tl[1] + 4}" fill="url(#side)"/>`;
}

function silhouette(layers: PlacedRgba[], dx: number, dy: number, strength: number): Layer {
  const out = emptyLayer(WIDTH, HEIGHT);
  for (const layer of layers) {
    for (let y = 0; y < layer.height; y++) {
      for (let x = 0; x < layer.width; x++) {
        const cx = layer.x + x + dx;
        const cy = layer.y + y + dy;
        if (cx < 0 || cy < 0 || cx >= WIDTH || cy >= HEIGHT) continue;
        const a = layer.data[(y * layer.width + x) * 4 + 3]! * strength;
        const o = (cy * WIDTH + cx) * 4 + 3;
        out.data[o] = max(out.data[o]!, a);
      }
    }
  }
  return out;
}

export async function buildPosterOnWall(): Promise<SampleDraft> {
  const room = paintRoom();
  const [frame, innerShadow, glass, side] = await Promise.all([
    flatToCanvas(frameSvg()),
    flatToCanvas(innerShadowSvg()),
    flatToCanvas(glassSvg()),
    drawSvg(WIDTH, HEIGHT, sideSvg()),
  ]);
  if (!frame || !innerShadow || !glass) throw new Error('sample frame did not render');

  // Light from the upper left: a soft cast shadow down-right and a tight contact shadow.
  const [cast, contact] = await Promise.all([
    blur(silhouette([frame, side], 26, 30, 1), 18),
    blur(silhouette([frame, side], 7, 9, 1), 4),
  ]);
  compositeOnto(room, cast, 'multiply', 0.42);
  compositeOnto(room, contact, 'multiply', 0.3);
  compositeOnto(room, side, 'normal', 1);
  compositeOnto(room, frame, 'normal', 1);

  const quad = posterQuad();
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x = floor(min(...xs));
  const y = floor(min(...ys));
  return {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01',
    slug: 'poster-on-wall',
    name: 'Framed poster on a wall',
    manifest: {
      width: WIDTH,
      height: HEIGHT,
      layers: [
        { type: 'image', name: 'Room', asset: 'room.jpg' },
        {
          type: 'smart_object',
          uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11',
          name: 'Poster',
          layer_name: 'Poster artwork',
          size: { width: 1800, height: 2400 },
          // A 30 × 40 cm poster.
          print_size: { width_mm: 300, height_mm: 400 },
          position: { x, y, width: ceil(max(...xs)) - x, height: ceil(max(...ys)) - y },
          quad,
          blend_mode: 'normal',
        },
        {
          type: 'image',
          name: 'Mat shadow',
          asset: 'mat-shadow.png',
          x: innerShadow.x,
          y: innerShadow.y,
          blend_mode: 'multiply',
        },
        { type: 'image', name: 'Glass', asset: 'glass.png', x: glass.x, y: glass.y, blend_mode: 'screen' },
      ],
    },
    assets: new Map([
      ['room.jpg', await encodeJpeg(room)],
      ['mat-shadow.png', await encodePng(innerShadow)],
      ['glass.png', await encodePng(glass)],
    ]),
  };
}
