// The MCP server as an MCP host sees it, through the SDK's own Client, against a real Platen (the
// fault tests' process stack): the tool list, each tool called, Platen's errors as tool errors, and
// a key Platen refuses. Then the same server as the built `platen-mcp` process on stdio, and over
// streamable HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPlatenClient } from '@platen/client';
import { createPlatenMcpServer, startHttpMcpServer } from '@platen/mcp-server';
import { ensureWorkspaceBuilt, REPO_ROOT } from '@platen/testing';
import {
  startFaultStack,
  STACK_START_TIMEOUT_MS,
  type FaultStack,
} from '../../../test/e2e/faults/support/fault-stack.js';

const POSTER = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const POSTER_SMART_OBJECT = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';
const PNG = readFileSync(path.join(REPO_ROOT, 'packages/compositor/examples/mug.png'));
const PNG_SIGNATURE = '89504e470d0a1a0a';

// A shared, busy machine: calls through the real stack get room; none of them asserts a time.
jest.setTimeout(120_000);

let stack: FaultStack | undefined;
let artworkServer: Server | undefined;
let artworkUrl = '';
let apiKey = '';
const open: Client[] = [];

async function connect(key: string): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createPlatenMcpServer({
    client: createPlatenClient({ baseUrl: stack!.gatewayUrl, apiKey: key }),
  });
  await server.connect(serverSide);
  const client = new Client({ name: 'platen-mcp-tests', version: '1.0.0' });
  await client.connect(clientSide);
  open.push(client);
  return client;
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  const text = result.content.find((part) => part.type === 'text');
  return text?.type === 'text' ? text.text : '';
}

const jsonOf = <T>(result: CallToolResult) => JSON.parse(textOf(result)) as T;

/** The host configuration in docs/mcp.md's quick start, as a reader copies it. */
function quickStartConfig(): { command: string; args: string[]; env: Record<string, string> } {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/mcp.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Quick start'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('docs/mcp.md: no json block in the quick start');
  return (
    JSON.parse(block) as {
      mcpServers: { platen: { command: string; args: string[]; env: Record<string, string> } };
    }
  ).mcpServers.platen;
}

beforeAll(async () => {
  stack = await startFaultStack({ label: 'mcp', workers: 1, workerConcurrency: 1 });
  const account = await stack.admin.createAccount(50);
  apiKey = (await stack.admin.createKey(account)).key;
  // Artwork by URL: served on loopback, which this stack's workers are allowed to fetch from.
  artworkServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
  await new Promise<void>((resolve) => artworkServer!.listen(0, '127.0.0.1', resolve));
  artworkUrl = `http://127.0.0.1:${(artworkServer.address() as AddressInfo).port}/art.png`;
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(open.map((client) => client.close()));
  await new Promise<void>((resolve) => (artworkServer ? artworkServer.close(() => resolve()) : resolve()));
  await stack?.teardown();
}, 120_000);

