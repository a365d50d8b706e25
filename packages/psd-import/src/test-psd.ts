// Photoshop documents made in code with ag-psd's writer, for tests and benchmarks (no third-party
// files): a background, smart objects placed with corners (perspective), an optional warp, blend
// mode, opacity and mask, and any further layers given as ag-psd layers.
import { randomUUID } from 'node:crypto';
import {
  writePsdBuffer,
  type BlendMode,
  type Layer,
  type LayerEffectsInfo,
  type LayerMaskData,
  type Warp,
} from 'ag-psd';
import { applyHomography, rectToQuad } from '@platen/compositor';
import { envelopeOf } from './warp-envelope.js';

export type Rgb = [number, number, number];

export interface TestSmartObject {
  name: string;
  /** The content's box on the canvas when `corners` is not given. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The placed file's resolution in ppi (ag-psd writes 72 when none is given). */
  resolution?: number;
  /** Canvas corners TL, TR, BR, BL (a perspective transform); default: the box. */
  corners?: [[number, number], [number, number], [number, number], [number, number]];
  /** 16 control points (4×4, row by row) in content pixels: a custom warp. */
  warp?: { x: number; y: number }[];
  /** With a warp: where the written transform corners end up under perspective (`nonAffineTransform`). */
  nonAffine?: [[number, number], [number, number], [number, number], [number, number]];
  /** Any warp as ag-psd reads it (a split warp, a preset style); `warp` wins when both are given. */
  agWarp?: Warp;
  blendMode?: BlendMode;
  opacity?: number;
  /** A canvas box where the layer mask shows the content (hidden elsewhere). */
  maskBox?: { x: number; y: number; width: number; height: number };
  /** The layer mask as ag-psd reads it (density, feather…); `maskBox` is ignored then. */
  mask?: LayerMaskData;
  /** Colour of the placed content's current pixels. */
  color?: Rgb;
  /** Listed in the document's linked-files table (as an embedded file unless `external`). */
  linked?: boolean;
  /** The id of the file it places: smart objects with the same one are instances of one file. */
  file?: string;
  /** The file is linked from outside the document (not embedded in it). */
  external?: boolean;
  /** The file is not in the linked-files table at all (the table lists the others). */
  missing?: boolean;
  /** Layer effects on the placed layer, as ag-psd reads them. */
  effects?: LayerEffectsInfo;
}

export interface TestPsdOptions {
  width: number;
  height: number;
  /** The document's resolution (ag-psd writes none unless given; readers take 72). */
  ppi?: number;
  background?: Rgb;
  smartObjects: TestSmartObject[];
  /** Layers above the smart objects (or, with `below`, under them), as ag-psd layers. */
  above?: Layer[];
  below?: Layer[];
  /** Puts the smart objects in a group with these settings, its `inside` layers above them there. */
  group?: Omit<Layer, 'children'> & { inside?: Layer[] };
}

export function solidPixels(width: number, height: number, [r, g, b]: Rgb, alpha = 255) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([r, g, b, alpha], i * 4);
  return { width, height, data };
}

function smartObjectLayer(so: TestSmartObject): Layer {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = so.corners ?? [
    [so.x, so.y],
    [so.x + so.width, so.y],
    [so.x + so.width, so.y + so.height],
    [so.x, so.y + so.height],
  ];
  const left = Math.floor(Math.min(x0, x1, x2, x3));
  const top = Math.floor(Math.min(y0, y1, y2, y3));
  const right = Math.ceil(Math.max(x0, x1, x2, x3));
  const bottom = Math.ceil(Math.max(y0, y1, y2, y3));
  const warp = warpOf(so);
  const transform = affineCornersOf(so, warp, [
    [x0, y0],
    [x1, y1],
    [x2, y2],
    [x3, y3],
  ]);
  const maskBox = so.maskBox;
  return {
    name: so.name,
    left,
    top,
    right,
    bottom,
    blendMode: so.blendMode ?? 'normal',
    opacity: so.opacity ?? 1,
    imageData: solidPixels(right - left, bottom - top, so.color ?? [128, 128, 128]),
    ...(so.effects ? { effects: so.effects } : {}),
    placedLayer: {
      id: so.file ?? randomUUID(),
      type: 'raster',
      transform,
      ...(so.corners && !warp ? { nonAffineTransform: transform } : {}),
      ...(warp && so.nonAffine ? { nonAffineTransform: so.nonAffine.flat() } : {}),
      width: so.width,
      height: so.height,
      ...(so.resolution ? { resolution: { units: 'Density', value: so.resolution } } : {}),
      ...(warp ? { warp } : {}),
    },
    ...(so.mask ? { mask: so.mask } : {}),
    ...(maskBox && !so.mask
      ? {
          mask: {
            left: maskBox.x,
            top: maskBox.y,
            right: maskBox.x + maskBox.width,
            bottom: maskBox.y + maskBox.height,
            defaultColor: 0,
            imageData: solidPixels(maskBox.width, maskBox.height, [255, 255, 255]),
          },
        }
      : {}),
  };
}

