import { freePort } from '@platen/testing';
import { createServiceTokenSigner, listen, requireServiceToken, type RunningServer } from '@platen/http';
import express from 'express';
import { pino } from 'pino';
import { KeyServiceUnavailableError } from './errors.js';
import { createKeyServiceClient } from './key-service-client.js';

const SECRET = 's'.repeat(40);
const KEY = 'sm_' + 'k'.repeat(64);
const VALID = {
  valid: true,
  key_id: '00000000-0000-4000-8000-000000000001',
  account_id: '00000000-0000-4000-8000-0000000000a1',
  key_hint: 'sm_kkkkkkkk',
  status: 'active',
  expires_at: null,
  revoked_at: null,
  limits: { per_minute: 100, per_day: 10_000 },
};

/** A stand-in key-service on 127.0.0.1 whose verify behaviour each test sets. */
let behaviour: (res: express.Response) => void;
let verifyCalls = 0;
let received: unknown[] = [];
let server: RunningServer;
let baseUrl: string;
let closedUrl: string;

beforeAll(async () => {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/internal/v1/keys/verify', requireServiceToken(SECRET), express.json(), (req, res) => {
    verifyCalls++;
    received.push(req.body);
    behaviour(res);
  });
  server = await listen(app, 0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${server.port}`;
  closedUrl = `http://127.0.0.1:${await freePort()}`;
});

afterAll(() => server.close(100));

beforeEach(() => {
  verifyCalls = 0;
  received = [];
  behaviour = (res) => {
    res.json({ success: true, data: VALID });
  };
});

function client(
  overrides: { timeoutMs?: number; resetTimeoutMs?: number; secret?: string; url?: string } = {},
) {
  return createKeyServiceClient({
    baseUrl: overrides.url ?? baseUrl,
    serviceToken: createServiceTokenSigner(overrides.secret ?? SECRET, 'gateway'),
    logger: pino({ level: 'silent' }),
    timeoutMs: { verify: overrides.timeoutMs ?? 1_000 },
    breaker: {
      volumeThreshold: 2,
      errorThresholdPercentage: 50,
      resetTimeoutMs: overrides.resetTimeoutMs ?? 60_000,
    },
  });
}

describe('the key-service client', () => {
  it('verifies a key with a service token and returns the validated answer', async () => {
    const keyService = client();
    await expect(keyService.verify(KEY)).resolves.toEqual(VALID);
    expect(received).toEqual([{ key: KEY }]);
    keyService.close();
  });

  it('passes on an unknown key as valid: false, without tripping the breaker', async () => {
    behaviour = (res) => {
      res.json({ success: true, data: { valid: false } });
    };
    const keyService = client();
    for (let i = 0; i < 4; i++) await expect(keyService.verify(KEY)).resolves.toEqual({ valid: false });
    expect(verifyCalls).toBe(4);
    keyService.close();
  });

  it('reports a 5xx as unavailable', async () => {
    behaviour = (res) => {
      res.status(500).json({ success: false });
    };
    const keyService = client();
    await expect(keyService.verify(KEY)).rejects.toBeInstanceOf(KeyServiceUnavailableError);
    keyService.close();
  });

  it('reports a refused service token as unavailable, not as a bad client key', async () => {
    const keyService = client({ secret: 'w'.repeat(40) });
    await expect(keyService.verify(KEY)).rejects.toBeInstanceOf(KeyServiceUnavailableError);
    expect(verifyCalls).toBe(0);
    keyService.close();
  });

  it('reports an answer of the wrong shape as unavailable', async () => {
    behaviour = (res) => {
      res.json({ success: true, data: { valid: true, key_id: 'not-a-uuid' } });
    };
    const keyService = client();
    await expect(keyService.verify(KEY)).rejects.toBeInstanceOf(KeyServiceUnavailableError);
    keyService.close();
  });

  it('gives up on a key-service that does not answer within the timeout', async () => {
    const held: express.Response[] = [];
    behaviour = (res) => {
      held.push(res);
    };
    const keyService = client({ timeoutMs: 200 });
    await expect(keyService.verify(KEY)).rejects.toBeInstanceOf(KeyServiceUnavailableError);
    for (const res of held) res.end();
    keyService.close();
  });

  it('reports a key-service that is not listening as unavailable', async () => {
    const keyService = client({ url: closedUrl });
    await expect(keyService.verify(KEY)).rejects.toThrow(/ECONNREFUSED/);
    keyService.close();
  });

  it('stops calling a failing key-service once the breaker opens, and tries again after the reset time', async () => {
    behaviour = (res) => {
      res.status(503).end();
    };
    const keyService = client({ resetTimeoutMs: 300 });
    for (let i = 0; i < 3; i++) await expect(keyService.verify(KEY)).rejects.toThrow();
    const callsWhenOpen = verifyCalls;
    await expect(keyService.verify(KEY)).rejects.toThrow(/EOPENBREAKER/);
    expect(verifyCalls).toBe(callsWhenOpen);

    behaviour = (res) => {
      res.json({ success: true, data: VALID });
    };
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(keyService.verify(KEY)).resolves.toEqual(VALID);
    await expect(keyService.verify(KEY)).resolves.toEqual(VALID);
    keyService.close();
  });

  it('probes health without the breaker', async () => {
    expect(await client().healthy()).toBe(true);
    expect(await client({ url: closedUrl }).healthy()).toBe(false);
  });
});
