// Issue #9: every forbidden address form, table by table, is refused with the non-transient
// OutboundError FORBIDDEN_ADDRESS, which the render worker maps to ASSET_FORBIDDEN_ADDRESS
// (services/render-worker/src/failure-codes.ts).
// Network rule: nothing here sends a packet outside 127.0.0.0/8. The trap connector records where a request
// was pinned, then opens its socket to the trap server on 127.0.0.1 whatever the target; the real socket
// connector is only handed IPv4 loopback targets. Every refusal table has a control: the same stubs with the
// address allowed do reach the trap, so a refusal can only come from the guard, never from a broken stub.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { ResolvedAddress, Resolver } from './host-resolver.js';
import { OutboundError } from './outbound-error.js';
import { createSocketConnector } from './pinned-connector.js';
import type { ConnectTarget, Connector } from './pinned-connector.js';
import { createOutboundClient } from './safe-fetch.js';
import type { OutboundClientOptions } from './safe-fetch.js';

const PUBLIC = '93.184.215.14';
const PUBLIC_B = '151.101.65.140';
const PUBLIC_C = '185.199.108.153';
const PUBLIC_D = '104.16.132.229';
const PUBLIC_V6 = '2606:4700::6810:84e5';

interface Trap {
  port: number;
  /** TCP connections accepted, on every address the trap listens on. */
  connections: number;
  /** `<Host header> <path>` of every request received. */
  requests: string[];
}

/** Answers a request to the trap; the default answers 200 "reached". */
type Route = (host: string, path: string, res: ServerResponse) => void;

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const reached: Route = (_host, _path, res) => void res.end('reached');

