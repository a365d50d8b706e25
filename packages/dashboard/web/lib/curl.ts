// The curl command that makes the same render through the public API: what a user copies into a
// script once the "try it" form has shown them the result. Inline artwork (megabytes of base64)
// becomes an artwork URL placeholder, which is how scripts usually pass it.
import type { CreateRenderBody } from './api-types.js';

export const ARTWORK_URL_PLACEHOLDER = 'https://example.com/your-artwork.png';

/** A string inside single quotes for a POSIX shell: `it's` → `'it'\''s'`. */
export function shellSingleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A string inside double quotes, with `$`, backtick, `"` and `\` escaped so the shell keeps it as is. */
function shellDoubleQuote(text: string): string {
  return `"${text.replace(/[\\"$`]/g, (char) => `\\${char}`)}"`;
}

/** The public-API body for the command: base64 artwork replaced by a URL to fill in. */
export function publicRenderBody(body: CreateRenderBody, artworkUrl = ARTWORK_URL_PLACEHOLDER): unknown {
  return {
    mockup_uuid: body.mockup_uuid,
    smart_objects: body.smart_objects.map(({ uuid, asset, color }) => ({
      uuid,
      asset: { url: artworkUrl, ...(asset.fit ? { fit: asset.fit } : {}) },
      ...(color ? { color } : {}),
    })),
    ...(body.export_options ? { export_options: body.export_options } : {}),
  };
}

export interface CurlOptions {
  /** Where the public API is, e.g. `https://platen.example.com` (no trailing slash needed). */
  baseUrl: string;
  waitSeconds?: number;
}

export function buildCurlCommand(body: CreateRenderBody, { baseUrl, waitSeconds = 30 }: CurlOptions): string {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/renders?wait=${waitSeconds}`;
  const json = JSON.stringify(publicRenderBody(body), null, 2);
  return [
    `curl -X POST ${shellDoubleQuote(url)}`,
    `  -H "X-API-KEY: $PLATEN_API_KEY"`,
    `  -H "Content-Type: application/json"`,
    `  -d ${shellSingleQuote(json)}`,
  ].join(' \\\n');
}
