// Network rule: nothing here sends a packet outside 127.0.0.0/8. Every connector used either refuses (recording the
// attempt) or opens sockets to 127.0.0.1 only, so a broken guard fails a test instead of reaching a real network.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { OutboundError } from './outbound-error.js';
import type { ResolvedAddress, Resolver } from './host-resolver.js';
import { createSocketConnector } from './pinned-connector.js';
import type { ConnectTarget, Connector } from './pinned-connector.js';
import { createOutboundClient } from './safe-fetch.js';
import type { OutboundClientOptions } from './safe-fetch.js';

interface LocalServer {
  port: number;
  url(path?: string): string;
  /** TCP connections accepted so far. */
  connections: number;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, server: LocalServer) => void;

const servers: LocalServer[] = [];

async function startServer(handler: Handler = (_req, res) => res.end('ok')): Promise<LocalServer> {
  const http = createHttpServer((req, res) => {
    local.requests.push(req);
    handler(req, res, local);
  });
  http.on('connection', () => {
    local.connections += 1;
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const local: LocalServer = {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  servers.push(local);
  return local;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function isLoopback(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address === '::1' ||
    address.startsWith('::ffff:7f') ||
    address.startsWith('::ffff:127.')
  );
}

/** Records every attempt; opens a real socket only to loopback, refuses anything else. */
function loopbackConnector(): { connect: Connector; attempts: ConnectTarget[] } {
  const attempts: ConnectTarget[] = [];
  const real = createSocketConnector({ timeoutMs: 1000 });
  return {
    attempts,
    connect: (target) => {
      attempts.push(target);
      if (!isLoopback(target.address))
        return Promise.reject(new Error(`test connector: ${target.address} is off limits`));
      return real(target);
    },
  };
}

/** Records the pinned target, then connects to a local server instead: a stand-in for "the internet". */
function redirectingConnector(server: LocalServer): { connect: Connector; attempts: ConnectTarget[] } {
  const attempts: ConnectTarget[] = [];
  return {
    attempts,
    connect: (target) => {
      attempts.push(target);
      return new Promise<Socket>((resolve, reject) => {
        const socket = netConnect({ host: '127.0.0.1', port: server.port });
        socket.once('connect', () => resolve(socket)).once('error', reject);
      });
    },
  };
}

function refusingConnector(): { connect: Connector; attempts: ConnectTarget[] } {
  const attempts: ConnectTarget[] = [];
  return {
    attempts,
    connect: (target) => {
      attempts.push(target);
      return Promise.reject(new Error('test connector: no sockets here'));
    },
  };
}

function stubResolver(answers: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const addresses = answers[hostname];
    if (addresses === undefined)
      return Promise.reject(Object.assign(new Error(`stub: ${hostname}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

function client(options: Partial<OutboundClientOptions> & Pick<OutboundClientOptions, 'connect'>) {
  return createOutboundClient({
    allow: [],
    userAgent: 'platen-test/1',
    resolve: stubResolver({}),
    totalTimeoutMs: 2000,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

const PUBLIC_IP = '93.184.215.14';

describe('refusing loopback spellings while loopback is not allowed', () => {
  it.each([
    ['127.0.0.1'],
    ['127.0.0.2'],
    ['2130706433'],
    ['0x7f000001'],
    ['0177.0.0.1'],
    ['127.1'],
    ['[::ffff:127.0.0.1]'],
    ['[::ffff:7f00:1]'],
    ['[::1]'],
    ['localhost'],
    ['LOCALHOST'],
    ['localhost.'],
    ['assets.localhost'],
    ['0.0.0.0'],
    ['0'],
  ])('answers FORBIDDEN_ADDRESS for http://%s:<port>/ without connecting or asking DNS', async (host) => {
    const server = await startServer();
    const { connect, attempts } = loopbackConnector();
    const resolve = stubResolver({});
    const error = await failure(client({ connect, resolve }).fetch(`http://${host}:${server.port}/`));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(error.transient).toBe(false);
    expect(attempts).toEqual([]);
    expect(resolve.calls).toEqual([]);
    expect(server.connections).toBe(0);
  });
});

describe('refusing forbidden addresses a hostname resolves to', () => {
  it.each([
    ['10.0.0.5', 'private'],
    ['172.20.1.1', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.64.12.1', 'CGNAT'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['fd00::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
  ])('answers FORBIDDEN_ADDRESS when the name resolves to %s (%s) and never connects', async (address) => {
    const { connect, attempts } = refusingConnector();
    const resolve = stubResolver({ 'assets.example.test': [address] });
    const error = await failure(client({ connect, resolve }).fetch('https://assets.example.test/a.png'));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(attempts).toEqual([]);
  });

  it('names OUTBOUND_ALLOW in the refusal, so a self-hoster knows how to allow their own network', async () => {
    const { connect } = refusingConnector();
    const resolve = stubResolver({ 'assets.example.test': ['10.0.0.5'] });
    const error = await failure(client({ connect, resolve }).fetch('https://assets.example.test/a.png'));
    expect(error.message).toBe(
      'assets.example.test resolves to an address outbound requests may not reach (private, loopback, ' +
        'link-local or reserved); a self-hosted server can allow it with OUTBOUND_ALLOW',
    );
  });

  it('refuses a name when any one of its addresses is forbidden, even if a public one comes first', async () => {
    const { connect, attempts } = refusingConnector();
    const resolve = stubResolver({ 'rebind.example.test': [PUBLIC_IP, '127.0.0.1'] });
    const error = await failure(client({ connect, resolve }).fetch('http://rebind.example.test/'));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(attempts).toEqual([]);
  });

  it('connects to the address it checked, not to what a second lookup would answer (DNS rebinding)', async () => {
    const server = await startServer();
    const { connect, attempts } = redirectingConnector(server);
    let lookups = 0;
    const resolve: Resolver = () => {
      lookups += 1;
      const address = lookups === 1 ? PUBLIC_IP : '127.0.0.1';
      return Promise.resolve([{ address, family: 4 }]);
    };
    const response = await client({ connect, resolve }).fetch(`http://rebind.example.test:${server.port}/`);
    expect(response.status).toBe(200);
    expect(lookups).toBe(1);
    expect(attempts.map((attempt) => attempt.address)).toEqual([PUBLIC_IP]);
  });

  it('sends the original hostname in the Host header while connecting to the pinned address', async () => {
    const server = await startServer();
    const { connect, attempts } = redirectingConnector(server);
    const resolve = stubResolver({ 'assets.example.test': [PUBLIC_IP] });
    const response = await client({ connect, resolve }).fetch(
      `http://assets.example.test:${server.port}/a.png`,
    );
    expect(response.body.toString()).toBe('ok');
    expect(response.url).toBe(`http://assets.example.test:${server.port}/a.png`);
    expect(attempts).toEqual([
      {
        address: PUBLIC_IP,
        family: 4,
        port: server.port,
        protocol: 'http:',
        servername: 'assets.example.test',
      },
    ]);
    expect(server.requests[0]?.headers.host).toBe(`assets.example.test:${server.port}`);
  });

  it('asks for TLS with the hostname as SNI, without a trailing dot, on port 443 by default', async () => {
    const { connect, attempts } = refusingConnector();
    const resolve = stubResolver({ 'assets.example.test.': [PUBLIC_IP] });
    const error = await failure(client({ connect, resolve }).fetch('https://assets.example.test./a.png'));
    expect(error.code).toBe('FETCH_FAILED');
    expect(attempts).toEqual([
      { address: PUBLIC_IP, family: 4, port: 443, protocol: 'https:', servername: 'assets.example.test' },
    ]);
  });

  it('sends no SNI when the URL names an IP address', async () => {
    const { connect, attempts } = refusingConnector();
    await failure(client({ connect }).fetch(`https://${PUBLIC_IP}/a.png`));
    expect(attempts).toEqual([
      { address: PUBLIC_IP, family: 4, port: 443, protocol: 'https:', servername: undefined },
    ]);
  });

  it('tries the next checked address when one cannot be reached, and only checked ones', async () => {
    const { connect, attempts } = refusingConnector();
    const resolve = stubResolver({ 'dual.example.test': ['2606:4700::1', PUBLIC_IP] });
    const error = await failure(client({ connect, resolve }).fetch('http://dual.example.test/'));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: true });
    expect(attempts.map((attempt) => attempt.address)).toEqual(['2606:4700::1', PUBLIC_IP]);
  });

  it('fails permanently with FETCH_FAILED when the name does not exist', async () => {
    const { connect, attempts } = refusingConnector();
    const error = await failure(client({ connect }).fetch('http://missing.example.test/'));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: false });
    expect(attempts).toEqual([]);
  });
});

