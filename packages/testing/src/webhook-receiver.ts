// A webhook receiver on 127.0.0.1 for the tests that check deliveries: answers each path with a
// scripted sequence of statuses (the last one repeats; default 200), or 'hang' (holds the request
// open until close), and records every request with its headers and raw body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply = number | 'hang' | { status: number; location: string };

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port>; any path under it is answered. */
  origin: string;
  /** Scripts the answers to `path`, in order; the last one repeats. Default: 200. */
  script(path: string, replies: Reply[]): void;
  received(path?: string): ReceivedRequest[];
  /**
   * Render uuid (the event's `data.uuid`) → the `webhook-id` of each delivery, in order: a retry
   * carries the same id, so two different ids are two events for one render.
   */
  deliveries(): Map<string, string[]>;
  /** Requests held open right now ('hang'). */
  hanging(): number;
  close(): Promise<void>;
}

function renderIdOf(body: string): string {
  try {
    return (JSON.parse(body) as { data?: { uuid?: string } }).data?.uuid ?? '(no data.uuid)';
  } catch {
    // kept under a placeholder: a test expecting one id per render then fails, naming it
    return '(unparsable body)';
  }
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, Reply[]>();
  const requests: ReceivedRequest[] = [];
  const held = new Set<ServerResponse>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(',') : (value ?? ''),
        ]),
      );
      requests.push({ path, headers, body: Buffer.concat(chunks).toString('utf8') });
      const script = scripts.get(path) ?? [200];
      const reply = script.length > 1 ? script.shift()! : script[0]!;
      if (reply === 'hang') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      if (typeof reply === 'number') res.writeHead(reply, { 'content-type': 'text/plain' }).end('ok');
      else res.writeHead(reply.status, { location: reply.location }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    script: (path, replies) => void scripts.set(path, [...replies]),
    received: (path) => requests.filter((request) => path === undefined || request.path === path),
    deliveries() {
      const byRender = new Map<string, string[]>();
      for (const { body, headers } of requests) {
        const renderId = renderIdOf(body);
        byRender.set(renderId, [
          ...(byRender.get(renderId) ?? []),
          headers['webhook-id'] ?? '(no webhook-id)',
        ]);
      }
      return byRender;
    },
    hanging: () => held.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
