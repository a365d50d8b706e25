// Graceful shutdown: close() stops accepting, lets the request in flight finish with its answer,
// then closes Redis and Postgres.
import { gatewayConfigSchema, parseEnv } from '@platen/config';
import { generateApiKey } from '@platen/contracts';
import { listen, requireServiceToken, type RunningServer } from '@platen/http';
import { createTestDatabase, createTestRedis, type TestDatabase } from '@platen/testing';
import express from 'express';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../src/gateway.js';

const SECRET = 'z'.repeat(40);
const redis = createTestRedis('gw-shutdown');
let database: TestDatabase;
let slowKeyService: RunningServer;
let gateway: RunningGateway;

beforeAll(async () => {
  database = await createTestDatabase('gw-shutdown');
  // Answers verify after 700 ms, so a request stays in flight while the gateway is asked to close.
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/internal/v1/keys/verify', requireServiceToken(SECRET), (_req, res) => {
    setTimeout(() => {
      res.json({
        success: true,
        data: {
          valid: true,
          key_id: '00000000-0000-4000-8000-000000000001',
          account_id: '00000000-0000-4000-8000-0000000000a1',
          key_hint: 'sm_slowslow',
          status: 'active',
          expires_at: null,
          revoked_at: null,
          limits: { per_minute: 100, per_day: 10_000 },
        },
      });
    }, 700);
  });
  slowKeyService = await listen(app, 0, '127.0.0.1');
  const config = parseEnv(gatewayConfigSchema, {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    SERVICE_JWT_SECRET: SECRET,
    KEY_SERVICE_URL: `http://127.0.0.1:${slowKeyService.port}`,
    HOST: '127.0.0.1',
    PORT: '0',
  });
  gateway = await startGateway(config, { logger: pino({ level: 'silent' }), drainMs: 5_000 });
}, 60_000);

afterAll(async () => {
  await slowKeyService.close(100);
  await redis.cleanup();
  await database.drop();
});

describe('graceful shutdown', () => {
  it('finishes the request in flight with its real answer, then refuses new connections', async () => {
    const url = `http://127.0.0.1:${gateway.port}/api/v1/mockups`;
    const inFlight = fetch(url, { headers: { 'X-API-KEY': generateApiKey('sm_').key } });
    await new Promise((resolve) => setTimeout(resolve, 200));

    let closed = false;
    const closing = gateway.close().then(() => (closed = true));
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { success: boolean }).success).toBe(true);
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });
});
