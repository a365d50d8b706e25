// Platen as the benchmarks run it: the built key-service, optionally the gateway and N render-workers,
// each a child process on 127.0.0.1 in production mode, on a throwaway database, Redis prefix and
// storage directory, with one account and one API key made through the key-service's internal API.
// stop() ends every child and removes what the run left; a start that fails or is aborted cleans up
// after itself before it rejects, so a benchmark never leaves processes or databases behind.
// Plain .mjs (not in packages/testing): the benchmarks run with node alone, and the test helpers are
// loaded by jest from TypeScript sources.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { createServiceTokenSigner } from '@platen/http';
import { workerAllocatorEnv } from '@platen/local-stack';
import {
  createServiceProcesses,
  databaseUrl,
  freePort,
  onPostgresServer,
  removeRunData,
  waitHealthy,
} from './child-services.mjs';

const { fetch, AbortSignal } = globalThis;

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNLIMITED = 1_000_000_000;

/**
 * name: short tag for the database, Redis prefix, storage dir and account (e.g. 'e2e', 'gw').
 * gateway: start one (default true). workers: render-workers (default 0), each with
 * WORKER_CONCURRENCY `workerConcurrency` when given and niced to `workerNice` when above 0.
 * workerNodeArgs: node options for each render-worker (e.g. --cpu-prof); workerEnv: more of its
 * environment (e.g. WORKER_ACCOUNT_JOBS), or a function of the worker's index (0-based) returning it,
 * to run workers side by side with different settings. workerAllocator: 'npm-start' (default) gives
 * the workers the malloc npm start gives them (jemalloc when installed, else MALLOC_ARENA_MAX=2);
 * 'inherit' leaves the environment's own.
 * keyServiceEnv: more environment for the key-service. account: the credits and key options of
 * the account made at the end (default: 1e9 credits, a key with rate limits far above any load).
 * signal: aborts the start (the stack is cleaned up before the promise rejects).
 */
function describeAllocator(added) {
  const env = { ...process.env, ...added };
  const chosen = ['LD_PRELOAD', 'MALLOC_ARENA_MAX'].filter((name) => env[name]);
  return chosen.length
    ? chosen.map((name) => `${name}=${env[name]}`).join(', ')
    : "glibc's malloc, default arenas";
}