/** An HTTP server on 127.0.0.1 (and the same port on each of `alsoOn`) that counts what reaches it. */
async function startTrap(route: Route = reached, alsoOn: readonly string[] = []): Promise<Trap> {
  const trap: Trap = { port: 0, connections: 0, requests: [] };
  const server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    const path = req.url ?? '';
    trap.requests.push(`${host} ${path}`);
    route(host, path, res);
  });
  server.on('connection', () => {
    trap.connections += 1;
  });
  // Another engineer's test may hold the port on a second address: try a few free ports, bounded.
  for (let attempt = 0; attempt < 5; attempt++) {
    const listening: ReturnType<typeof createServer>[] = [];
    const close = () =>
      Promise.all(
        listening.map(
          (http) =>
            new Promise<void>((resolve) => {
              http.closeAllConnections();
              http.close(() => resolve());
            }),
        ),
      ).then(() => undefined);
    try {
      await listenOn(server, 0, '127.0.0.1');
      listening.push(server);
      trap.port = (server.address() as AddressInfo).port;
      for (const address of alsoOn) {
        const extra = createServer((req, res) => server.emit('request', req, res));
        extra.on('connection', () => {
          trap.connections += 1;
        });
        await listenOn(extra, trap.port, address);
        listening.push(extra);
      }
      closers.push(close);
      return trap;
    } catch (error) {
      await close();
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('no port free on every trap address');
}

function listenOn(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

interface Recorded {
  connect: Connector;
  attempts: ConnectTarget[];
  addresses(): string[];
}

/** Records each pinned target, then connects to the trap on 127.0.0.1 instead; `unreachable` targets fail. */
function trapConnector(trap: Trap, unreachable: readonly string[] = []): Recorded {
  const attempts: ConnectTarget[] = [];
  return {
    attempts,
    addresses: () => attempts.map((attempt) => attempt.address),
    connect: (target) => {
      attempts.push(target);
      if (unreachable.includes(target.address)) {
        return Promise.reject(Object.assign(new Error('test: unreachable'), { code: 'ECONNREFUSED' }));
      }
      return new Promise<Socket>((resolve, reject) => {
        const socket = netConnect({ host: '127.0.0.1', port: trap.port });
        socket.once('connect', () => resolve(socket)).once('error', reject);
      });
    },
  };
}

/** The package's real socket connector, handed IPv4 loopback targets only (anything else fails, recorded). */
function loopbackSocketConnector(): Recorded {
  const attempts: ConnectTarget[] = [];
  const real = createSocketConnector({ timeoutMs: 1000 });
  return {
    attempts,
    addresses: () => attempts.map((attempt) => attempt.address),
    connect: (target) => {
      attempts.push(target);
      if (!/^127\.\d+\.\d+\.\d+$/.test(target.address)) {
        return Promise.reject(new Error(`test: ${target.address} is off limits`));
      }
      return real(target);
    },
  };
}

type Answer = (hostname: string, call: number) => string[] | undefined;

/** Answers from `answer` (hostname, how many times it was asked before); records every lookup. */
function stubResolver(answer: Answer | Record<string, string[]> = {}): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const answerFor: Answer = typeof answer === 'function' ? answer : (hostname) => answer[hostname];
  const resolve = (hostname: string): Promise<ResolvedAddress[]> => {
    const addresses = answerFor(hostname, calls.filter((name) => name === hostname).length);
    calls.push(hostname);
    if (addresses === undefined) {
      return Promise.reject(
        Object.assign(new Error(`stub: no such name ${hostname}`), { code: 'ENOTFOUND' }),
      );
    }
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

function outbound(options: Partial<OutboundClientOptions> & Pick<OutboundClientOptions, 'connect'>) {
  return createOutboundClient({
    allow: [],
    userAgent: 'platen-test/1',
    resolve: stubResolver(),
    connectTimeoutMs: 1000,
    totalTimeoutMs: 3000,
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
  throw new Error('expected the fetch to be refused');
}

function expectForbidden(error: OutboundError): void {
  expect(error).toBeInstanceOf(OutboundError);
  expect({ code: error.code, transient: error.transient }).toEqual({
    code: 'FORBIDDEN_ADDRESS',
    transient: false,
  });
}

/** [how the URL writes the host, the address the guard pins it to, an OUTBOUND_ALLOW entry that admits it] */
type LiteralForm = [host: string, pinned: string, allow: string];

// IPv4 loopback spellings: the real socket connector would reach the trap on 127.0.0.1 / 127.0.0.2.
const LOOPBACK_V4_FORMS: LiteralForm[] = [
  ['127.0.0.1', '127.0.0.1', '127.0.0.0/8'],
  ['127.0.0.2', '127.0.0.2', '127.0.0.0/8'],
  ['2130706433', '127.0.0.1', '127.0.0.0/8'],
  ['2130706434', '127.0.0.2', '127.0.0.0/8'],
  ['0x7f000001', '127.0.0.1', '127.0.0.0/8'],
  ['0x7F000002', '127.0.0.2', '127.0.0.0/8'],
  ['0177.0.0.1', '127.0.0.1', '127.0.0.0/8'],
  ['0177.0.0.02', '127.0.0.2', '127.0.0.0/8'],
  ['127.1', '127.0.0.1', '127.0.0.0/8'],
  ['127.0.2', '127.0.0.2', '127.0.0.0/8'],
  ['0x7f.1', '127.0.0.1', '127.0.0.0/8'],
  ['0x7f.0x0.0x0.0x2', '127.0.0.2', '127.0.0.0/8'],
  ['127.0.0.1.', '127.0.0.1', '127.0.0.0/8'],
];

// RFC 6761 names: loopback by definition, never looked up.
const LOCALHOST_FORMS: LiteralForm[] = [
  ['localhost', '127.0.0.1', '127.0.0.0/8'],
  ['localhost.', '127.0.0.1', '127.0.0.0/8'],
  ['LOCALHOST', '127.0.0.1', '127.0.0.0/8'],
  ['LocalHost.', '127.0.0.1', '127.0.0.0/8'],
  ['sub.localhost', '127.0.0.1', '127.0.0.0/8'],
  ['a.b.localhost.', '127.0.0.1', '127.0.0.0/8'],
];

// Every other forbidden literal: pinned targets the trap connector stands in for.
const OTHER_FORMS: LiteralForm[] = [
  ['[::ffff:127.0.0.1]', '::ffff:7f00:1', '127.0.0.0/8'],
  ['[::ffff:7f00:1]', '::ffff:7f00:1', '127.0.0.0/8'],
  ['[0:0:0:0:0:ffff:7f00:2]', '::ffff:7f00:2', '127.0.0.0/8'],
  ['[::ffff:0:127.0.0.1]', '::ffff:0:7f00:1', '127.0.0.0/8'], // SIIT
  ['[::127.0.0.1]', '::7f00:1', '::7f00:1'], // IPv4-compatible (deprecated)
  ['[::1]', '::1', '::1'],
  ['[::]', '::', '::'],
  ['0.0.0.0', '0.0.0.0', '0.0.0.0/8'],
  ['0', '0.0.0.0', '0.0.0.0/8'],
  ['169.254.169.254', '169.254.169.254', '169.254.0.0/16'],
  ['2852039166', '169.254.169.254', '169.254.0.0/16'],
  ['0xa9fea9fe', '169.254.169.254', '169.254.0.0/16'],
  ['0251.0376.0251.0376', '169.254.169.254', '169.254.0.0/16'],
  ['169.254.43518', '169.254.169.254', '169.254.0.0/16'],
  ['[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe', '169.254.0.0/16'],
  ['10.0.0.1', '10.0.0.1', '10.0.0.0/8'],
  ['10.255.255.254', '10.255.255.254', '10.0.0.0/8'],
  ['012.1', '10.0.0.1', '10.0.0.0/8'],
  ['167772161', '10.0.0.1', '10.0.0.0/8'],
  ['172.16.0.1', '172.16.0.1', '172.16.0.0/12'],
  ['172.31.255.254', '172.31.255.254', '172.16.0.0/12'],
  ['0xac100001', '172.16.0.1', '172.16.0.0/12'],
  ['192.168.0.1', '192.168.0.1', '192.168.0.0/16'],
  ['3232235777', '192.168.1.1', '192.168.0.0/16'],
  ['100.64.0.1', '100.64.0.1', '100.64.0.0/10'],
  ['100.127.255.254', '100.127.255.254', '100.64.0.0/10'],
  ['224.0.0.1', '224.0.0.1', '224.0.0.0/4'],
  ['239.255.255.250', '239.255.255.250', '224.0.0.0/4'],
  ['240.0.0.1', '240.0.0.1', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255', '240.0.0.0/4'],
  ['[fc00::1]', 'fc00::1', 'fc00::/7'],
  ['[fdff:ffff::1]', 'fdff:ffff::1', 'fc00::/7'],
  ['[fe80::1]', 'fe80::1', 'fe80::/10'],
  ['[febf::1]', 'febf::1', 'fe80::/10'],
  ['[64:ff9b::10.0.0.1]', '64:ff9b::a00:1', '10.0.0.0/8'], // NAT64 of a private v4
  ['[64:ff9b::7f00:1]', '64:ff9b::7f00:1', '127.0.0.0/8'],
  ['[64:ff9b::a9fe:a9fe]', '64:ff9b::a9fe:a9fe', '169.254.0.0/16'],
  ['[64:ff9b::c0a8:101]', '64:ff9b::c0a8:101', '192.168.0.0/16'],
  ['[2002:a00:1::1]', '2002:a00:1::1', '10.0.0.0/8'], // 6to4 of a private v4
  ['[2002:7f00:1::]', '2002:7f00:1::', '127.0.0.0/8'],
  ['[2002:a9fe:a9fe::1]', '2002:a9fe:a9fe::1', '169.254.0.0/16'],
  ['[2002:c0a8:101::1]', '2002:c0a8:101::1', '192.168.0.0/16'],
];

// Just outside the forbidden ranges: the strict policy lets them through (to the trap, never the internet).
const PUBLIC_NEIGHBOURS: [host: string, pinned: string][] = [
  ['100.63.255.255', '100.63.255.255'],
  ['100.128.0.1', '100.128.0.1'],
  ['172.15.255.254', '172.15.255.254'],
  ['172.32.0.1', '172.32.0.1'],
  ['223.255.255.254', '223.255.255.254'],
  ['[::ffff:8.8.8.8]', '::ffff:808:808'],
  ['[64:ff9b::8.8.8.8]', '64:ff9b::808:808'],
  ['[2002:808:808::1]', '2002:808:808::1'],
  [`[${PUBLIC_V6}]`, PUBLIC_V6],
];

describe('IPv4 loopback spellings and localhost names, with the real socket connector', () => {
  const forms = [...LOOPBACK_V4_FORMS, ...LOCALHOST_FORMS];

  it.each(forms)(
    'refuses http://%s:<port>/ with FORBIDDEN_ADDRESS while loopback is not allowed, before DNS or a socket',
    async (host) => {
      const trap = await startTrap(reached, ['127.0.0.2']);
      const sockets = loopbackSocketConnector();
      const resolve = stubResolver(() => ['127.0.0.1']);
      const error = await failure(
        outbound({ connect: sockets.connect, resolve }).fetch(`http://${host}:${trap.port}/a.png`),
      );
      expectForbidden(error);
      expect(resolve.calls).toEqual([]);
      expect(sockets.attempts).toEqual([]);
      expect(trap.connections).toBe(0);
    },
  );

  it.each(forms)(
    'control: reaches the real server behind http://%s:<port>/ on %s once %s is allowed',
    async (host, pinned, allow) => {
      const trap = await startTrap(reached, ['127.0.0.2']);
      const sockets = loopbackSocketConnector();
      const resolve = stubResolver(() => ['127.0.0.1']);
      const response = await outbound({ allow: [allow], connect: sockets.connect, resolve }).fetch(
        `http://${host}:${trap.port}/a.png`,
      );
      expect(response.body.toString()).toBe('reached');
      expect(sockets.addresses()).toEqual([pinned]);
      expect(resolve.calls).toEqual([]);
      expect(trap.connections).toBe(1);
    },
  );
});

describe('forbidden IP literals in the URL', () => {
  const forms = [...LOOPBACK_V4_FORMS, ...LOCALHOST_FORMS, ...OTHER_FORMS];

  it.each(forms)('refuses http://%s/ with FORBIDDEN_ADDRESS and never asks DNS or connects', async (host) => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = stubResolver(() => [PUBLIC]);
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(`http://${host}:${trap.port}/a.png`),
    );
    expectForbidden(error);
    expect(resolve.calls).toEqual([]);
    expect(connector.attempts).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it.each(forms)(
    'control: http://%s/ is pinned to %s and reached once %s is allowed',
    async (host, pinned, allow) => {
      const trap = await startTrap();
      const connector = trapConnector(trap);
      const response = await outbound({ allow: [allow], connect: connector.connect }).fetch(
        `http://${host}:${trap.port}/a.png`,
      );
      expect(response.body.toString()).toBe('reached');
      expect(connector.addresses()).toEqual([pinned]);
    },
  );

  it.each(PUBLIC_NEIGHBOURS)(
    'control: lets the public neighbour http://%s/ through the strict policy, pinned to %s',
    async (host, pinned) => {
      const trap = await startTrap();
      const connector = trapConnector(trap);
      const response = await outbound({ connect: connector.connect }).fetch(`http://${host}:${trap.port}/`);
      expect(response.status).toBe(200);
      expect(connector.addresses()).toEqual([pinned]);
    },
  );

  it('refuses a forbidden literal for a webhook POST too, without sending the body anywhere', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const error = await failure(
      outbound({ connect: connector.connect }).fetch(`http://[::ffff:10.0.0.1]:${trap.port}/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"render.completed"}',
        followRedirects: false,
      }),
    );
    expectForbidden(error);
    expect(connector.attempts).toEqual([]);
  });
});

// A resolver answers in canonical form; these are the pinned addresses above plus forms only DNS produces.
const RESOLVED_FORBIDDEN: [address: string, allow: string][] = [
  ...new Map(
    [...LOOPBACK_V4_FORMS, ...OTHER_FORMS].map(([, pinned, allow]) => [pinned, allow] as const),
  ).entries(),
  ['127.255.255.254', '127.0.0.0/8'],
  ['::ffff:127.0.0.1', '127.0.0.0/8'],
  ['::ffff:10.0.0.1', '10.0.0.0/8'],
  ['0:0:0:0:0:ffff:c0a8:0101', '192.168.0.0/16'],
  ['::ffff:0:a00:1', '10.0.0.0/8'],
  ['0.1.2.3', '0.0.0.0/8'],
  ['198.18.0.1', '198.18.0.0/15'],
  ['192.0.0.8', '192.0.0.0/24'],
  ['FE80::1', 'fe80::/10'],
  ['64:ff9b:1::a00:1', '64:ff9b:1::/48'],
  ['ff02::1', 'ff00::/8'],
];

describe('names that resolve to forbidden addresses (stub resolver)', () => {
  it.each(RESOLVED_FORBIDDEN)(
    'refuses a name resolving to %s with FORBIDDEN_ADDRESS, after one lookup and without connecting',
    async (address) => {
      const trap = await startTrap();
      const connector = trapConnector(trap);
      const resolve = stubResolver({ 'assets.example.test': [address] });
      const error = await failure(
        outbound({ connect: connector.connect, resolve }).fetch(
          `http://assets.example.test:${trap.port}/a.png`,
        ),
      );
      expectForbidden(error);
      expect(resolve.calls).toEqual(['assets.example.test']);
      expect(connector.attempts).toEqual([]);
      expect(trap.connections).toBe(0);
    },
  );

  it.each(RESOLVED_FORBIDDEN)(
    'control: a name resolving to %s is reached, pinned to that answer, once %s is allowed',
    async (address, allow) => {
      const trap = await startTrap();
      const connector = trapConnector(trap);
      const resolve = stubResolver({ 'assets.example.test': [address] });
      const response = await outbound({ allow: [allow], connect: connector.connect, resolve }).fetch(
        `http://assets.example.test:${trap.port}/a.png`,
      );
      expect(response.body.toString()).toBe('reached');
      expect(connector.addresses()).toEqual([address]);
      expect(trap.requests).toEqual([`assets.example.test:${trap.port} /a.png`]);
    },
  );

  it.each([
    ['127.0.0.1.nip.io', '127.0.0.1'],
    ['localtest.me', '127.0.0.1'],
    ['localhost.example.test', '127.0.0.1'],
    ['metadata.google.internal', '169.254.169.254'],
    ['fd00-ec2.example.test', 'fd00:ec2::254'],
    ['ip6-localhost', '::1'],
  ])('refuses %s (resolving to %s), names that only look harmless', async (name, address) => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = stubResolver({ [name]: [address] });
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(`https://${name}/latest/meta-data/`),
    );
    expectForbidden(error);
    expect(resolve.calls).toEqual([name]);
    expect(connector.attempts).toEqual([]);
  });

  it('refuses an answer carrying an IPv6 zone id even when its range is allowed', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = stubResolver({ 'zoned.example.test': ['fe80::1%eth0'] });
    const error = await failure(
      outbound({ allow: ['fe80::/10'], connect: connector.connect, resolve }).fetch(
        `http://zoned.example.test:${trap.port}/`,
      ),
    );
    expectForbidden(error);
    expect(connector.attempts).toEqual([]);
  });

  it('control: an operator-allowed hostname is reached whatever it resolves to', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = stubResolver({ 'minio.internal': ['10.0.0.7'] });
    const response = await outbound({ allow: ['minio.internal'], connect: connector.connect, resolve }).fetch(
      `http://minio.internal:${trap.port}/bucket/a.png`,
    );
    expect(response.status).toBe(200);
    expect(connector.addresses()).toEqual(['10.0.0.7']);
  });
});

describe('a name with public and private answers', () => {
  it.each([
    [[PUBLIC, '10.0.0.1']],
    [['10.0.0.1', PUBLIC]],
    [[PUBLIC, '127.0.0.1']],
    [[PUBLIC, PUBLIC_B, PUBLIC_C, '192.168.0.10']], // beyond the 3 addresses a connect would try
    [[PUBLIC_V6, 'fd00::1']],
    [[PUBLIC_V6, '169.254.169.254']],
    [[PUBLIC, '::ffff:169.254.169.254']],
    [[PUBLIC, '64:ff9b::a00:1']],
    [[PUBLIC, '2002:c0a8:101::1']],
  ])('refuses the name answering %j, without connecting to the public one', async (answers) => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = stubResolver({ 'mixed.example.test': answers });
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(`http://mixed.example.test:${trap.port}/a.png`),
    );
    expectForbidden(error);
    expect(connector.attempts).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it('control: a name answering only public addresses is reached on the first one', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = stubResolver({ 'cdn.example.test': [PUBLIC, PUBLIC_V6] });
    const response = await outbound({ connect: connector.connect, resolve }).fetch(
      `http://cdn.example.test:${trap.port}/a.png`,
    );
    expect(response.status).toBe(200);
    expect(connector.addresses()).toEqual([PUBLIC]);
  });
});

