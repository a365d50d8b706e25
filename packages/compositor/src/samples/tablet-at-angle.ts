// Sample: a tablet lying on a stone desk, seen at an angle, with leaf shadows from a window and a
// glare band on its glass (screen blend). Device, screen, glare and shadows share one homography.
import type { Writable } from '../blend-modes.js';
import { compositeOnto } from '../blend-modes.js';
import type { FourPoints } from '../homography.js';
import { applyHomography, invertMatrix3, rectToQuad } from '../homography.js';
import { cropToContent } from '../raster.js';
import type { PlacedRgba } from '../raster.js';
import type { Quad } from '../template-model.js';
import { warpPerspective } from '../warp-kernels.js';
import { createRandom, valueNoise } from './procedural-noise.js';
import type { Layer } from './sample-canvas.js';
import { blur, drawSvg, emptyLayer, encodeJpeg, encodePng } from './sample-canvas.js';
import type { SampleDraft } from './sample-template.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { ceil, floor, max, min, round, sqrt } = Math;

const WIDTH = 2000;
const HEIGHT = 1500;
const DEVICE = { width: 860, height: 1120, radius: 62, bezel: 40 };
const SCREEN = {
  x: DEVICE.bezel,
  y: DEVICE.bezel,
  width: DEVICE.width - 2 * DEVICE.bezel,
  height: DEVICE.height - 2 * DEVICE.bezel,
};
const DEVICE_QUAD: FourPoints = [
  [800, 150],
  [1400, 235],
  [1330, 1290],
  [600, 1175],
];
const SUPERSAMPLE = 1.3;

function paintDesk(): Writable<PlacedRgba> {
  const fine = valueNoise(WIDTH, HEIGHT, { cellX: 3, cellY: 3, seed: 21, octaves: 2 });
  const cloud = valueNoise(WIDTH, HEIGHT, { cellX: 300, cellY: 220, seed: 22, octaves: 4 });
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = y * WIDTH + x;
      const light = 1.06 - 0.22 * (sqrt((x - 1900) ** 2 + (y + 100) ** 2) / 2400) - 0.06 * (y / HEIGHT);
      const stone = 1 + (fine[i]! - 0.5) * 0.07 + (cloud[i]! - 0.5) * 0.1;
      const shade = light * stone;
      data[i * 4] = 214 * shade;
      data[i * 4 + 1] = 210 * shade;
      data[i * 4 + 2] = 203 * shade;
      data[i * 4 + 3] = 255;
    }
  }
  return { x: 0, y: 0, width: WIDTH, height: HEIGHT, data };
}

function deviceSvg(): string {
  const { width: w, height: h, radius: r } = DEVICE;
  const s = SCREEN;
  return `
    <defs>
      <linearGradient id="rim" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="#d9dce0"/><stop offset="0.5" stop-color="#9aa0a6"/><stop offset="1" stop-color="#c8ccd1"/>
      </linearGradient>
    </defs>
    <rect width="${w}" height="${h}" rx="${r}" fill="url(#rim)"/>
    <rect x="5" y="5" width="${w - 10}" height="${h - 10}" rx="${r - 5}" fill="#0d0e10"/>
    <rect x="${s.x}" y="${s.y}" width="${s.width}" height="${s.height}" fill="#050506"/>
    <circle cx="${w / 2}" cy="${s.y / 2}" r="5" fill="#1d2430"/>
    <circle cx="${w / 2}" cy="${s.y / 2}" r="2" fill="#2f3d55"/>`;
}

function glareSvg(): string {
  const s = SCREEN;
  return `
    <defs>
      <linearGradient id="glare" x1="0" y1="0" x2="1" y2="0.65">
        <stop offset="0" stop-color="#fff" stop-opacity="0.16"/>
        <stop offset="0.28" stop-color="#fff" stop-opacity="0.05"/>
        <stop offset="0.42" stop-color="#fff" stop-opacity="0.30"/>
        <stop offset="0.47" stop-color="#fff" stop-opacity="0.06"/>
        <stop offset="0.58" stop-color="#fff" stop-opacity="0.12"/>
        <stop offset="1" stop-color="#fff" stop-opacity="0"/>
      </linearGradient>
    </defs>
    <rect x="${s.x}" y="${s.y}" width="${s.width}" height="${s.height}" fill="url(#glare)"/>`;
}

async function flatToCanvas(body: string): Promise<PlacedRgba | null> {
  const scale = SUPERSAMPLE;
  const flat = await drawSvg(
    round(DEVICE.width * scale),
    round(DEVICE.height * scale),
    `<g transform="scale(${scale})">${body}</g>`,
  );
  const toCanvas = rectToQuad(flat.width, flat.height, DEVICE_QUAD);
  return cropToContent(
    warpPerspective(flat, invertMatrix3(toCanvas), { x: 500, y: 100, width: 1000, height: 1250 }),
  );
}