describe('operator allow list', () => {
  it('reaches an allowed host by name whatever it resolves to, pinned to that answer', async () => {
    const server = await startServer();
    const { connect, attempts } = redirectingConnector(server);
    const resolve = stubResolver({ 'n8n.internal': ['10.1.2.3'] });
    const outbound = client({ allow: ['n8n.internal'], connect, resolve });
    const response = await outbound.fetch(`http://N8N.internal:${server.port}/hook`);
    expect(response.status).toBe(200);
    expect(attempts.map((attempt) => attempt.address)).toEqual(['10.1.2.3']);
  });

  it('reaches addresses inside an allowed CIDR and refuses those outside it', async () => {
    const server = await startServer();
    const { connect, attempts } = redirectingConnector(server);
    const resolve = stubResolver({ 'inside.test': ['10.1.2.3'], 'outside.test': ['10.2.0.1'] });
    const outbound = client({ allow: ['10.1.0.0/16'], connect, resolve });
    expect((await outbound.fetch(`http://inside.test:${server.port}/`)).status).toBe(200);
    expect((await failure(outbound.fetch(`http://outside.test:${server.port}/`))).code).toBe(
      'FORBIDDEN_ADDRESS',
    );
    expect(attempts.map((attempt) => attempt.address)).toEqual(['10.1.2.3']);
  });
});

