// The body of POST /api/v1/renders/batch from the Batch → Create fields: named artworks plus either a
// cross product (mockups × colours × artworks) or explicit items as JSON. Pure, so unit-tested as is;
// what only Platen can know (a mockup's smart objects, allowed colours) is left to its 400.
import { InvalidInputError, requireUrl, type ArtworkSource } from './platen-request';

export interface BatchArtworkInput {
  /** Empty: `artwork-<n>`, n counting from 1. */
  id: string;
  artwork: ArtworkSource;
  fit?: string;
}

export type BatchRenders =
  { mode: 'crossProduct'; mockups: string[]; colors?: string } | { mode: 'items'; items: unknown };

export type BatchInput = BatchRenders & {
  artworks: BatchArtworkInput[];
  format?: string;
  size?: number;
  quality?: number;
  webhookUrl?: string;
  renderWebhooks?: boolean;
  metadata?: Record<string, unknown>;
};

const ARTWORK_ID = /^[A-Za-z0-9_-]{1,64}$/;
const COLOR = /^#[0-9A-Fa-f]{6}$/;

/** "#1B2A4A, #FFFFFF" (commas, spaces or new lines between) as a list; empty: none. */
export function colorList(value: string | undefined): string[] {
  const colors = (value ?? '').split(/[\s,;]+/).filter((color) => color !== '');
  for (const color of colors) {
    if (!COLOR.test(color)) throw new InvalidInputError(`Colour "${color}" is not #RRGGBB`);
  }
  return colors;
}

function itemsOf(value: unknown): unknown[] {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw new InvalidInputError('Items must be a JSON array');
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new InvalidInputError('Items must be a JSON array with at least one item');
  }
  parsed.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new InvalidInputError(`Item ${index + 1} must be a JSON object`);
    }
  });
  return parsed;
}

export function batchBody(input: BatchInput): Record<string, unknown> {
  if (input.artworks.length === 0) throw new InvalidInputError('Add at least one artwork');
  const seen = new Set<string>();
  const artworks = input.artworks.map((artwork, index) => {
    const id = artwork.id.trim() || `artwork-${index + 1}`;
    if (!ARTWORK_ID.test(id)) {
      throw new InvalidInputError(`Artwork ${index + 1}: the ID may have only A–Z, a–z, 0–9, _ and - (1–64)`);
    }
    if (seen.has(id)) throw new InvalidInputError(`Artwork ${index + 1}: the ID "${id}" is used twice`);
    seen.add(id);
    return {
      id,
      ...('url' in artwork.artwork
        ? { url: requireUrl(artwork.artwork.url, `Artwork ${index + 1}: URL`) }
        : { data: artwork.artwork.data.toString('base64') }),
      ...(artwork.fit ? { fit: artwork.fit } : {}),
    };
  });

  let renders: Record<string, unknown>;
  if (input.mode === 'crossProduct') {
    const mockups = input.mockups.filter((uuid) => uuid !== '');
    if (mockups.length === 0) throw new InvalidInputError('Choose at least one mockup');
    const colors = colorList(input.colors);
    renders = { mockups, ...(colors.length > 0 ? { colors } : {}) };
  } else {
    renders = { items: itemsOf(input.items) };
  }

  const exportOptions = Object.fromEntries(
    Object.entries({ format: input.format, size: input.size, quality: input.quality }).filter(
      ([, value]) => value !== undefined && value !== '' && value !== 0,
    ),
  );
  return {
    artworks,
    ...renders,
    ...(Object.keys(exportOptions).length > 0 ? { export_options: exportOptions } : {}),
    ...(input.webhookUrl ? { webhook_url: input.webhookUrl } : {}),
    ...(input.webhookUrl && input.renderWebhooks === false ? { render_webhooks: false } : {}),
    ...(input.metadata && Object.keys(input.metadata).length > 0 ? { metadata: input.metadata } : {}),
  };
}
