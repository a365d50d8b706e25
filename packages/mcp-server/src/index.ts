// @platen/mcp-server: Platen's tools for AI agents over MCP (see docs/mcp.md).
export { createPlatenMcpServer, type PlatenMcpServerDeps } from './server.js';
export { startHttpMcpServer, type HttpMcpServer } from './http-transport.js';
