// The client's retry and waiting rules, against a scripted server on 127.0.0.1: the real gateway
// cannot be made to answer 429, then 503, then drop a connection on demand. Waits are recorded by an
// injected sleep, never timed.
import { createPlatenClient, PlatenApiError } from '@platen/client';
import { errorBody, renderBody, startStubServer, type StubServer } from './stub-server.js';

const RENDER = '3b8f1a56-0c1d-4e2f-8a9b-0c1d2e3f4a5b';
const BODY = {
  mockup_uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01',
  smart_objects: [
    { uuid: '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11', asset: { url: 'https://example.com/a.png' } },
  ],
};
const KEY = `sm_${'a'.repeat(64)}`;

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

function clientFor(server: StubServer, sleeps: number[], retry = {}) {
  return createPlatenClient({
    baseUrl: server.url,
    apiKey: KEY,
    retry,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
}

describe('renders.create retries', () => {
  it('waits Retry-After after a 429, backs off after a 503, and sends the same Idempotency-Key every time', async () => {
    stub = await startStubServer([
      {
        status: 429,
        headers: { 'retry-after': '7' },
        body: errorBody('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded'),
      },
      { status: 503, body: errorBody('SERVICE_UNAVAILABLE', 'Service temporarily unavailable') },
      { status: 202, body: { success: true, data: renderBody(RENDER, 'queued') } },
    ]);
    const sleeps: number[] = [];
    const render = await clientFor(stub, sleeps).renders.create(BODY);

    expect(render.uuid).toBe(RENDER);
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill('POST /api/v1/renders'));
    const keys = stub.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect(sleeps[0]).toBe(7_000);
    expect(sleeps).toHaveLength(2);
    expect(stub.requests.every((r) => r.headers['x-api-key'] === KEY)).toBe(true);
    expect(JSON.parse(stub.requests[0]!.body)).toEqual(BODY);
  });

  it('sends the caller’s Idempotency-Key again after a dropped connection', async () => {
    stub = await startStubServer([
      'drop',
      { status: 202, body: { success: true, data: renderBody(RENDER, 'queued') } },
    ]);
    const render = await clientFor(stub, []).renders.create(BODY, { idempotencyKey: 'order-1042-line-1' });

    expect(render.uuid).toBe(RENDER);
    expect(stub.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'order-1042-line-1',
      'order-1042-line-1',
    ]);
  });

  it('gives up after maxRetries with the last error, typed', async () => {
    stub = await startStubServer([
      { status: 503, body: errorBody('SERVICE_UNAVAILABLE', 'Service temporarily unavailable') },
    ]);
    const error = await clientFor(stub, [], { maxRetries: 2 })
      .renders.create(BODY)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatenApiError);
    expect(error).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      request_id: 'req-service_unavailable',
    });
    expect(stub.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than maxRetryAfterSeconds (a spent daily limit)', async () => {
    stub = await startStubServer([
      {
        status: 429,
        headers: { 'retry-after': '40000' },
        body: errorBody('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded', {
          limit: 10000,
          window: '1d',
          retry_after: 40000,
        }),
      },
    ]);
    const sleeps: number[] = [];
    const error = await clientFor(stub, sleeps)
      .renders.create(BODY)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      retryAfterSeconds: 40000,
      details: { window: '1d' },
    });
    expect(sleeps).toEqual([]);
    expect(stub.requests).toHaveLength(1);
  });

  it('never sends a PSD upload again after a 503 (it carries no Idempotency-Key)', async () => {
    stub = await startStubServer([
      { status: 503, body: errorBody('SERVICE_UNAVAILABLE', 'Service temporarily unavailable') },
    ]);
    const error = await clientFor(stub, [])
      .mockups.upload(new Blob([new Uint8Array([0x38, 0x42, 0x50, 0x53])]), { name: 'Mine' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(stub.requests[0]!.body).toContain('name="file"; filename="mockup.psd"');
  });

  it('turns an answer that is not Platen’s envelope (a proxy’s 502 page) into UNEXPECTED_RESPONSE', async () => {
    stub = await startStubServer([
      { status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } },
    ]);
    const error = await clientFor(stub, [])
      .renders.get(RENDER)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatenApiError);
    expect(error).toMatchObject({ status: 502, code: 'UNEXPECTED_RESPONSE' });
  });
});

