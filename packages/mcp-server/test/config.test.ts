// platen-mcp reads its environment through packages/config, like every Platen process.
import { ConfigError, mcpServerConfigSchema, parseEnv } from '@platen/config';

describe('platen-mcp configuration', () => {
  it('needs only PLATEN_API_KEY: stdio to a local Platen by default', () => {
    expect(parseEnv(mcpServerConfigSchema, { PLATEN_API_KEY: 'sm_x' })).toEqual({
      PLATEN_API_KEY: 'sm_x',
      PLATEN_BASE_URL: 'http://localhost:8080',
      PLATEN_MCP_TRANSPORT: 'stdio',
      PLATEN_MCP_HOST: '127.0.0.1',
      PLATEN_MCP_PORT: 3333,
    });
  });

  it('stops with a message naming every bad variable', () => {
    const attempt = () =>
      parseEnv(mcpServerConfigSchema, { PLATEN_BASE_URL: 'ftp://example.com', PLATEN_MCP_TRANSPORT: 'sse' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PLATEN_API_KEY[\s\S]*PLATEN_BASE_URL[\s\S]*PLATEN_MCP_TRANSPORT/);
  });
});
