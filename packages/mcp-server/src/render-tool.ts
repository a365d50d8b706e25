// The `render` tool: one artwork (URL or base64) into a mockup's smart objects, waited for, answered
// with the image itself (when small enough to hand a model) and its signed URL.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CreateRenderRequest, Mockup, PlatenClient, Render } from '@platen/client';
import { z } from 'zod';
import { jsonText, toolError } from './tool-result.js';

/** Images above this are answered with their URL only: a model's context is not the place for them. */
export const MAX_INLINE_IMAGE_BYTES = 4 * 1024 * 1024;
const IMAGE_FETCH_TIMEOUT_MS = 30_000;
const MIME: Record<string, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
};

export const renderInput = {
  mockup: z.string().min(1).describe('The mockup to render into: its uuid or slug (e.g. poster-on-wall)'),
  artwork_url: z.url().optional().describe('http(s) URL of the artwork image (give this or artwork_base64)'),
  artwork_base64: z
    .string()
    .min(1)
    .optional()
    .describe('The artwork image as base64 or a data: URI (give this or artwork_url)'),
  smart_object_uuids: z
    .array(z.uuid())
    .min(1)
    .max(50)
    .optional()
    .describe(
      'Smart objects to fill with the artwork (default: every required one, or all if none is required)',
    ),
  color: z
    .string()
    .regex(/^#[0-9A-Fa-f]{6}$/)
    .optional()
    .describe('Product colour #rrggbb, for smart objects that take one (e.g. the t-shirt)'),
  fit: z.enum(['cover', 'contain', 'fill', 'tile']).optional().describe('How the artwork fills its frame'),
  format: z.enum(['png', 'jpeg', 'webp', 'avif']).optional().describe('Output format (default png)'),
  size: z.number().int().min(64).max(8000).optional().describe('Longest side of the output in px'),
  wait_seconds: z
    .number()
    .int()
    .min(1)
    .max(600)
    .optional()
    .describe('How long to wait for the render (default 120)'),
};

type RenderArgs = { [K in keyof typeof renderInput]: z.infer<(typeof renderInput)[K]> };

function targetsOf(mockup: Mockup, chosen: string[] | undefined): string[] {
  if (chosen) return chosen;
  const required = mockup.smart_objects.filter((so) => so.required !== false);
  return (required.length > 0 ? required : mockup.smart_objects).map((so) => so.uuid);
}

async function imageOf(render: Render, fetchImage: typeof fetch) {
  const result = render.result;
  if (!result || result.bytes > MAX_INLINE_IMAGE_BYTES) return undefined;
  const response = await fetchImage(result.url, { signal: AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS) });
  if (!response.ok) return undefined;
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return {
    type: 'image' as const,
    data: btoa(binary),
    mimeType: MIME[result.format] ?? 'application/octet-stream',
  };
}

/** What a model needs to know of a render (and to show or fetch its image). */
export function renderSummary(render: Render) {
  return {
    uuid: render.uuid,
    status: render.status,
    mockup_uuid: render.mockup_uuid,
    url: render.result?.url ?? null,
    width: render.result?.width ?? null,
    height: render.result?.height ?? null,
    format: render.result?.format ?? null,
    warnings: render.result?.warnings ?? [],
    error: render.error,
    credits_charged: render.credits_charged,
    created_at: render.created_at,
    completed_at: render.completed_at,
  };
}

/** Answers a render: the image and its summary when it succeeded, a tool error when it failed. */
export async function renderAnswer(
  render: Render,
  fetchImage: typeof fetch,
  withImage: boolean,
): Promise<CallToolResult> {
  if (render.status === 'failed') {
    return toolError(render.error?.code ?? 'RENDER_FAILED', render.error?.message ?? 'The render failed', {
      render_uuid: render.uuid,
    });
  }
  const image = withImage && render.status === 'succeeded' ? await imageOf(render, fetchImage) : undefined;
  const note =
    render.status === 'succeeded'
      ? image
        ? undefined
        : 'The image is too large to include here: fetch it from url.'
      : 'Still rendering: call get_render with this uuid later.';
  return {
    content: [...(image ? [image] : []), jsonText({ ...renderSummary(render), ...(note ? { note } : {}) })],
  };
}

export async function runRender(
  client: PlatenClient,
  fetchImage: typeof fetch,
  args: RenderArgs,
): Promise<CallToolResult> {
  if ((args.artwork_url === undefined) === (args.artwork_base64 === undefined)) {
    return toolError('VALIDATION_ERROR', 'give exactly one of artwork_url and artwork_base64');
  }
  const mockup = await client.mockups.get(args.mockup);
  const asset = {
    ...(args.artwork_url !== undefined ? { url: args.artwork_url } : { data: args.artwork_base64 }),
    ...(args.fit ? { fit: args.fit } : {}),
  };
  const body: CreateRenderRequest = {
    mockup_uuid: mockup.uuid,
    smart_objects: targetsOf(mockup, args.smart_object_uuids).map((uuid) => {
      const takesColor = mockup.smart_objects.find((so) => so.uuid === uuid)?.color;
      return { uuid, asset, ...(args.color && takesColor ? { color: args.color } : {}) };
    }),
    ...(args.format || args.size
      ? {
          export_options: {
            ...(args.format ? { format: args.format } : {}),
            ...(args.size ? { size: args.size } : {}),
          },
        }
      : {}),
  };
  const render = await client.renders.create(body, { wait: args.wait_seconds ?? 120 });
  return renderAnswer(render, fetchImage, true);
}
