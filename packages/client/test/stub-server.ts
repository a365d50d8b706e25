// A scripted HTTP server on 127.0.0.1 standing in for Platen where the real one cannot be made to
// answer a given way on demand (a 429 then a 503, a dropped connection). Each request is recorded;
// answers are taken from the script in order, the last one repeating.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type StubReply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'drop'
  | ((request: StubRequest) => { status: number; body?: unknown; headers?: Record<string, string> });

export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStubServer(replies: StubReply[]): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const script = [...replies];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const request: StubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const next = script.length > 1 ? script.shift()! : script[0]!;
      if (next === 'drop') {
        req.socket.destroy();
        return;
      }
      const reply = typeof next === 'function' ? next(request) : next;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Platen's error envelope for `code`. */
export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return {
    success: false,
    error: message,
    detail: message,
    code,
    details,
    request_id: `req-${code.toLowerCase()}`,
  };
}

/** A render as the API shows it, with only what the client reads filled in meaningfully. */
export function renderBody(uuid: string, status: string) {
  return {
    uuid,
    status,
    mockup_uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01',
    created_at: '2026-01-01T00:00:00.000Z',
    started_at: null,
    completed_at: null,
    result: null,
    error: null,
    credits_charged: 1,
    credits_refunded: 0,
    attempts: 0,
    metadata: null,
    webhook: null,
  };
}
