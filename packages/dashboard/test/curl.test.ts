import { execFileSync } from 'node:child_process';
import type { CreateRenderBody } from '../web/lib/api-types.js';
import {
  ARTWORK_URL_PLACEHOLDER,
  buildCurlCommand,
  publicRenderBody,
  shellSingleQuote,
} from '../web/lib/curl.js';

const body: CreateRenderBody = {
  mockup_uuid: '0b9a4c1e-8f43-4f59-9a6e-3a2f3b0d6a11',
  smart_objects: [
    { uuid: 'c5d1c1f0-0d7a-4f3e-8f39-2f7f0c1d2e3f', asset: { data: 'A'.repeat(50_000), fit: 'contain' } },
  ],
  export_options: { format: 'webp', size: 1200 },
};

describe('buildCurlCommand', () => {
  it('calls the public renders endpoint with ?wait and the API key header', () => {
    const command = buildCurlCommand(body, { baseUrl: 'https://platen.example.com/' });
    expect(command).toContain('curl -X POST "https://platen.example.com/api/v1/renders?wait=30"');
    expect(command).toContain('-H "X-API-KEY: $PLATEN_API_KEY"');
    expect(command).toContain('-H "Content-Type: application/json"');
  });

  it('replaces the base64 artwork by a URL to fill in, keeping fit and export options', () => {
    const command = buildCurlCommand(body, { baseUrl: 'http://localhost:8080' });
    expect(command).not.toContain('AAAA');
    expect(command.length).toBeLessThan(1000);
    expect(publicRenderBody(body)).toEqual({
      mockup_uuid: body.mockup_uuid,
      smart_objects: [
        { uuid: body.smart_objects[0]?.uuid, asset: { url: ARTWORK_URL_PLACEHOLDER, fit: 'contain' } },
      ],
      export_options: { format: 'webp', size: 1200 },
    });
  });

  it('keeps the product colour chosen for a smart object', () => {
    const coloured: CreateRenderBody = {
      ...body,
      smart_objects: [{ ...body.smart_objects[0]!, color: '#1f2a44' }],
    };
    expect(publicRenderBody(coloured)).toMatchObject({
      smart_objects: [{ uuid: body.smart_objects[0]?.uuid, color: '#1f2a44' }],
    });
  });

  it('produces a command a POSIX shell parses back into the same JSON', () => {
    const command = buildCurlCommand(body, { baseUrl: 'http://localhost:8080' });
    // Replace curl by a printer of its last argument; the shell does the unquoting.
    const printed = execFileSync(
      'sh',
      ['-c', `curl() { for a; do last=$a; done; printf '%s' "$last"; }\n${command}`],
      {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin', PLATEN_API_KEY: 'sm_x' },
      },
    );
    expect(JSON.parse(printed)).toEqual(publicRenderBody(body));
  });
});

describe('shellSingleQuote', () => {
  it('survives quotes and dollar signs', () => {
    const text = `it's $HOME and "quoted"`;
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellSingleQuote(text)}`], { encoding: 'utf8' });
    expect(echoed).toBe(text);
  });
});
