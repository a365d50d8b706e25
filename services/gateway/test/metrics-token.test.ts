// /metrics on the public port: with METRICS_TOKEN (npm start always has one) only a caller with the
// bearer token reads it; everyone else gets 401 UNAUTHORIZED in the error envelope.
import { get, STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const TOKEN = 'metrics-token-of-this-suite-0123456789';
const stack = new TestStack('gw-metrics-token');
let guarded: TestGateway;
let open: TestGateway;

beforeAll(async () => {
  await stack.start();
  guarded = await stack.startGateway({ env: { METRICS_TOKEN: TOKEN } });
  open = await stack.startGateway();
}, STACK_START_TIMEOUT_MS);

afterAll(() => stack.teardown());

describe('GET /metrics with METRICS_TOKEN', () => {
  it('answers the Prometheus text to Authorization: Bearer <METRICS_TOKEN>', async () => {
    const response = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^# TYPE http_requests_total counter$/m);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer metrics-token-of-this-suite-0123456780' }],
    ['a longer token with the right start', { authorization: `Bearer ${TOKEN}x` }],
    ['the token without "Bearer"', { authorization: TOKEN }],
    ['an API key header instead', { 'x-api-key': TOKEN }],
  ])('answers 401 UNAUTHORIZED in the envelope to %s, without the metrics', async (_what, headers) => {
    const answer = await get(`${guarded.url}/metrics`, headers);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      success: false,
      code: 'UNAUTHORIZED',
      error: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
    });
    expect(typeof answer.body.request_id).toBe('string');
    expect(JSON.stringify(answer.body)).not.toContain('http_requests_total');
  });

  it('stays open without METRICS_TOKEN (containers, where a network policy guards it)', async () => {
    const response = await fetch(`${open.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# TYPE http_requests_total counter$/m);
  });
});