describe('bad URLs', () => {
  it.each([
    ['ftp://127.0.0.1/a.png'],
    ['file:///etc/passwd'],
    ['gopher://127.0.0.1:6379/_INFO'],
    ['not a url'],
  ])('answers BAD_URL for %s without resolving or connecting', async (url) => {
    const { connect, attempts } = loopbackConnector();
    const resolve = stubResolver({});
    const error = await failure(client({ allow: ['127.0.0.0/8'], connect, resolve }).fetch(url));
    expect(error).toMatchObject({ code: 'BAD_URL', transient: false });
    expect(attempts).toEqual([]);
    expect(resolve.calls).toEqual([]);
  });

  it('answers BAD_URL for credentials in the URL, even to an allowed address', async () => {
    const server = await startServer();
    const { connect } = loopbackConnector();
    const url = `http://user:secret@127.0.0.1:${server.port}/`;
    const error = await failure(client({ allow: ['127.0.0.0/8'], connect }).fetch(url));
    expect(error.code).toBe('BAD_URL');
    expect(server.connections).toBe(0);
  });
});

describe('transfers with loopback allowed', () => {
  const allow = ['127.0.0.0/8'];

  it('returns status, headers, body and final URL, sending the configured User-Agent', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('content-type', 'image/png');
      res.end(Buffer.from([1, 2, 3]));
    });
    const { connect } = loopbackConnector();
    const response = await client({ allow, connect }).fetch(server.url('/a.png'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect([...response.body]).toEqual([1, 2, 3]);
    expect(response.url).toBe(server.url('/a.png'));
    expect(server.requests[0]?.headers['user-agent']).toBe('platen-test/1');
  });

  it('fetches with the built-in resolver and socket connector when none are injected', async () => {
    const server = await startServer();
    const outbound = createOutboundClient({ allow, userAgent: 'platen-test/1' });
    expect((await outbound.fetch(server.url())).body.toString()).toBe('ok');
    expect(server.connections).toBe(1);
  });

  it('delivers a webhook: method, headers and body arrive as sent, a caller Host header is ignored', async () => {
    let received = '';
    const server = await startServer((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => res.writeHead(204).end());
    });
    const { connect } = loopbackConnector();
    const response = await client({ allow, connect }).fetch(server.url('/hook'), {
      method: 'post',
      headers: { 'Content-Type': 'application/json', 'webhook-id': 'msg_1', Host: 'internal.example' },
      body: '{"type":"render.completed"}',
      followRedirects: false,
    });
    expect(response.status).toBe(204);
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.headers['webhook-id']).toBe('msg_1');
    expect(request?.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(received).toBe('{"type":"render.completed"}');
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [404, false],
    [403, false],
  ])('fails with FETCH_FAILED carrying HTTP %i (transient: %s)', async (status, transient) => {
    const server = await startServer((_req, res) => res.writeHead(status).end('nope'));
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect }).fetch(server.url()));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', status, transient });
  });

  it('answers TIMEOUT (transient) when the server never answers within the total deadline', async () => {
    const server = await startServer(() => undefined);
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect, totalTimeoutMs: 200 }).fetch(server.url()));
    expect(error).toMatchObject({ code: 'TIMEOUT', transient: true });
  });

  it('answers TIMEOUT when the server stalls halfway through the body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('a'.repeat(10));
    });
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect, totalTimeoutMs: 200 }).fetch(server.url()));
    expect(error.code).toBe('TIMEOUT');
  });

  it('answers TIMEOUT when the connection cannot be opened within the connect timeout', async () => {
    const never: Connector = () => new Promise<Socket>(() => undefined);
    const outbound = client({ allow, connect: never, connectTimeoutMs: 100, totalTimeoutMs: 5000 });
    const error = await failure(outbound.fetch('http://127.0.0.1:9/'));
    expect(error).toMatchObject({ code: 'TIMEOUT', transient: true });
    expect(error.message).toMatch(/connect/);
  });

  it('stops at once when the caller aborts, before connecting', async () => {
    const server = await startServer();
    const { connect, attempts } = loopbackConnector();
    const controller = new AbortController();
    controller.abort(new Error('worker shutting down'));
    const error = await failure(
      client({ allow, connect }).fetch(server.url(), { signal: controller.signal }),
    );
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: true });
    expect(attempts).toEqual([]);
  });

  it('answers TIMEOUT when the caller’s own deadline passes first', async () => {
    const server = await startServer(() => undefined);
    const { connect } = loopbackConnector();
    const outbound = client({ allow, connect, totalTimeoutMs: 5000 });
    const error = await failure(outbound.fetch(server.url(), { signal: AbortSignal.timeout(100) }));
    expect(error.code).toBe('TIMEOUT');
  });

  it('fails with transient FETCH_FAILED when the connection is refused', async () => {
    const closed = await startServer();
    const port = closed.port;
    await closed.close();
    servers.splice(servers.indexOf(closed), 1);
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect }).fetch(`http://127.0.0.1:${port}/`));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: true });
  });

  it('fails with transient FETCH_FAILED when the server resets the connection', async () => {
    const server = await startServer((req) => req.socket.resetAndDestroy());
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect }).fetch(server.url()));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: true });
  });

  it('fails with permanent FETCH_FAILED when the TLS handshake fails', async () => {
    const server = await startServer();
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect }).fetch(`https://127.0.0.1:${server.port}/`));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: false });
  });
});

