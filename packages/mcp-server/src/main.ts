#!/usr/bin/env node
// platen-mcp: the MCP server as a process. Configured by PLATEN_API_KEY and PLATEN_BASE_URL; stdio by
// default (an MCP host starts it), streamable HTTP with PLATEN_MCP_TRANSPORT=http. Logs go to stderr:
// on stdio, stdout is the protocol.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createPlatenClient } from '@platen/client';
import { mcpServerConfigSchema, parseEnvOrExit } from '@platen/config';
import { startHttpMcpServer } from './http-transport.js';
import { createPlatenMcpServer } from './server.js';

async function main(): Promise<void> {
  const config = parseEnvOrExit(mcpServerConfigSchema, process.env, 'platen-mcp');
  const client = createPlatenClient({ baseUrl: config.PLATEN_BASE_URL, apiKey: config.PLATEN_API_KEY });
  const makeServer = () => createPlatenMcpServer({ client });

  if (config.PLATEN_MCP_TRANSPORT === 'http') {
    const http = await startHttpMcpServer(makeServer, {
      host: config.PLATEN_MCP_HOST,
      port: config.PLATEN_MCP_PORT,
    });
    process.stderr.write(`platen-mcp: streamable HTTP on ${http.url}\n`);
    process.once('SIGTERM', () => void http.close().then(() => process.exit(0)));
    process.once('SIGINT', () => void http.close().then(() => process.exit(0)));
    return;
  }
  const server = makeServer();
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => void server.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`platen-mcp: ${String(error)}\n`);
  process.exit(1);
});