function warpOf(so: TestSmartObject): Warp | undefined {
  if (!so.warp) return so.agWarp;
  return {
    style: 'custom',
    value: 0,
    bounds: {
      top: { value: 0, units: 'Pixels' },
      left: { value: 0, units: 'Pixels' },
      bottom: { value: so.height, units: 'Pixels' },
      right: { value: so.width, units: 'Pixels' },
    },
    uOrder: 4,
    vOrder: 4,
    customEnvelopeWarp: { meshPoints: so.warp },
  };
}

/**
 * The transform corners as Photoshop writes them for a warped layer: where the bounding box of the
 * warp's control points (or the preset's wider frame) lands under the content's transform (content rectangle → `corners`), which
 * the test documents give as an affine map (three corners decide it).
 */
function affineCornersOf(so: TestSmartObject, warp: Warp | undefined, corners: [number, number][]): number[] {
  const envelope = warp ? envelopeOf(warp, so) : undefined;
  if (!envelope || envelope.kind !== 'grid') return corners.flat();
  const xs = envelope.grid.points.map((p) => p[0]);
  const ys = envelope.grid.points.map((p) => p[1]);
  const { frame } = envelope.grid;
  const [left, right, top, bottom] = frame
    ? [frame.left, frame.left + frame.width, frame.top, frame.top + frame.height]
    : [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const toCanvas = rectToQuad(
    so.width,
    so.height,
    corners as [[number, number], [number, number], [number, number], [number, number]],
  );
  return [
    [left, top],
    [right, top],
    [right, bottom],
    [left, bottom],
  ].flatMap(([x, y]) => applyHomography(toCanvas, [x!, y!]));
}

export async function makeTestPsd(options: TestPsdOptions): Promise<Buffer> {
  const { width, height } = options;
  const placed = options.smartObjects.map(smartObjectLayer);
  const { inside = [], ...group } = options.group ?? {};
  const children: Layer[] = [
    {
      name: 'Background',
      left: 0,
      top: 0,
      right: width,
      bottom: height,
      imageData: solidPixels(width, height, options.background ?? [255, 255, 255]),
    },
    ...(options.below ?? []),
    ...(options.group ? [{ opened: true, ...group, children: [...placed, ...inside] }] : placed),
    ...(options.above ?? []),
  ];
  const listed = new Map<string, { id: string; name: string; external: boolean }>();
  options.smartObjects.forEach((so, index) => {
    const id = placed[index]!.placedLayer!.id;
    if ((so.linked || so.external) && !so.missing && !listed.has(id)) {
      listed.set(id, { id, name: `${so.name}.png`, external: so.external ?? false });
    }
  });
  const linked = [...listed.values()];
  return Promise.resolve(
    writePsdBuffer({
      width,
      height,
      children,
      ...(options.ppi
        ? {
            imageResources: {
              resolutionInfo: {
                horizontalResolution: options.ppi,
                horizontalResolutionUnit: 'PPI' as const,
                widthUnit: 'Inches' as const,
                verticalResolution: options.ppi,
                verticalResolutionUnit: 'PPI' as const,
                heightUnit: 'Inches' as const,
              },
            },
          }
        : {}),
      ...(linked.length
        ? {
            linkedFiles: linked.map(({ id, name, external }) =>
              external
                ? {
                    id,
                    name,
                    assetModTime: 0,
                    linkedFile: {
                      fileSize: 1,
                      name,
                      fullPath: `/Users/me/${name}`,
                      originalPath: '',
                      relativePath: name,
                    },
                  }
                : { id, name, data: new Uint8Array([0]) },
            ),
          }
        : {}),
    }),
  );
}