describe('size cap', () => {
  const allow = ['127.0.0.0/8'];

  it('answers TOO_LARGE for a 60 MB stream and aborts the transfer early', async () => {
    const total = 60 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = await startServer((_req, res) => {
      res.on('close', closed);
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect, maxBytes: 256 * 1024 }).fetch(server.url()));
    expect(error).toMatchObject({ code: 'TOO_LARGE', transient: false });
    await serverSawClose;
    expect(written).toBeLessThan(total);
  });

  it('answers TOO_LARGE from the Content-Length header alone, without reading the body', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = await startServer((_req, res) => {
      res.on('close', closed);
      res.writeHead(200, { 'content-length': String(60 * 1024 * 1024) });
      res.write('x');
    });
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect, maxBytes: 1024 }).fetch(server.url()));
    expect(error.code).toBe('TOO_LARGE');
    await serverSawClose;
  });

  it('lets a call lower the cap for itself', async () => {
    const server = await startServer((_req, res) => res.end('a'.repeat(2000)));
    const { connect } = loopbackConnector();
    const outbound = client({ allow, connect });
    expect((await outbound.fetch(server.url())).body.length).toBe(2000);
    expect((await failure(outbound.fetch(server.url(), { maxBytes: 1000 }))).code).toBe('TOO_LARGE');
  });

  it('never returns a body cut short of its Content-Length', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.write('a'.repeat(100), () => req.socket.destroy());
    });
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow, connect }).fetch(server.url()));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: true });
  });

  it('does not let a small Content-Length smuggle a larger chunked body past the cap', async () => {
    const raw = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        const body = 'a'.repeat(5000);
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n${(5000).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        );
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = raw.address() as AddressInfo;
      const { connect } = loopbackConnector();
      const outcome = await client({ allow, connect, maxBytes: 1000 })
        .fetch(`http://127.0.0.1:${port}/`)
        .then(
          (response) => response.body.length,
          (error: OutboundError) => error.code,
        );
      expect(['TOO_LARGE', 'FETCH_FAILED']).toContain(outcome);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});