export async function startPlatenStack({
  name,
  log,
  gateway: withGateway = true,
  workers: workerCount = 0,
  workerConcurrency,
  workerNice = 0,
  workerNodeArgs = [],
  workerEnv = {},
  workerAllocator = 'npm-start',
  keyServiceEnv = {},
  account: accountOptions = {},
  stopGraceMs = 20_000,
  pgServer = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  signal,
}) {
  const id = randomBytes(4).toString('hex');
  const dbName = `platen_bench_${name.replace(/\W/g, '_')}_${id}`;
  const redisPrefix = `platen-bench-${name}-${id}`;
  const secret = randomBytes(24).toString('hex');
  const serviceToken = createServiceTokenSigner(secret, 'bench');
  const services = createServiceProcesses({ cwd: ROOT, stopGraceMs });
  let databaseCreated = false;
  let storageDir;
  let stopping;

  function stop() {
    stopping ??= (async () => {
      await services.stopAll();
      if (databaseCreated) await removeRunData({ redisUrl, redisPrefix, pgServer, dbName, log });
      if (storageDir) await rm(storageDir, { recursive: true, force: true });
    })();
    return stopping;
  }

  try {
    await onPostgresServer(pgServer, `create database ${dbName}`);
    databaseCreated = true;
    storageDir = await mkdtemp(join(tmpdir(), `platen-bench-${name}-`));
    const common = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl(pgServer, dbName),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      SERVICE_JWT_SECRET: secret,
      STORAGE_DIR: storageDir,
    };

    const keyServicePort = await freePort();
    const keyServiceUrl = `http://127.0.0.1:${keyServicePort}`;
    const keyService = services.start('key-service', ['services/key-service/dist/main.js'], {
      ...common,
      ...keyServiceEnv,
      KEY_SERVICE_HOST: '127.0.0.1',
      KEY_SERVICE_PORT: String(keyServicePort),
    });
    await waitHealthy(keyService, `${keyServiceUrl}/healthz`, 60_000, signal);

    /** A call on the key-service's internal API: POST with a body, GET without. */
    async function internal(path, body) {
      const response = await fetch(`${keyServiceUrl}/internal/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await serviceToken()}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const payload = await response.json();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(payload)}`);
      return payload.data;
    }

    let publicBaseUrl;
    const gatewayEnv = (port) => ({
      ...common,
      HOST: '127.0.0.1',
      PORT: String(port),
      KEY_SERVICE_URL: keyServiceUrl,
      PUBLIC_BASE_URL: publicBaseUrl ?? `http://127.0.0.1:${port}`,
      // The benchmarks' keys are unlimited; the per-account ceiling would cap them instead.
      ACCOUNT_RATE_LIMIT_PER_MINUTE: String(UNLIMITED),
    });
    /** One more gateway on a port of its own (e.g. with --cpu-prof); the stack stops it too. */
    async function startGateway(nodeArgs = []) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const proc = services.start(
        'gateway',
        [...nodeArgs, 'services/gateway/dist/main.js'],
        gatewayEnv(port),
      );
      await waitHealthy(proc, `${url}/readyz`, 180_000, signal);
      return { proc, url };
    }

    let gateway;
    if (withGateway) {
      log('starting the gateway (it installs the sample mockups: generating them takes a while)');
      gateway = await startGateway();
      publicBaseUrl = gateway.url;
    }

    const workers = [];
    for (let i = 0; i < workerCount; i++) {
      const metricsPort = await freePort();
      const worker = services.start(
        `render-worker ${i + 1}`,
        [...workerNodeArgs, 'services/render-worker/dist/main.js'],
        {
          ...common,
          KEY_SERVICE_URL: keyServiceUrl,
          METRICS_PORT: String(metricsPort),
          ...(publicBaseUrl ? { PUBLIC_BASE_URL: publicBaseUrl } : {}),
          ...(workerConcurrency ? { WORKER_CONCURRENCY: String(workerConcurrency) } : {}),
          ...(workerAllocator === 'npm-start' ? workerAllocatorEnv({ env: process.env }) : {}),
          ...(typeof workerEnv === 'function' ? workerEnv(i) : workerEnv),
        },
      );
      await waitHealthy(worker, `http://127.0.0.1:${metricsPort}/healthz`, 120_000, signal);
      // Renders are batch work: on a machine shared with the API they may yield the CPU to it, as
      // separate worker machines would.
      if (workerNice > 0) setPriority(worker.child.pid, workerNice);
      workers.push({ ...worker, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` });
    }

    signal?.throwIfAborted();
    const account = await internal('/accounts', {
      email: `bench-${name}-${id}@example.com`,
      credits: accountOptions.credits ?? UNLIMITED,
    });
    const { key } = await internal(
      `/accounts/${account.id}/keys`,
      accountOptions.key ?? {
        name: `bench ${name}`,
        rate_limits: { per_minute: UNLIMITED, per_day: UNLIMITED },
      },
    );

    return {
      keyServiceUrl,
      url: gateway?.url,
      apiKey: key,
      accountId: account.id,
      databaseUrl: common.DATABASE_URL,
      dbName,
      pgServer,
      redisUrl,
      redisPrefix,
      storageDir,
      serviceToken,
      internal,
      processes: { keyService, gateway: gateway?.proc, workers },
      /** What the workers' malloc is, for a report: e.g. `LD_PRELOAD=/usr/lib/…/libjemalloc.so.2`. */
      workerAllocator: describeAllocator(
        workerAllocator === 'npm-start' ? workerAllocatorEnv({ env: process.env }) : {},
      ),
      /** To start more children (stopped with the stack) or stop one early. */
      services,
      startGateway,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
