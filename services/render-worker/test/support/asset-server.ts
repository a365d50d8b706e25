// A local HTTP server that misbehaves on purpose, one path per fault: a good image, 500, a hang, an
// endless 60 MB body, an HTML page, a redirect, an image that takes its time. Every request is counted per path, so a test can
// prove a forbidden address was never contacted. Listens on 127.0.0.x only.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AssetServer {
  /** http://<host>:<port> */
  origin: string;
  port: number;
  /** Requests received per path (query string dropped). */
  hits(path: string): number;
  totalHits(): number;
  /** Serves these bytes as image/png at `path`. */
  image(path: string, bytes: Buffer): void;
  /** Answers `path` with these bytes `delayMs` after each request: a slow (hostile) artwork host. */
  slow(path: string, bytes: Buffer, delayMs: number): void;
  /** Holds requests to `path` open until release(): for work a worker is in the middle of. */
  stall(path: string, bytes: Buffer): { release(): void };
  close(): Promise<void>;
}

const SIXTY_MB = 60 * 1024 * 1024;

export async function startAssetServer(host = '127.0.0.1'): Promise<AssetServer> {
  const counts = new Map<string, number>();
  const images = new Map<string, Buffer>();
  const stalls = new Map<string, { bytes: Buffer; waiting: ServerResponse[]; released: boolean }>();
  const slow = new Map<string, { bytes: Buffer; delayMs: number }>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    const image = images.get(url.pathname);
    if (image) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
      return;
    }
    const delayed = slow.get(url.pathname);
    if (delayed) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (res.destroyed) return;
        res
          .writeHead(200, { 'content-type': 'image/png', 'content-length': delayed.bytes.length })
          .end(delayed.bytes);
      }, delayed.delayMs);
      timers.add(timer);
      return;
    }
    const stall = stalls.get(url.pathname);
    if (stall) {
      if (stall.released) res.writeHead(200, { 'content-type': 'image/png' }).end(stall.bytes);
      else stall.waiting.push(res);
      return;
    }
    switch (url.pathname) {
      case '/500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
        return;
      case '/hang':
        return; // never answers; the client's deadline ends it
      case '/huge':
        streamBytes(res, SIXTY_MB);
        return;
      case '/html':
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><html><body>Not an image</body></html>');
        return;
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://${host}:${port}`,
    port,
    hits: (path) => counts.get(path) ?? 0,
    totalHits: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    image: (path, bytes) => void images.set(path, bytes),
    slow: (path, bytes, delayMs) => void slow.set(path, { bytes, delayMs }),
    stall(path, bytes) {
      const entry = { bytes, waiting: [] as ServerResponse[], released: false };
      stalls.set(path, entry);
      return {
        release() {
          entry.released = true;
          for (const res of entry.waiting.splice(0))
            res.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Chunked (no Content-Length), so only a cap on what is actually read can stop it. */
function streamBytes(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'image/png' });
  const chunk = Buffer.alloc(64 * 1024, 0x42);
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => (sent = total));
  pump();
}