describe('platen-mcp tools against a running Platen', () => {
  it('lists the four tools, render taking artwork by URL or base64', async () => {
    const { tools } = await (await connect(apiKey)).listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'get_mockup',
      'get_render',
      'list_mockups',
      'render',
    ]);
    const render = tools.find((tool) => tool.name === 'render')!;
    expect(Object.keys(render.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['mockup', 'artwork_url', 'artwork_base64']),
    );
  });

  it('list_mockups gives every mockup with its smart objects', async () => {
    const result = await call(await connect(apiKey), 'list_mockups');
    const { mockups } = jsonOf<{
      mockups: Array<{
        uuid: string;
        slug: string;
        smart_objects: Array<{ uuid: string; required: boolean; color: unknown }>;
      }>;
    }>(result);

    expect(result.isError).toBeFalsy();
    expect(mockups.map((m) => m.slug).sort()).toEqual([
      'mug',
      'poster-on-wall',
      't-shirt',
      'tablet-at-angle',
    ]);
    expect(mockups.find((m) => m.uuid === POSTER)?.smart_objects).toEqual([
      expect.objectContaining({ uuid: POSTER_SMART_OBJECT, required: true, color: null }),
    ]);
    expect(mockups.find((m) => m.slug === 't-shirt')?.smart_objects[0]?.color).not.toBeNull();
  });

  it('get_mockup finds a mockup by slug', async () => {
    const result = await call(await connect(apiKey), 'get_mockup', { id: 'poster-on-wall' });
    expect(jsonOf<{ uuid: string; name: string }>(result)).toMatchObject({
      uuid: POSTER,
      name: 'Framed poster on a wall',
    });
  });

  let renderUuid = '';
  it('render with base64 artwork waits and returns the image and its signed URL', async () => {
    const result = await call(await connect(apiKey), 'render', {
      mockup: 'poster-on-wall',
      artwork_base64: PNG.toString('base64'),
      size: 400,
    });

    expect(result.isError).toBeFalsy();
    const image = result.content.find((part) => part.type === 'image');
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(
      Buffer.from(image?.type === 'image' ? image.data : '', 'base64')
        .subarray(0, 8)
        .toString('hex'),
    ).toBe(PNG_SIGNATURE);
    const summary = jsonOf<{ uuid: string; status: string; url: string; width: number }>(result);
    expect(summary).toMatchObject({ status: 'succeeded', width: 400 });
    expect((await fetch(summary.url)).status).toBe(200);
    renderUuid = summary.uuid;
  }, 180_000);

  it('render with an artwork URL', async () => {
    const result = await call(await connect(apiKey), 'render', {
      mockup: POSTER,
      artwork_url: artworkUrl,
      size: 300,
    });
    expect(result.isError).toBeFalsy();
    expect(jsonOf<{ status: string; width: number }>(result)).toMatchObject({
      status: 'succeeded',
      width: 300,
    });
  }, 180_000);

  it('get_render reads a render back with its URL', async () => {
    const result = await call(await connect(apiKey), 'get_render', { uuid: renderUuid });
    expect(jsonOf<{ uuid: string; status: string; url: string }>(result)).toMatchObject({
      uuid: renderUuid,
      status: 'succeeded',
      url: expect.stringContaining('/files/') as string,
    });
  });

  it('answers Platen’s errors as tool errors with its code and message', async () => {
    const client = await connect(apiKey);
    const unknown = await call(client, 'get_render', { uuid: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toBe('NOT_FOUND: Not found');

    const both = await call(client, 'render', {
      mockup: POSTER,
      artwork_url: artworkUrl,
      artwork_base64: 'AAAA',
    });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toMatch(/^VALIDATION_ERROR: /);
  });

  it('answers a refused key as a tool error naming INVALID_API_KEY', async () => {
    const result = await call(await connect(`sm_${'A'.repeat(64)}`), 'list_mockups');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('INVALID_API_KEY: Invalid API key');
  });
});

describe('platen-mcp as a process and over HTTP', () => {
  it('runs the docs/mcp.md quick start as written: the host configuration starts platen-mcp on stdio', async () => {
    const config = quickStartConfig();
    await ensureWorkspaceBuilt({ workspace: 'packages/mcp-server', timeoutMs: 300_000 });
    const client = new Client({ name: 'platen-mcp-tests', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: config.command === 'node' ? process.execPath : config.command,
        args: config.args.map((arg) => arg.replace('/path/to/platen', REPO_ROOT)),
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ...config.env,
          // The placeholders a reader replaces: their key and their Platen.
          PLATEN_API_KEY: apiKey,
          PLATEN_BASE_URL: stack!.gatewayUrl,
        },
        stderr: 'pipe',
      }),
    );
    open.push(client);

    expect(Object.keys(config.env).sort()).toEqual(['PLATEN_API_KEY', 'PLATEN_BASE_URL']);
    const result = await call(client, 'get_mockup', { id: 'mug' });
    expect(jsonOf<{ slug: string }>(result).slug).toBe('mug');
  }, 320_000);

  it('serves the tools over streamable HTTP', async () => {
    const http = await startHttpMcpServer(
      () => createPlatenMcpServer({ client: createPlatenClient({ baseUrl: stack!.gatewayUrl, apiKey }) }),
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const client = new Client({ name: 'platen-mcp-tests', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      const result = await call(client, 'list_mockups', { limit: 1 });
      expect(jsonOf<{ mockups: unknown[]; next_cursor: string | null }>(result)).toMatchObject({
        mockups: [expect.anything()],
        next_cursor: expect.any(String) as string,
      });
      await client.close();
    } finally {
      await http.close();
    }
  });
});
