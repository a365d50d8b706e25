// A webhook receiver on 127.0.0.1 that answers 200 and records, per render, every `webhook-id` it
// was sent (a retry carries the same one; two different ids would be two events for one render).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  /** Render uuid → the webhook-id of each delivery it received, in order. */
  deliveries(): Map<string, string[]>;
  total(): number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const byRender = new Map<string, string[]>();
  let total = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      total++;
      let renderId = '(unparsable body)';
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { uuid?: string } };
        renderId = event.data?.uuid ?? '(no data.uuid)';
      } catch {
        // recorded under the placeholder: a test that expects one id per render then fails
      }
      const id = String(req.headers['webhook-id'] ?? '(no webhook-id)');
      byRender.set(renderId, [...(byRender.get(renderId) ?? []), id]);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/renders`,
    deliveries: () => byRender,
    total: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
