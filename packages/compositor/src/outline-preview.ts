// The smart-object outline preview made on import: the template's thumbnail with each smart object's
// quad (or mesh border) drawn over it and numbered, so a user sees where their artwork will land.
import sharp from 'sharp';
import {
  smartObjectPlacementsOf,
  smartObjectsOf,
  type Point,
  type SmartObjectLayer,
  type TemplateManifest,
} from './template-model.js';

const COLOURS = ['#ff2d55', '#0a84ff', '#30d158', '#ff9f0a', '#bf5af2', '#64d2ff'];

/** The outline of a smart object on the canvas: its quad, its mesh's border, or its position box. */
export function outlineOf(layer: SmartObjectLayer): Point[] {
  if (layer.mesh) {
    const { cols, rows, points } = layer.mesh;
    const at = (col: number, row: number) => points[row * (cols + 1) + col]!;
    const border: Point[] = [];
    for (let col = 0; col <= cols; col++) border.push(at(col, 0));
    for (let row = 1; row <= rows; row++) border.push(at(cols, row));
    for (let col = cols - 1; col >= 0; col--) border.push(at(col, rows));
    for (let row = rows - 1; row >= 1; row--) border.push(at(0, row));
    return border;
  }
  if (layer.quad) return [...layer.quad];
  const { x, y, width, height } = layer.position;
  return [
    [x, y],
    [x + width, y],
    [x + width, y + height],
    [x, y + height],
  ];
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** PNG: `thumbnail` (any size, same aspect as the canvas) with every smart object outlined and labelled. */
export async function renderOutlinePreview(thumbnail: Buffer, manifest: TemplateManifest): Promise<Buffer> {
  const { width = 1, height = 1 } = await sharp(thumbnail).metadata();
  const scale = width / manifest.width;
  const stroke = Math.max(2, Math.round(width / 240));
  // Placements of one smart object share its number and colour.
  const numbers = new Map(smartObjectsOf(manifest).map((layer, index) => [layer.uuid, index] as const));
  const shapes = smartObjectPlacementsOf(manifest).map((layer) => {
    const index = numbers.get(layer.uuid)!;
    const colour = COLOURS[index % COLOURS.length]!;
    const points = outlineOf(layer).map(([x, y]) => [x * scale, y * scale] as const);
    const path = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    const [labelX, labelY] = points[0]!;
    const size = Math.max(10, Math.round(width / 40));
    return `<polygon points="${path}" fill="${colour}" fill-opacity="0.18" stroke="${colour}" stroke-width="${stroke}"/>
<text x="${(labelX + stroke * 2).toFixed(1)}" y="${(labelY + size + stroke).toFixed(1)}" font-family="sans-serif" font-size="${size}" font-weight="bold" fill="${colour}" stroke="#fff" stroke-width="${Math.max(1, stroke / 2)}" paint-order="stroke">${index + 1}. ${escapeXml(layer.name)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
  return sharp(thumbnail)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
