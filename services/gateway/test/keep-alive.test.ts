// Kept-alive connections: the gateway keeps an idle one open past Node's default 5 s (65 s,
// KEEP_ALIVE_TIMEOUT_MS), so a client reusing its socket is not raced by the gateway closing it
// (ECONNRESET). Short header and body timeouts do not cut an idle connection: they time requests.
import { connect, type Socket } from 'node:net';
import { STACK_START_TIMEOUT_MS, TestStack } from './support/test-stack.js';

jest.setTimeout(60_000);

/** Longer than Node's default keepAliveTimeout (5 s) and than the body timeout set below. */
const IDLE_MS = 6_500;
const stack = new TestStack('gw-keep-alive');

function gatewayWith(env: Record<string, string>) {
  // Headers and bodies must arrive within 1 s: the idle wait below is far longer.
  return stack.startGateway({ env: { BODY_TIMEOUT_MS: '1000', ...env } });
}

/** One raw keep-alive connection: send a request, read one whole answer (head + Content-Length body). */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffered = '';
  let closed = false;
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    wake();
  });
  socket.on('close', () => {
    closed = true;
    wake();
  });
  socket.on('error', () => undefined);
  const completeAnswer = (): string | null => {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const length = Number(/content-length:\s*(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return null;
    const answer = buffered.slice(0, end + 4 + length);
    buffered = buffered.slice(end + 4 + length);
    return answer;
  };
  return {
    get closed() {
      return closed;
    },
    /** The status line of the answer to GET /healthz, or 'closed' if the connection ended first. */
    async get(): Promise<string> {
      if (!closed) socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      for (;;) {
        const answer = completeAnswer();
        if (answer) return answer.split('\r\n')[0] ?? '';
        if (closed) return 'closed';
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    destroy: () => socket.destroy(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => stack.start(), STACK_START_TIMEOUT_MS);
afterAll(() => stack.teardown());

describe('kept-alive connections', () => {
  it('answers a second request on a connection that sat idle longer than 5 s', async () => {
    const gateway = await gatewayWith({});
    const connection = rawConnection(gateway.port);
    try {
      expect(await connection.get()).toBe('HTTP/1.1 200 OK');
      await sleep(IDLE_MS);
      expect(connection.closed).toBe(false);
      expect(await connection.get()).toBe('HTTP/1.1 200 OK');
    } finally {
      connection.destroy();
    }
  });

  it('closes an idle connection once KEEP_ALIVE_TIMEOUT_MS has passed', async () => {
    const gateway = await gatewayWith({ KEEP_ALIVE_TIMEOUT_MS: '1000' });
    const connection = rawConnection(gateway.port);
    try {
      expect(await connection.get()).toBe('HTTP/1.1 200 OK');
      await sleep(IDLE_MS);
      expect(connection.closed).toBe(true);
      expect(await connection.get()).toBe('closed');
    } finally {
      connection.destroy();
    }
  });
});
