// The streamable HTTP option: POST /mcp on a loopback port by default, stateless (a server and a
// transport per request, as the SDK recommends when no session is kept).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface HttpMcpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpMcpServer(
  makeServer: () => McpServer,
  { host, port }: { host: string; port: number },
): Promise<HttpMcpServer> {
  const http: Server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://mcp').pathname !== '/mcp') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: use /mcp"}');
      return;
    }
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  const address = http.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
