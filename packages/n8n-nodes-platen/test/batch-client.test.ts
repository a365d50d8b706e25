// The client's batch calls over a real HTTP server on 127.0.0.1 that answers like Platen: the requests
// that go over the wire, 429 waits on a batch, waiting for it to finish, pages and the ZIP download.
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
type Answer = { status: number; headers?: Record<string, string>; body?: unknown; bytes?: Buffer };

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
      const type = answer.bytes ? 'application/zip' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
      res.end(answer.bytes ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
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

// Like the nodes' n8n transport: bytes for a successful binary request, Platen's JSON otherwise.
async function send(request: PlatenRequest): Promise<PlatenResponse> {
  const url = new URL(request.url ?? `${baseUrl}${request.path ?? ''}`);
  for (const [name, value] of Object.entries(request.qs ?? {})) url.searchParams.set(name, String(value));
  const response = await fetch(url, {
    method: request.method,
    headers: {
      ...request.headers,
      ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: request.json !== undefined ? JSON.stringify(request.json) : undefined,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: request.binary && response.ok ? bytes : text ? (JSON.parse(text) as unknown) : undefined,
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

const batch = (status: string) => ({ success: true, data: { uuid: 'b-1', status } });

describe('createBatch', () => {
  it('posts to /api/v1/renders/batch with ?wait and the Idempotency-Key, and sends the very same request after a 429', async () => {
    answers = [
      () => ({
        status: 429,
        headers: { 'retry-after': '3' },
        body: { success: false, code: 'RATE_LIMIT_EXCEEDED', error: 'Rate limit exceeded' },
      }),
      () => ({ status: 200, body: batch('finished') }),
    ];
    const waits: number[] = [];
    const body = { artworks: [{ id: 'a', url: 'https://example.com/a.png' }], mockups: ['m'] };
    expect(await client(waits).createBatch(body, 'order-7', 600)).toEqual({
      uuid: 'b-1',
      status: 'finished',
    });
    expect(waits).toEqual([3_000]);
    expect(seen).toHaveLength(2);
    for (const request of seen) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/api/v1/renders/batch?wait=60');
      expect(request.headers['idempotency-key']).toBe('order-7');
      expect(JSON.parse(request.body)).toEqual(body);
    }
  });

  it('sends no ?wait when not waiting, and turns a 400 into an error naming Platen’s field', async () => {
    answers = [
      () => ({ status: 202, body: batch('processing') }),
      () => ({
        status: 400,
        body: {
          success: false,
          code: 'VALIDATION_ERROR',
          error: 'mockups.0: no such mockup',
          request_id: 'req-4',
        },
      }),
    ];
    await client().createBatch({}, 'k1');
    const error = await client()
      .createBatch({}, 'k2')
      .catch((caught: unknown) => caught);
    expect(seen.map((request) => request.url)).toEqual(['/api/v1/renders/batch', '/api/v1/renders/batch']);
    expect(error).toBeInstanceOf(PlatenApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', requestId: 'req-4' });
    expect((error as Error).message).toContain('mockups.0: no such mockup');
  });
});

describe('waitForBatch', () => {
  it('reads the batch until it is finished', async () => {
    answers = [
      () => ({ status: 200, body: batch('processing') }),
      () => ({ status: 200, body: batch('finished') }),
    ];
    const waits: number[] = [];
    expect(await client(waits).waitForBatch('b-1', 60_000)).toMatchObject({ status: 'finished' });
    expect(seen.map((request) => request.url)).toEqual(['/api/v1/batches/b-1', '/api/v1/batches/b-1']);
    expect(waits).toEqual([2_000]);
  });

  it('fails with WAIT_TIMEOUT when the batch is still processing at the timeout', async () => {
    answers = Array.from({ length: 10 }, () => () => ({ status: 200, body: batch('processing') }));
    await expect(client().waitForBatch('b-1', 5_000)).rejects.toMatchObject({ code: 'WAIT_TIMEOUT' });
  });
});

describe('listBatches', () => {
  it('follows next_cursor up to the limit', async () => {
    answers = [
      () => ({
        status: 200,
        body: { success: true, data: [{ uuid: 'b-3' }, { uuid: 'b-2' }], next_cursor: 'c1' },
      }),
      () => ({ status: 200, body: { success: true, data: [{ uuid: 'b-1' }], next_cursor: null } }),
    ];
    const batches = await client().listBatches(3);
    expect(batches.map((one) => one.uuid)).toEqual(['b-3', 'b-2', 'b-1']);
    expect(seen.map((request) => request.url)).toEqual([
      '/api/v1/batches?limit=3',
      '/api/v1/batches?limit=1&cursor=c1',
    ]);
  });
});

describe('downloadArchive', () => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);

  it('returns the ZIP bytes of /api/v1/batches/{uuid}/archive, ?partial=true when asked', async () => {
    answers = [() => ({ status: 200, bytes: zip }), () => ({ status: 200, bytes: zip })];
    const archive = await client().downloadArchive('b-1');
    expect(archive.data.equals(zip)).toBe(true);
    expect(archive.contentType).toBe('application/zip');
    await client().downloadArchive('b-1', true);
    expect(seen.map((request) => request.url)).toEqual([
      '/api/v1/batches/b-1/archive',
      '/api/v1/batches/b-1/archive?partial=true',
    ]);
  });

  it('turns the 409 of a batch still processing into an error with Platen’s code', async () => {
    answers = [
      () => ({
        status: 409,
        body: { success: false, code: 'CONFLICT', error: 'batch is still processing', request_id: 'req-2' },
      }),
    ];
    const error = await client()
      .downloadArchive('b-1')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', requestId: 'req-2' });
    expect((error as Error).message).toContain('batch is still processing');
  });
});
