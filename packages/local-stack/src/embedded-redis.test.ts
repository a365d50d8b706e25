import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStackConfigSchema, parseEnv } from '@platen/config';
import { openRedis, REDIS_NOT_FOUND } from './embedded-redis.js';
import { redisServerPid } from './redis-probe.js';
import { isAlive, livePidFrom } from './running-process.js';

let dataDir: string;
const log = () => undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'platen-redis-'));
});

afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const configFor = (env: Record<string, string> = {}) =>
  parseEnv(localStackConfigSchema, { DATA_DIR: dataDir, ...env });
const portOf = (url: string) => Number(new URL(url).port);

describe('openRedis', () => {
  it('starts a redis-server with AOF under DATA_DIR, which close() stops', async () => {
    const redis = await openRedis(configFor(), log, { startIfAbsent: true });
    expect(redis?.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const pid = livePidFrom(join(dataDir, 'redis', 'redis.pid'), 'redis');
    expect(await redisServerPid(portOf(redis!.url))).toBe(pid);
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    await redis!.close();
    expect(await redisServerPid(portOf(redis!.url))).toBeUndefined();
    expect(isAlive(pid!)).toBe(false);
  });

  it('attaches to the redis-server already running for DATA_DIR and leaves it running on close', async () => {
    const started = await openRedis(configFor(), log, { startIfAbsent: true });
    const attached = await openRedis(configFor(), log);
    expect(attached?.url).toBe(started?.url);
    await attached!.close();
    expect(await redisServerPid(portOf(started!.url))).toBeDefined();
    await started!.close();
  });

  it('stops an adopted redis-server on close (one left behind by a launcher that died)', async () => {
    const orphan = await openRedis(configFor(), log, { startIfAbsent: true });
    const adopted = await openRedis(configFor(), log, { startIfAbsent: true, adoptRunning: true });
    expect(adopted?.url).toBe(orphan?.url);
    await adopted!.close();
    expect(await redisServerPid(portOf(orphan!.url))).toBeUndefined();
    await orphan!.close();
  });

  it('answers undefined when none runs and it may not start one', async () => {
    expect(await openRedis(configFor(), log)).toBeUndefined();
  });

  it('explains in one line how to get redis-server when the binary is missing', async () => {
    const config = configFor({ REDIS_SERVER_BIN: join(dataDir, 'no-such-redis-server') });
    await expect(openRedis(config, log, { startIfAbsent: true })).rejects.toThrow(REDIS_NOT_FOUND);
    expect(REDIS_NOT_FOUND).not.toContain('\n');
  });

  it('reports why redis-server failed to start, from its log', async () => {
    const first = await openRedis(configFor(), log, { startIfAbsent: true });
    const otherDir = mkdtempSync(join(tmpdir(), 'platen-redis-'));
    try {
      const busy = configFor({ DATA_DIR: otherDir, EMBEDDED_REDIS_PORT: String(portOf(first!.url)) });
      await expect(openRedis(busy, log, { startIfAbsent: true })).rejects.toThrow(
        /did not start.*(in use|listening)/i,
      );
    } finally {
      await first!.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('uses REDIS_URL as it is, starting nothing', async () => {
    const redis = await openRedis(configFor({ REDIS_URL: 'redis://10.0.0.5:6380' }), log, {
      startIfAbsent: true,
    });
    expect(redis?.url).toBe('redis://10.0.0.5:6380');
    expect(existsSync(join(dataDir, 'redis'))).toBe(false);
  });
});
