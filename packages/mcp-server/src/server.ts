// createPlatenMcpServer: Platen's tools on an MCP server, each a thin call through @platen/client.
// Transports are attached by the caller (main.ts: stdio or streamable HTTP; tests: in memory).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { PlatenClient } from '@platen/client';
import { z } from 'zod';
import { mockupSummary } from './mockup-view.js';
import { renderAnswer, renderInput, runRender } from './render-tool.js';
import { asToolResult, jsonText } from './tool-result.js';

export interface PlatenMcpServerDeps {
  client: PlatenClient;
  /** Fetches result images by their signed URL (default: the global fetch). */
  fetchImage?: typeof fetch;
  version?: string;
}

export function createPlatenMcpServer({
  client,
  fetchImage = fetch,
  version = '0.1.0',
}: PlatenMcpServerDeps): McpServer {
  const server = new McpServer({ name: 'platen', version });

  server.registerTool(
    'list_mockups',
    {
      title: 'List mockups',
      description:
        'Lists the mockups (templates) artwork can be rendered into: the built-ins and your own uploads, each with its smart objects (the layers artwork goes into), which of them are required and which take a product colour.',
      inputSchema: {
        limit: z.number().int().min(1).max(100).optional().describe('Mockups per page (default 50)'),
        cursor: z.string().optional().describe('next_cursor of an earlier page'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ limit, cursor }) =>
      asToolResult(async () => {
        const page = await client.mockups.listPage({ limit: limit ?? 50, ...(cursor ? { cursor } : {}) });
        return {
          content: [jsonText({ mockups: page.data.map(mockupSummary), next_cursor: page.next_cursor })],
        };
      }),
  );

  server.registerTool(
    'get_mockup',
    {
      title: 'Get a mockup',
      description: 'One mockup by uuid or slug, with its smart objects, size, status and preview link.',
      inputSchema: { id: z.string().min(1).describe('The mockup uuid or slug (e.g. poster-on-wall)') },
      annotations: { readOnlyHint: true },
    },
    ({ id }) => asToolResult(async () => ({ content: [jsonText(await client.mockups.get(id))] })),
  );

  server.registerTool(
    'render',
    {
      title: 'Render artwork into a mockup',
      description:
        'Places an artwork (by URL or as base64) into a mockup’s smart objects, waits for the render and returns the image plus its signed URL (valid about 24 h). Each render costs credits (1 per started 4 output megapixels).',
      inputSchema: renderInput,
    },
    (args) => asToolResult(() => runRender(client, fetchImage, args)),
  );

  server.registerTool(
    'get_render',
    {
      title: 'Get a render',
      description:
        'A render by uuid: its status and, once it succeeded, the image’s signed URL (and the image with include_image).',
      inputSchema: {
        uuid: z.uuid().describe('The render uuid'),
        include_image: z.boolean().optional().describe('Also return the image itself (default false)'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ uuid, include_image }) =>
      asToolResult(async () =>
        renderAnswer(await client.renders.get(uuid), fetchImage, include_image ?? false),
      ),
  );

  return server;
}