/** Soft shadows of leaves from a window plant, falling across the upper right. */
function leavesSvg(): string {
  const random = createRandom(31);
  const leaves: string[] = [];
  for (let i = 0; i < 14; i++) {
    const cx = 1300 + random() * 700;
    const cy = -80 + random() * 560;
    const length = 140 + random() * 160;
    const angle = 110 + random() * 70;
    leaves.push(
      `<g transform="translate(${cx} ${cy}) rotate(${angle})"><path d="M0,0 C${length * 0.3},${-length * 0.22} ${length * 0.75},${-length * 0.16} ${length},0 C${length * 0.75},${length * 0.16} ${length * 0.3},${length * 0.22} 0,0 Z" fill="#000"/><rect x="${-length * 0.9}" y="-4" width="${length * 0.95}" height="8" fill="#000"/></g>`,
    );
  }
  return leaves.join('');
}

function silhouette(layers: PlacedRgba[], dx: number, dy: number): Layer {
  const out = emptyLayer(WIDTH, HEIGHT);
  for (const layer of layers) {
    for (let y = 0; y < layer.height; y++) {
      for (let x = 0; x < layer.width; x++) {
        const cx = layer.x + x + dx;
        const cy = layer.y + y + dy;
        if (cx < 0 || cy < 0 || cx >= WIDTH || cy >= HEIGHT) continue;
        const o = (cy * WIDTH + cx) * 4 + 3;
        out.data[o] = max(out.data[o]!, layer.data[(y * layer.width + x) * 4 + 3]!);
      }
    }
  }
  return out;
}

function screenQuad(): Quad {
  const toCanvas = rectToQuad(DEVICE.width, DEVICE.height, DEVICE_QUAD);
  const corner = (x: number, y: number): [number, number] => {
    const [cx, cy] = applyHomography(toCanvas, [x, y]);
    return [round(cx * 100) / 100, round(cy * 100) / 100];
  };
  const s = SCREEN;
  return [
    corner(s.x, s.y),
    corner(s.x + s.width, s.y),
    corner(s.x + s.width, s.y + s.height),
    corner(s.x, s.y + s.height),
  ];
}

export async function buildTabletAtAngle(): Promise<SampleDraft> {
  const desk = paintDesk();
  const [device, glare, leaves] = await Promise.all([
    flatToCanvas(deviceSvg()),
    flatToCanvas(glareSvg()),
    drawSvg(WIDTH, HEIGHT, leavesSvg()).then((layer) => blur(layer, 14)),
  ]);
  if (!device || !glare) throw new Error('sample device did not render');
  // The body's thickness: its silhouette a few pixels nearer the camera, in darker aluminium.
  const edge = silhouette([device], -3, 9);
  for (let i = 0; i < edge.data.length; i += 4) {
    edge.data[i] = 120;
    edge.data[i + 1] = 125;
    edge.data[i + 2] = 131;
  }
  const [ambient, contact] = await Promise.all([
    blur(silhouette([device, edge], -10, 30), 28),
    blur(silhouette([device, edge], -2, 10), 5),
  ]);
  compositeOnto(desk, ambient, 'multiply', 0.45);
  compositeOnto(desk, contact, 'multiply', 0.5);
  compositeOnto(desk, edge, 'normal', 1);
  compositeOnto(desk, device, 'normal', 1);
  const leafShadow = cropToContent(leaves);
  if (!leafShadow) throw new Error('sample leaves did not render');

  const quad = screenQuad();
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x = floor(min(...xs));
  const y = floor(min(...ys));
  return {
    uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e03',
    slug: 'tablet-at-angle',
    name: 'Tablet on a desk',
    manifest: {
      width: WIDTH,
      height: HEIGHT,
      layers: [
        { type: 'image', name: 'Desk', asset: 'desk.jpg' },
        {
          type: 'smart_object',
          uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e13',
          name: 'Screen',
          layer_name: 'Screen content',
          size: { width: 1536, height: 2048 },
          // A 9.7-inch screen (2048 × 1536 at 264 ppi).
          print_size: { width_mm: 147.78, height_mm: 197.04 },
          position: { x, y, width: ceil(max(...xs)) - x, height: ceil(max(...ys)) - y },
          quad,
          blend_mode: 'normal',
        },
        { type: 'image', name: 'Glare', asset: 'glare.png', x: glare.x, y: glare.y, blend_mode: 'screen' },
        {
          type: 'image',
          name: 'Leaf shadows',
          asset: 'leaves.png',
          x: leafShadow.x,
          y: leafShadow.y,
          blend_mode: 'multiply',
          opacity: 0.22,
        },
      ],
    },
    assets: new Map([
      ['desk.jpg', await encodeJpeg(desk)],
      ['glare.png', await encodePng(glare)],
      ['leaves.png', await encodePng(leafShadow)],
    ]),
  };
}