describe('renders.create({ wait })', () => {
  it('holds the first request with ?wait=60, then polls the render until it is final', async () => {
    stub = await startStubServer([
      { status: 202, body: { success: true, data: renderBody(RENDER, 'queued') } },
      { status: 200, body: { success: true, data: renderBody(RENDER, 'processing') } },
      { status: 200, body: { success: true, data: renderBody(RENDER, 'succeeded') } },
    ]);
    const render = await clientFor(stub, []).renders.create(BODY, { wait: true });

    expect(render.status).toBe('succeeded');
    expect(stub.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}`)).toEqual([
      'POST /api/v1/renders?wait=60',
      `GET /api/v1/renders/${RENDER}?`,
      `GET /api/v1/renders/${RENDER}?`,
    ]);
  });

  it('returns the render as it is when the time given is up', async () => {
    let clock = 0;
    stub = await startStubServer([
      { status: 202, body: { success: true, data: renderBody(RENDER, 'queued') } },
      { status: 200, body: { success: true, data: renderBody(RENDER, 'processing') } },
    ]);
    const client = createPlatenClient({
      baseUrl: stub.url,
      apiKey: KEY,
      now: () => clock,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
    });
    const render = await client.renders.create(BODY, { wait: 5 });

    expect(render.status).toBe('processing');
    expect(stub.requests[0]!.query.get('wait')).toBe('5');
    expect(clock).toBe(5_000);
  });
});

describe('cursor pages', () => {
  it('walks every page, passing each next_cursor back', async () => {
    stub = await startStubServer([
      (request) => ({
        status: 200,
        body: request.query.get('cursor')
          ? { success: true, data: [renderBody('r3', 'queued')], next_cursor: null }
          : {
              success: true,
              data: [renderBody('r1', 'queued'), renderBody('r2', 'queued')],
              next_cursor: 'c2',
            },
      }),
    ]);
    const seen: string[] = [];
    for await (const render of clientFor(stub, []).renders.list({ status: 'queued', limit: 2 }))
      seen.push(render.uuid);

    expect(seen).toEqual(['r1', 'r2', 'r3']);
    expect(stub.requests.map((r) => r.query.toString())).toEqual([
      'status=queued&limit=2',
      'status=queued&limit=2&cursor=c2',
    ]);
  });
});

describe('batches (against the batch API design; the gateway does not serve it yet)', () => {
  it('creates a batch with an Idempotency-Key and ?wait, and polls GET /api/v1/batches/{uuid} until finished', async () => {
    const batch = (status: string) => ({ uuid: 'b1', status, counts: { total: 1 }, renders: [] });
    stub = await startStubServer([
      { status: 202, body: { success: true, data: batch('processing') } },
      { status: 200, body: { success: true, data: batch('finished') } },
    ]);
    const result = await clientFor(stub, []).batches.create(
      { artworks: [{ id: 'art', url: 'https://example.com/a.png' }], mockups: [BODY.mockup_uuid] },
      { wait: 30 },
    );

    expect(result.status).toBe('finished');
    expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/renders/batch' });
    expect(stub.requests[0]!.query.get('wait')).toBe('30');
    expect(stub.requests[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(stub.requests[1]).toMatchObject({ method: 'GET', path: '/api/v1/batches/b1' });
  });

  it('reports an unfinished batch’s archive as 409 CONFLICT', async () => {
    stub = await startStubServer([{ status: 409, body: errorBody('CONFLICT', 'batch is still processing') }]);
    const error = await clientFor(stub, [])
      .batches.archive('b1')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 409, code: 'CONFLICT', message: 'batch is still processing' });
  });
});