describe('redirect chains', () => {
  const NAMES: Record<string, string[]> = {
    'cdn.example.test': [PUBLIC],
    'b.example.test': [PUBLIC_B],
    'c.example.test': [PUBLIC_C],
    'd.example.test': [PUBLIC_D],
    'e.example.test': [PUBLIC_V6],
    'internal.example.test': ['10.0.0.5'],
    'metadata.example.test': ['169.254.169.254'],
  };

  /** The trap answers `/start` with `status` and `location` ({port}: the trap's); anything else with 200. */
  function redirectOnce(location: string, status = 302): Route {
    return (host, path, res) => {
      const port = host.split(':').pop() ?? '';
      if (path !== '/start') return void res.end('reached');
      res.writeHead(status, { location: location.replace('{port}', port) }).end();
    };
  }

  it.each([
    ['http://127.0.0.2:{port}/next'],
    ['http://2130706433:{port}/next'],
    ['http://0x7f000001:{port}/next'],
    ['http://[::ffff:127.0.0.1]:{port}/next'],
    ['http://[::1]:{port}/next'],
    ['http://localhost.:{port}/next'],
    ['http://sub.localhost:{port}/next'],
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://2852039166/latest/meta-data/'],
    ['http://[64:ff9b::a9fe:a9fe]/latest/meta-data/'],
    ['http://internal.example.test:{port}/next'],
    ['//metadata.example.test/latest/meta-data/'],
    ['https://[fd00::1]/'],
    ['http://[2002:a00:1::1]/'],
  ])(
    'refuses a public → private redirect to %s, checking the new hop before connecting',
    async (location) => {
      const trap = await startTrap(redirectOnce(location));
      const connector = trapConnector(trap);
      const resolve = stubResolver(NAMES);
      const error = await failure(
        outbound({ connect: connector.connect, resolve }).fetch(`http://cdn.example.test:${trap.port}/start`),
      );
      expectForbidden(error);
      expect(connector.addresses()).toEqual([PUBLIC]);
      expect(trap.requests).toEqual([`cdn.example.test:${trap.port} /start`]);
    },
  );

  it.each([[301], [302], [303], [307], [308]])(
    'refuses the private hop of an HTTP %i redirect, for a POST as for a GET',
    async (status) => {
      const trap = await startTrap(redirectOnce('http://metadata.example.test/', status));
      const connector = trapConnector(trap);
      const client = outbound({ connect: connector.connect, resolve: stubResolver(NAMES) });
      for (const method of ['GET', 'POST']) {
        const error = await failure(
          client.fetch(`http://cdn.example.test:${trap.port}/start`, {
            method,
            ...(method === 'POST' ? { body: '{}' } : {}),
          }),
        );
        expectForbidden(error);
      }
      expect(connector.addresses()).toEqual([PUBLIC, PUBLIC]);
    },
  );

  it('control: a public → public redirect is followed, each hop pinned to its own checked address', async () => {
    const trap = await startTrap(redirectOnce('http://b.example.test:{port}/next'));
    const connector = trapConnector(trap);
    const resolve = stubResolver(NAMES);
    const response = await outbound({ connect: connector.connect, resolve }).fetch(
      `http://cdn.example.test:${trap.port}/start`,
    );
    expect(response.body.toString()).toBe('reached');
    expect(connector.addresses()).toEqual([PUBLIC, PUBLIC_B]);
    expect(resolve.calls).toEqual(['cdn.example.test', 'b.example.test']);
  });

  /** cdn → b → c → d → e, one redirect per host; `last` is where d.example.test points. */
  function chainRoute(last: (port: number) => string): Route {
    const next: Record<string, (port: number) => string> = {
      cdn: (p) => `http://b.example.test:${p}/hop`,
      b: (p) => `http://c.example.test:${p}/hop`,
      c: (p) => `http://d.example.test:${p}/hop`,
      d: last,
    };
    return (host, _path, res) => {
      const [name = '', port = ''] = host.split(':');
      const target = next[name.replace('.example.test', '')];
      if (target === undefined) return void res.end('reached');
      res.writeHead(302, { location: target(Number(port)) }).end();
    };
  }

  it('re-checks every hop: public → public → public → private is refused at the 3rd redirect', async () => {
    const trap = await startTrap(chainRoute((p) => `http://internal.example.test:${p}/hop`));
    const connector = trapConnector(trap);
    const resolve = stubResolver(NAMES);
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(`http://b.example.test:${trap.port}/hop`),
    );
    expectForbidden(error);
    expect(resolve.calls).toEqual([
      'b.example.test',
      'c.example.test',
      'd.example.test',
      'internal.example.test',
    ]);
    expect(connector.addresses()).toEqual([PUBLIC_B, PUBLIC_C, PUBLIC_D]);
  });

  it('refuses a 4th redirect with permanent FETCH_FAILED, never resolving or connecting to its target', async () => {
    const trap = await startTrap(chainRoute((p) => `http://e.example.test:${p}/hop`));
    const connector = trapConnector(trap);
    const resolve = stubResolver(NAMES);
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(`http://cdn.example.test:${trap.port}/hop`),
    );
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: false });
    expect(error.message).toMatch(/more than 3 redirects/);
    expect(connector.addresses()).toEqual([PUBLIC, PUBLIC_B, PUBLIC_C, PUBLIC_D]);
    expect(resolve.calls).not.toContain('e.example.test');
  });

  it('control: 3 redirects across public hosts are followed to the answer', async () => {
    const trap = await startTrap(chainRoute((p) => `http://e.example.test:${p}/hop`));
    const connector = trapConnector(trap);
    const resolve = stubResolver(NAMES);
    const response = await outbound({ connect: connector.connect, resolve }).fetch(
      `http://b.example.test:${trap.port}/hop`,
    );
    expect(response.body.toString()).toBe('reached');
    expect(connector.addresses()).toEqual([PUBLIC_B, PUBLIC_C, PUBLIC_D, PUBLIC_V6]);
  });
});

