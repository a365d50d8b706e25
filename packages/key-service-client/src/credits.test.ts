// Charges and refunds as the gateway and the worker see them: a short balance is 402, anything that
// keeps us from an answer is 503, a refund retries only what retrying can fix.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '@platen/contracts';
import { RefundFailedError } from './errors.js';
import { createKeyServiceClient, type KeyServiceClientOptions } from './key-service-client.js';

const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const RENDER = '22222222-2222-4222-8222-222222222222';

let server: Server;
let baseUrl: string;
let statuses: number[] = [];
let calls: string[] = [];
let hold = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      if (hold) return;
      const status = statuses.shift() ?? 200;
      const payload =
        status === 200
          ? { success: true, data: { applied: true, balance: 7 } }
          : { success: false, code: 'X' };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  statuses = [];
  calls = [];
  hold = false;
});

const client = (options: Partial<KeyServiceClientOptions> = {}) =>
  createKeyServiceClient({ baseUrl, serviceToken: () => Promise.resolve('tok'), ...options });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('charging credits', () => {
  it('posts the render id and amount with the service token', async () => {
    await client().charge(ACCOUNT, RENDER, 3);
    expect(calls).toEqual([
      `POST /internal/v1/accounts/${ACCOUNT}/credits/charge Bearer tok {"render_id":"${RENDER}","amount":3}`,
    ]);
  });

  it('answers a short balance with 402 INSUFFICIENT_CREDITS', async () => {
    statuses = [402];
    expect(await failure(client().charge(ACCOUNT, RENDER, 3))).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      status: 402,
    });
  });

  it('answers a failing key-service with 503 SERVICE_UNAVAILABLE', async () => {
    statuses = [500];
    const error = await failure(client().charge(ACCOUNT, RENDER, 3));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('answers a key-service that does not answer in time with 503 SERVICE_UNAVAILABLE', async () => {
    hold = true;
    const started = Date.now();
    const error = await failure(client({ timeoutMs: { credits: 150 } }).charge(ACCOUNT, RENDER, 3));
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('charging a batch', () => {
  const charges = [
    { render_id: RENDER, amount: 3 },
    { render_id: ACCOUNT, amount: 1 },
  ];

  it('posts every charge in one call with the service token', async () => {
    await client().chargeMany(ACCOUNT, charges);
    expect(calls).toEqual([
      `POST /internal/v1/accounts/${ACCOUNT}/credits/charge-many Bearer tok ${JSON.stringify({ charges })}`,
    ]);
  });

  it('is 402 INSUFFICIENT_CREDITS when the batch does not fit, 503 when the key-service fails', async () => {
    statuses = [402, 500];
    expect(await failure(client().chargeMany(ACCOUNT, charges))).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
    });
    expect(await failure(client().chargeMany(ACCOUNT, charges))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});

describe('refunding credits', () => {
  const noWait = () => Promise.resolve();

  it('returns the new balance', async () => {
    await expect(client().refund(ACCOUNT, RENDER)).resolves.toEqual({ applied: true, balance: 7 });
    expect(calls).toEqual([
      `POST /internal/v1/accounts/${ACCOUNT}/credits/refund Bearer tok {"render_id":"${RENDER}"}`,
    ]);
  });

  it('tries once without a retry policy and fails with RefundFailedError', async () => {
    statuses = [503, 200];
    await expect(client().refund(ACCOUNT, RENDER)).rejects.toBeInstanceOf(RefundFailedError);
    expect(calls).toHaveLength(1);
  });

  it('retries 5xx and 429 with a doubling wait under a retry policy', async () => {
    statuses = [503, 429, 200];
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const outcome = await client({ retry: { attempts: 4, firstDelayMs: 100, sleep } }).refund(
      ACCOUNT,
      RENDER,
    );
    expect(outcome).toEqual({ applied: true, balance: 7 });
    expect(waits).toEqual([100, 200]);
  });

  it('does not retry a refusal such as 400', async () => {
    statuses = [400, 200];
    const refunding = client({ retry: { attempts: 4, sleep: noWait } }).refund(ACCOUNT, RENDER);
    await expect(refunding).rejects.toThrow(/HTTP 400/);
    expect(calls).toHaveLength(1);
  });

  it('fails with RefundFailedError on a 200 of the wrong shape', async () => {
    const odd = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"success":true,"data":{"applied":"yes"}}');
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
    const refunding = createKeyServiceClient({
      baseUrl: oddUrl,
      serviceToken: () => Promise.resolve('tok'),
    }).refund(ACCOUNT, RENDER);
    await expect(refunding).rejects.toBeInstanceOf(RefundFailedError);
    odd.closeAllConnections();
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });
});
