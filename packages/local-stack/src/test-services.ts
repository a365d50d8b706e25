// The Postgres and Redis a test run uses: TEST_DATABASE_URL / TEST_REDIS_URL when set; else whatever
// answers on 127.0.0.1:5432 / 6379 (the dev and CI machines); else an embedded Postgres and a child
// redis-server of our own, under a temporary DATA_DIR, on free ports, stopped and removed by close().
// So `npm test` needs nothing but Node and redis-server.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStackConfigSchema, parseEnv } from '@platen/config';
import { openPostgres } from './embedded-postgres.js';
import { openRedis } from './embedded-redis.js';
import type { OpenedService } from './opened-service.js';

const PROBE_TIMEOUT_MS = 1_000;

export interface TestServicesOptions {
  env: {
    TEST_DATABASE_URL?: string | undefined;
    TEST_REDIS_URL?: string | undefined;
    REDIS_SERVER_BIN?: string | undefined;
  };
  /** Where the test helpers look when the variables are unset. */
  defaultPorts?: { postgres: number; redis: number };
  log: (line: string) => void;
}

export interface TestServices {
  /** TEST_DATABASE_URL / TEST_REDIS_URL of what was started, for the test workers; empty if nothing was. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** True when something accepts a TCP connection on 127.0.0.1:port within a second. */
export function answersOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The server URL of the embedded cluster (database `postgres`: test helpers create their own). */
const serverUrl = (url: string) => Object.assign(new URL(url), { pathname: '/postgres' }).toString();

export async function openTestServices({
  env,
  defaultPorts = { postgres: 5432, redis: 6379 },
  log,
}: TestServicesOptions): Promise<TestServices> {
  const needPostgres = !env.TEST_DATABASE_URL && !(await answersOn(defaultPorts.postgres));
  const needRedis = !env.TEST_REDIS_URL && !(await answersOn(defaultPorts.redis));
  if (!needPostgres && !needRedis) return { env: {}, close: () => Promise.resolve() };

  // Under /tmp and enterable by others: run as root, the embedded Postgres runs as `postgres`.
  const dataDir = mkdtempSync(join(tmpdir(), 'platen-test-services-'));
  chmodSync(dataDir, 0o755);
  const config = parseEnv(localStackConfigSchema, {
    DATA_DIR: dataDir,
    REDIS_SERVER_BIN: env.REDIS_SERVER_BIN,
  });
  const opened: OpenedService[] = [];
  const close = async () => {
    for (let service = opened.pop(); service; service = opened.pop()) await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started: Record<string, string> = {};
  try {
    if (needRedis) {
      const redis = await openRedis(config, log, { startIfAbsent: true });
      if (!redis) throw new Error('redis-server could not be started');
      opened.push(redis);
      started.TEST_REDIS_URL = redis.url;
    }
    if (needPostgres) {
      const postgres = await openPostgres(config, log);
      opened.push(postgres);
      started.TEST_DATABASE_URL = serverUrl(postgres.url);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { env: started, close };
}
