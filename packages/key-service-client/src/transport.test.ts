// The transport's promises: every call ends by its deadline or its abort, an answer too large is
// refused, and only an idempotent call is sent again after a kept-alive socket died under it.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createTransport, type Transport } from './transport.js';

let server: Server;
let baseUrl: string;
let respond: (res: ServerResponse, nthOnSocket: number) => void;
let requests = 0;
const perSocket = new WeakMap<Socket, number>();
let transport: Transport;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const nth = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, nth);
    req.resume();
    req.on('end', () => respond(res, nth));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  requests = 0;
  transport = createTransport({ baseUrl });
  respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});
afterEach(() => transport.close());

const call = (options: { idempotent?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}) =>
  transport.send({
    method: 'POST',
    path: '/internal/v1/x',
    body: {},
    timeoutMs: options.timeoutMs ?? 2_000,
    idempotent: options.idempotent ?? true,
    signal: options.signal,
  });

describe('the key-service transport', () => {
  it('answers the status and the parsed JSON body', async () => {
    await expect(call()).resolves.toEqual({ status: 200, body: { ok: true } });
  });

  it('gives up at its deadline on a key-service that does not answer', async () => {
    respond = () => undefined;
    const started = Date.now();
    await expect(call({ timeoutMs: 100 })).rejects.toThrow(/timed out after 100 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops at once when its caller aborts', async () => {
    respond = () => undefined;
    const controller = new AbortController();
    const pending = call({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(/aborted/);
  });

  it('refuses an answer far larger than any the internal API gives', async () => {
    respond = (res) => res.writeHead(200).end(Buffer.alloc(300 * 1024, 'a'));
    await expect(call()).rejects.toThrow(/too large/);
  });

  it('sends an idempotent call again when the kept-alive socket it reused was closed under it', async () => {
    respond = (res, nth) => {
      if (nth === 1) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else res.socket?.destroy();
    };
    await call();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(call({ idempotent: true })).resolves.toEqual({ status: 200, body: { ok: true } });
    expect(requests).toBe(3);
  });

  it('does not send a non-idempotent call twice', async () => {
    respond = (res, nth) => {
      if (nth === 1) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else res.socket?.destroy();
    };
    await call();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(call({ idempotent: false })).rejects.toThrow();
    expect(requests).toBe(2);
  });
});