describe('DNS rebinding between check and connect', () => {
  const rebinding = (first: string[], later: string[]) =>
    stubResolver((hostname, call) =>
      hostname === 'rebind.example.test' ? (call === 0 ? first : later) : undefined,
    );

  it('connects to the public address it checked although the next answer would be 127.0.0.1', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap);
    const resolve = rebinding([PUBLIC], ['127.0.0.1']);
    const response = await outbound({ connect: connector.connect, resolve }).fetch(
      `http://rebind.example.test:${trap.port}/a.png`,
    );
    expect(response.status).toBe(200);
    expect(resolve.calls).toEqual(['rebind.example.test']);
    expect(connector.attempts).toEqual([
      { address: PUBLIC, family: 4, port: trap.port, protocol: 'http:', servername: 'rebind.example.test' },
    ]);
  });

  it('falls back to the next checked address, never to a fresh lookup, when the first cannot be reached', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap, [PUBLIC]);
    const resolve = rebinding([PUBLIC, PUBLIC_B], ['169.254.169.254']);
    const response = await outbound({ connect: connector.connect, resolve }).fetch(
      `http://rebind.example.test:${trap.port}/a.png`,
    );
    expect(response.status).toBe(200);
    expect(resolve.calls).toHaveLength(1);
    expect(connector.addresses()).toEqual([PUBLIC, PUBLIC_B]);
  });

  it('fails without another lookup when no checked address can be reached', async () => {
    const trap = await startTrap();
    const connector = trapConnector(trap, [PUBLIC]);
    const resolve = rebinding([PUBLIC], ['127.0.0.1']);
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(`http://rebind.example.test:${trap.port}/`),
    );
    expect(error.code).toBe('FETCH_FAILED');
    expect(resolve.calls).toHaveLength(1);
    expect(connector.addresses()).toEqual([PUBLIC]);
  });

  it('checks the fresh answer of a redirect back to the same host: rebound to 169.254.169.254, refused', async () => {
    const trap = await startTrap((_host, path, res) => {
      if (path === '/start') return void res.writeHead(302, { location: '/latest/meta-data/' }).end();
      res.end('metadata');
    });
    const connector = trapConnector(trap);
    const resolve = rebinding([PUBLIC], ['169.254.169.254']);
    const error = await failure(
      outbound({ connect: connector.connect, resolve }).fetch(
        `http://rebind.example.test:${trap.port}/start`,
      ),
    );
    expectForbidden(error);
    expect(resolve.calls).toEqual(['rebind.example.test', 'rebind.example.test']);
    expect(connector.addresses()).toEqual([PUBLIC]);
    expect(trap.requests).toEqual([`rebind.example.test:${trap.port} /start`]);
  });
});

describe('the built-in resolver and socket connector (nothing injected)', () => {
  it('control: reach a real server on 127.0.0.1 when loopback is allowed', async () => {
    const trap = await startTrap();
    const client = createOutboundClient({ allow: ['127.0.0.0/8'], userAgent: 'platen-test/1' });
    const response = await client.fetch(`http://127.0.0.1:${trap.port}/a.png`);
    expect(response.body.toString()).toBe('reached');
    expect(trap.connections).toBe(1);
  });

  it.each([['127.0.0.1'], ['2130706433'], ['0x7f.1'], ['localhost'], ['localhost.']])(
    'refuse the same server written as %s when loopback is not allowed',
    async (host) => {
      const trap = await startTrap();
      const client = createOutboundClient({ allow: [], userAgent: 'platen-test/1', totalTimeoutMs: 3000 });
      expectForbidden(await failure(client.fetch(`http://${host}:${trap.port}/a.png`)));
      expect(trap.connections).toBe(0);
    },
  );
});