describe('redirects', () => {
  /** /hop/N redirects to /hop/N-1; /hop/0 answers. */
  async function chain(status = 302): Promise<LocalServer> {
    return startServer((req, res) => {
      const left = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
      if (left === 0) return void res.end('arrived');
      res.writeHead(status, { location: `/hop/${left - 1}` }).end();
    });
  }

  it('follows a chain of 3 redirects and reports the final URL', async () => {
    const server = await chain();
    const { connect } = loopbackConnector();
    const response = await client({ allow: ['127.0.0.0/8'], connect }).fetch(server.url('/hop/3'));
    expect(response.body.toString()).toBe('arrived');
    expect(response.url).toBe(server.url('/hop/0'));
  });

  it('fails permanently with FETCH_FAILED on a 4th redirect, without following it', async () => {
    const server = await chain();
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow: ['127.0.0.0/8'], connect }).fetch(server.url('/hop/4')));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: false });
    expect(server.requests.map((req) => req.url)).toEqual(['/hop/4', '/hop/3', '/hop/2', '/hop/1']);
  });

  it('checks every redirect again: a hop to 127.0.0.2 is FORBIDDEN_ADDRESS when only 127.0.0.1/32 is allowed', async () => {
    const target = await startServer();
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.2:${target.port}/` }).end();
    });
    const { connect, attempts } = loopbackConnector();
    const error = await failure(client({ allow: ['127.0.0.1/32'], connect }).fetch(server.url()));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(attempts.map((attempt) => attempt.address)).toEqual(['127.0.0.1']);
    expect(target.connections).toBe(0);
  });

  it('checks a redirect to a name again, resolving it afresh', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(301, { location: 'http://metadata.example.test/latest/meta-data/' }).end();
    });
    const { connect, attempts } = loopbackConnector();
    const resolve = stubResolver({ 'metadata.example.test': ['169.254.169.254'] });
    const error = await failure(client({ allow: ['127.0.0.0/8'], connect, resolve }).fetch(server.url()));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(resolve.calls).toEqual(['metadata.example.test']);
    expect(attempts).toHaveLength(1);
  });

  it('answers BAD_URL for a redirect to a non-http scheme', async () => {
    const server = await startServer((_req, res) =>
      res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    );
    const { connect } = loopbackConnector();
    const error = await failure(client({ allow: ['127.0.0.0/8'], connect }).fetch(server.url()));
    expect(error.code).toBe('BAD_URL');
  });

  it('returns the 3xx as it is when redirects are not followed (webhooks)', async () => {
    const server = await chain(307);
    const { connect } = loopbackConnector();
    const response = await client({ allow: ['127.0.0.0/8'], connect }).fetch(server.url('/hop/1'), {
      method: 'POST',
      body: '{}',
      followRedirects: false,
    });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/hop/0');
    expect(server.requests).toHaveLength(1);
  });

  it('drops Authorization and Cookie when a redirect leaves the origin, keeps them within it', async () => {
    const other = await startServer();
    const server = await startServer((req, res) => {
      if (req.url === '/start') return void res.writeHead(302, { location: '/same' }).end();
      res.writeHead(302, { location: other.url('/elsewhere') }).end();
    });
    const { connect } = loopbackConnector();
    await client({ allow: ['127.0.0.0/8'], connect }).fetch(server.url('/start'), {
      headers: { Authorization: 'Bearer secret', Cookie: 'a=1', Accept: 'image/*' },
    });
    expect(server.requests[1]?.headers.authorization).toBe('Bearer secret');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers.cookie).toBeUndefined();
    expect(other.requests[0]?.headers.accept).toBe('image/*');
  });

  it('turns a POST into a bodiless GET on 303 and resends it unchanged on 307', async () => {
    const seen: string[] = [];
    const server = await startServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push(`${req.method ?? ''} ${req.url ?? ''} ${body}`);
        if (req.url === '/see-other') return void res.writeHead(303, { location: '/done' }).end();
        if (req.url === '/temporary') return void res.writeHead(307, { location: '/done' }).end();
        res.end();
      });
    });
    const { connect } = loopbackConnector();
    const outbound = client({ allow: ['127.0.0.0/8'], connect });
    await outbound.fetch(server.url('/see-other'), { method: 'POST', body: 'payload' });
    await outbound.fetch(server.url('/temporary'), { method: 'POST', body: 'payload' });
    expect(seen).toEqual([
      'POST /see-other payload',
      'GET /done ',
      'POST /temporary payload',
      'POST /done payload',
    ]);
  });
});
