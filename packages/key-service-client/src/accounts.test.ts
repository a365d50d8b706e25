// The dashboard's key-service client passes on when to come back: a saturated password check (503
// with details.retry_after) stays a 503 that names the wait, which the error handler sends as
// Retry-After; any other failure is a plain 503.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '@platen/contracts';
import { createKeyServiceClient } from './key-service-client.js';

let server: Server;
let answer: { status: number; body: unknown } = { status: 200, body: {} };
let baseUrl: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const accounts = () =>
  createKeyServiceClient({
    baseUrl,
    serviceToken: () => Promise.resolve('token'),
    timeoutMs: { accounts: 5_000 },
  });

async function logInError(): Promise<ApiError> {
  const error: unknown = await accounts()
    .logIn({ email: 'someone@example.com', password: 'a long enough password' })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('the account service', () => {
  it('passes on a saturated password check as 503 with its retry_after', async () => {
    answer = {
      status: 503,
      body: { success: false, code: 'SERVICE_UNAVAILABLE', details: { retry_after: 1 } },
    };
    const error = await logInError();
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, details: { retry_after: 1 } });
  });

  it('answers any other failure with a plain 503 and no wait it cannot know', async () => {
    answer = { status: 500, body: { success: false, code: 'INTERNAL_ERROR' } };
    const error = await logInError();
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(error.details).toBeUndefined();
  });
  it("passes on the key-service's 404 for another account's key as it is", async () => {
    answer = { status: 404, body: { success: false, code: 'NOT_FOUND' } };
    const error: unknown = await accounts()
      .revokeKey('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('answers an answer of the wrong shape with 503, never passing it on', async () => {
    answer = { status: 200, body: { success: true, data: { id: 'a', email: 'x@example.com' } } };
    const error: unknown = await accounts()
      .account('00000000-0000-4000-8000-0000000000a1')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('returns the validated account', async () => {
    const account = { id: '00000000-0000-4000-8000-0000000000a1', email: 'x@example.com', credits: 5 };
    answer = { status: 200, body: { success: true, data: account } };
    await expect(accounts().account(account.id)).resolves.toEqual(account);
  });

  it('treats a session the key-service will not refresh as signed out', async () => {
    answer = { status: 401, body: { success: false, code: 'UNAUTHORIZED' } };
    await expect(accounts().refresh('old-token')).resolves.toBeUndefined();
  });
});
