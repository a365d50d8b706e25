import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCreditsClient, RefundFailedError } from './credits-client.js';

// A stand-in for the key-service's refund endpoint that answers a scripted sequence of statuses.
async function scriptedServer(statuses: number[]): Promise<{ url: string; calls: string[]; server: Server }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      const status = statuses.shift() ?? 200;
      const payload =
        status === 200
          ? { success: true, data: { applied: true, balance: 7 } }
          : { success: false, code: 'X' };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const RENDER = '22222222-2222-4222-8222-222222222222';
const noWait = () => Promise.resolve();

describe('credits client', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  it('posts the render id with a service token and returns the new balance', async () => {
    const { url, calls, server } = await scriptedServer([200]);
    servers.push(server);
    const client = createCreditsClient({
      baseUrl: url,
      serviceToken: () => Promise.resolve('tok'),
      sleep: noWait,
    });

    expect(await client.refund(ACCOUNT, RENDER)).toEqual({ applied: true, balance: 7 });
    expect(calls).toEqual([
      `POST /internal/v1/accounts/${ACCOUNT}/credits/refund Bearer tok {"render_id":"${RENDER}"}`,
    ]);
  });

  it('retries a key-service answering 503, then succeeds', async () => {
    const { url, calls, server } = await scriptedServer([503, 503, 200]);
    servers.push(server);
    const client = createCreditsClient({
      baseUrl: url,
      serviceToken: () => Promise.resolve('tok'),
      sleep: noWait,
    });

    expect((await client.refund(ACCOUNT, RENDER)).applied).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('treats 404 (no charge to give back) as nothing to refund', async () => {
    const { url, server } = await scriptedServer([404]);
    servers.push(server);
    const client = createCreditsClient({
      baseUrl: url,
      serviceToken: () => Promise.resolve('tok'),
      sleep: noWait,
    });

    expect(await client.refund(ACCOUNT, RENDER)).toEqual({ applied: false, balance: null });
  });

  it('gives up with RefundFailedError when the key-service stays unreachable', async () => {
    const { url, server } = await scriptedServer([]);
    servers.push(server);
    await new Promise((resolve) => server.close(resolve));
    const client = createCreditsClient({
      baseUrl: url,
      serviceToken: () => Promise.resolve('tok'),
      attempts: 3,
      sleep: noWait,
    });

    await expect(client.refund(ACCOUNT, RENDER)).rejects.toBeInstanceOf(RefundFailedError);
  });

  it('does not retry a refusal such as 401', async () => {
    const { url, calls, server } = await scriptedServer([401, 200]);
    servers.push(server);
    const client = createCreditsClient({
      baseUrl: url,
      serviceToken: () => Promise.resolve('tok'),
      sleep: noWait,
    });

    await expect(client.refund(ACCOUNT, RENDER)).rejects.toThrow(/HTTP 401/);
    expect(calls).toHaveLength(1);
  });
});
