// The client over a real HTTP server on 127.0.0.1 that answers like Platen, through a fetch-based send
// (the nodes use n8n's helpers instead): what goes over the wire, and what the node sees back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlatenClient, PlatenApiError, type PlatenResponse } from '../src/transport/platen-client';
import type { PlatenRequest } from '../src/transport/platen-request';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

let server: Server;
let baseUrl: string;
let seen: Seen[];
let answers: Array<(request: Seen) => Answer>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      const noAnswer = (): Answer => ({ status: 500, body: { code: 'NO_ANSWER' } });
      const answer = (answers.shift() ?? noAnswer)(request);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  answers = [];
});

async function send(request: PlatenRequest): Promise<PlatenResponse> {
  const url = new URL(request.url ?? `${baseUrl}${request.path ?? ''}`);
  for (const [name, value] of Object.entries(request.qs ?? {})) url.searchParams.set(name, String(value));
  const response = await fetch(url, {
    method: request.method,
    headers: {
      ...request.headers,
      ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(request.raw ? { 'content-type': request.raw.contentType } : {}),
    },
    body: request.json !== undefined ? JSON.stringify(request.json) : request.raw?.data,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

function client(waits: number[] = [], clock = { ms: 0 }) {
  return createPlatenClient({
    send,
    now: () => clock.ms,
    sleep: (ms) => {
      waits.push(ms);
      clock.ms += ms;
      return Promise.resolve();
    },
    pollIntervalMs: 2_000,
  });
}

const render = (status: string) => ({ success: true, data: { uuid: 'r-1', status } });

describe('createRender', () => {
  it('waits out a 429 for Retry-After seconds and sends the same body with the same Idempotency-Key again', async () => {
    answers = [
      () => ({
        status: 429,
        headers: { 'retry-after': '7' },
        body: { success: false, code: 'RATE_LIMIT_EXCEEDED', error: 'Rate limit exceeded' },
      }),
      () => ({ status: 200, body: render('succeeded') }),
    ];
    const waits: number[] = [];
    const result = await client(waits).createRender({ mockup_uuid: 'm' }, 'order-7', 60);
    expect(result).toEqual({ uuid: 'r-1', status: 'succeeded' });
    expect(waits).toEqual([7_000]);
    expect(seen).toHaveLength(2);
    for (const request of seen) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/api/v1/renders?wait=60');
      expect(request.headers['idempotency-key']).toBe('order-7');
      expect(JSON.parse(request.body)).toEqual({ mockup_uuid: 'm' });
    }
  });

  it('caps ?wait at Platen’s 60 s and sends none when not waiting', async () => {
    answers = [
      () => ({ status: 202, body: render('queued') }),
      () => ({ status: 202, body: render('queued') }),
    ];
    await client().createRender({}, 'k1', 300);
    await client().createRender({}, 'k2');
    expect(seen.map((request) => request.url)).toEqual(['/api/v1/renders?wait=60', '/api/v1/renders']);
  });

  it('gives up after 5 waits and returns the 429 as an error with Platen’s code and request id', async () => {
    answers = Array.from({ length: 6 }, () => () => ({
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        success: false,
        code: 'RATE_LIMIT_EXCEEDED',
        error: 'Rate limit exceeded',
        request_id: 'req-9',
      },
    }));
    const waits: number[] = [];
    const error = await client(waits)
      .createRender({}, 'k')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlatenApiError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMIT_EXCEEDED', requestId: 'req-9' });
    expect(waits).toHaveLength(5);
    expect(seen).toHaveLength(6);
  });

  it('does not sit out a day-long Retry-After (the daily limit): the 429 is returned at once', async () => {
    answers = [
      () => ({
        status: 429,
        headers: { 'retry-after': '40000' },
        body: { code: 'RATE_LIMIT_EXCEEDED', error: 'Rate limit exceeded' },
      }),
    ];
    await expect(client().createRender({}, 'k')).rejects.toMatchObject({ status: 429 });
    expect(seen).toHaveLength(1);
  });

  it('turns a 400 envelope into an error naming the code and Platen’s message, without retrying', async () => {
    answers = [
      () => ({
        status: 400,
        body: {
          success: false,
          error: 'mockup_uuid: no such mockup',
          code: 'VALIDATION_ERROR',
          details: { issues: [] },
          request_id: 'req-1',
        },
      }),
    ];
    await expect(client().createRender({}, 'k')).rejects.toThrow(
      'VALIDATION_ERROR: mockup_uuid: no such mockup (request req-1)',
    );
    expect(seen).toHaveLength(1);
  });
});

describe('waitForRender', () => {
  it('reads the render every 2 s until it has ended', async () => {
    answers = [
      () => ({ status: 200, body: render('queued') }),
      () => ({ status: 200, body: render('processing') }),
      () => ({ status: 200, body: render('succeeded') }),
    ];
    const waits: number[] = [];
    expect(await client(waits).waitForRender('r-1', 60_000)).toMatchObject({ status: 'succeeded' });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(
      Array(3).fill('GET /api/v1/renders/r-1'),
    );
    expect(waits).toEqual([2_000, 2_000]);
  });

  it('fails with WAIT_TIMEOUT when the render is still running at the deadline', async () => {
    answers = Array.from({ length: 10 }, () => () => ({ status: 200, body: render('processing') }));
    await expect(client().waitForRender('r-1', 5_000)).rejects.toMatchObject({ code: 'WAIT_TIMEOUT' });
    expect(seen.length).toBeLessThanOrEqual(3);
  });
});

describe('lists', () => {
  it('follows next_cursor across pages for Return All', async () => {
    answers = [
      () => ({
        status: 200,
        body: { success: true, data: [{ uuid: 'a' }, { uuid: 'b' }], next_cursor: 'c1' },
      }),
      () => ({ status: 200, body: { success: true, data: [{ uuid: 'c' }], next_cursor: null } }),
    ];
    expect((await client().listRenders('succeeded')).map((item) => item.uuid)).toEqual(['a', 'b', 'c']);
    expect(seen.map((request) => request.url)).toEqual([
      '/api/v1/renders?status=succeeded&limit=100',
      '/api/v1/renders?status=succeeded&limit=100&cursor=c1',
    ]);
  });

  it('asks for no more than the limit and stops once it has them', async () => {
    answers = [
      () => ({
        status: 200,
        body: { success: true, data: [{ uuid: 'a' }, { uuid: 'b' }], next_cursor: 'c1' },
      }),
    ];
    expect(await client().listMockups(2)).toHaveLength(2);
    expect(seen.map((request) => request.url)).toEqual(['/api/v1/mockups?limit=2']);
  });
});

describe('webhook endpoints', () => {
  it('registers an endpoint with its URL and events', async () => {
    answers = [() => ({ status: 201, body: { success: true, data: { id: 'w1', secret: 'whsec_x' } } })];
    expect(
      await client().createWebhook({ url: 'http://n8n/webhook/1', events: ['render.succeeded'] }),
    ).toEqual({ id: 'w1', secret: 'whsec_x' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/webhooks' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ url: 'http://n8n/webhook/1', events: ['render.succeeded'] });
  });

  it('reads a deleted endpoint as gone, and deleting it again is not an error', async () => {
    const gone = () => ({ status: 404, body: { success: false, code: 'NOT_FOUND', error: 'Not found' } });
    answers = [gone, gone];
    await expect(client().getWebhook('w1')).resolves.toBeUndefined();
    await expect(client().deleteWebhook('w1')).resolves.toBeUndefined();
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/v1/webhooks/w1',
      'DELETE /api/v1/webhooks/w1',
    ]);
  });
});
