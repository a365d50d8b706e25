// `npm start`: Platen on one machine as one supervised process tree. Order matters both ways:
// databases, then migrations, then services; on SIGINT/SIGTERM/SIGHUP services first, databases last,
// and nothing started here is left running.
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { localStackConfigSchema, parseEnvOrExit, type LocalStackConfig } from '@platen/config';
import { dataDirLayout, type DataDirLayout } from './data-dir.js';
import { prepareDatabase } from './database-setup.js';
import { openPostgres } from './embedded-postgres.js';
import { openRedis } from './embedded-redis.js';
import { acquireLauncherLock } from './launcher-lock.js';
import { createServicePidRecord } from './leftover-services.js';
import {
  checkNamedPorts,
  gatewayProbeHost,
  listenerLines,
  resolveListeners,
  type Listeners,
} from './listeners.js';
import { readyMessage } from './operator-hint.js';
import { waitUntilReady } from './readiness.js';
import { servicesToRun } from './service-entries.js';
import { readOrCreateMetricsToken, readOrCreateServiceSecret } from './service-secret.js';
import { createSupervisor } from './supervisor.js';
import { workerAllocatorEnv } from './worker-allocator.js';

const READY_TIMEOUT_MS = 120_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Thrown at a startup step reached after a stop was requested: not an error, just the way out. */
class StopRequested extends Error {}

const say = (line: string) => process.stdout.write(`platen | ${line}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface ServiceSettings {
  urls: { database: string; redis: string };
  listeners: Listeners;
  secret: string;
  metricsToken: string;
}

function serviceEnv(
  config: LocalStackConfig,
  layout: DataDirLayout,
  { urls, listeners, secret, metricsToken }: ServiceSettings,
): NodeJS.ProcessEnv {
  // Each service reads only the variables of its own config schema; the rest is harmless to it.
  return {
    ...process.env,
    NODE_ENV: config.NODE_ENV,
    LOG_LEVEL: config.LOG_LEVEL,
    DATA_DIR: layout.root,
    KEY_PREFIX: config.KEY_PREFIX,
    REDIS_PREFIX: config.REDIS_PREFIX,
    OUTBOUND_ALLOW: config.OUTBOUND_ALLOW,
    DATABASE_URL: urls.database,
    REDIS_URL: urls.redis,
    SERVICE_JWT_SECRET: secret,
    // Only the gateway may face other machines (HOST); every other listener stays on 127.0.0.1.
    HOST: listeners.host,
    PORT: String(listeners.gateway),
    METRICS_TOKEN: metricsToken,
    KEY_SERVICE_HOST: '127.0.0.1',
    KEY_SERVICE_PORT: String(listeners.keyService),
    KEY_SERVICE_URL: `http://127.0.0.1:${listeners.keyService}`,
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(listeners.workerMetrics),
    // Signed result URLs must point at this gateway's port unless the operator names a public URL.
    PUBLIC_BASE_URL: config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`,
  };
}

function createLauncher(config: LocalStackConfig, repoRoot: string) {
  const layout = dataDirLayout(config.DATA_DIR);
  const stopController = new AbortController();
  const stopRequested = new Promise<void>((resolve) =>
    stopController.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  // Undone in reverse order: services, then Postgres, then Redis, then the lock.
  const cleanups: Array<{ what: string; run: () => Promise<void> | void }> = [];
  const checkpoint = () => {
    if (stopController.signal.aborted) throw new StopRequested();
  };

  async function start(): Promise<void> {
    mkdirSync(layout.root, { recursive: true });
    const services = servicesToRun(repoRoot, say);
    const lock = acquireLauncherLock(layout.launcherPidFile);
    cleanups.push({ what: '', run: () => lock.release() });
    const servicePids = createServicePidRecord(layout.servicePidsFile);
    await servicePids.stopLeftovers(say);
    await checkNamedPorts(config);

    // Holding the lock, anything still running under DATA_DIR was left by a launcher that died: adopt it.
    const redis = await openRedis(config, say, { startIfAbsent: true, adoptRunning: true });
    if (!redis) throw new Error('Redis could not be opened');
    cleanups.push({ what: 'Redis', run: () => redis.close() });
    checkpoint();
    const postgres = await openPostgres(config, say, { adoptRunning: true });
    cleanups.push({ what: 'Postgres', run: () => postgres.close() });
    checkpoint();

    const secret = readOrCreateServiceSecret(config);
    const metricsToken = readOrCreateMetricsToken(config);
    const listeners = await resolveListeners(config);
    const database = await prepareDatabase(postgres.url);
    if (database.applied.length) say(`applied migrations: ${database.applied.join(', ')}`);
    checkpoint();

    const supervisor = createSupervisor({
      children: services.map(({ name, entry }) => {
        const env = serviceEnv(config, layout, {
          urls: { database: postgres.url, redis: redis.url },
          listeners,
          secret,
          metricsToken,
        });
        return {
          name,
          entry,
          cwd: repoRoot,
          env: name === 'render-worker' ? { ...env, ...workerAllocatorEnv({ env }) } : env,
        };
      }),
      log: (line) => process.stdout.write(`${line}\n`),
      onPidsChange: (pids) => servicePids.write(pids),
    });
    cleanups.push({
      what: 'services',
      run: async () => {
        await supervisor.stop();
        servicePids.clear();
      },
    });
    supervisor.start();

    // The key-service first: the gateway's /readyz fails (and logs it) until the key-service answers.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (const [name, host, port] of [
      ['key-service', '127.0.0.1', listeners.keyService],
      ['gateway', gatewayProbeHost(listeners.host), listeners.gateway],
    ] as const) {
      const readyz = `http://${host}:${port}/readyz`;
      const outcome = await waitUntilReady(readyz, {
        timeoutMs: Math.max(deadline - Date.now(), 0),
        signal: stopController.signal,
      });
      checkpoint();
      if (outcome !== 'ready')
        throw new Error(
          `${name} not ready after ${READY_TIMEOUT_MS / 1000} s (${readyz} never answered 200): see its output above`,
        );
    }

    const message = readyMessage({
      port: config.PORT,
      accounts: database.accounts,
      dataDir: config.DATA_DIR === '.data' ? undefined : config.DATA_DIR,
      sameEnv: (['DATABASE_URL', 'REDIS_URL', 'SERVICE_JWT_SECRET'] as const).filter((name) => config[name]),
    });
    for (const line of message) say(line);
    const lines = listenerLines(listeners, {
      workerRuns: services.some(({ name }) => name === 'render-worker'),
      metricsTokenFrom: config.METRICS_TOKEN ? 'METRICS_TOKEN' : layout.metricsTokenFile,
    });
    for (const line of lines) say(line);
    say(`ready in ${(performance.now() / 1000).toFixed(1)} s; database and Redis logs in ${layout.logs}`);
  }

  async function cleanUp(): Promise<void> {
    for (let next = cleanups.pop(); next; next = cleanups.pop()) {
      if (next.what) say(`stopping ${next.what}`);
      try {
        await next.run();
      } catch (error) {
        say(`could not stop ${next.what || 'cleanly'}: ${messageOf(error)}`);
      }
    }
  }

  return { start, stopRequested, requestStop: () => stopController.abort(), cleanUp };
}

async function main(): Promise<number> {
  const config = parseEnvOrExit(localStackConfigSchema, process.env, 'platen');
  const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
  const launcher = createLauncher(config, repoRoot);
  let exitCode = 0;

  let stopping = false;
  const stop = (why: string) => {
    // npm forwards a terminal's SIGINT too, so a second signal is normal: stop once.
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping`);
    launcher.requestStop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  process.on('uncaughtException', (error) => {
    process.stderr.write(`platen: ${error.stack ?? messageOf(error)}\n`);
    exitCode = 1;
    stop('internal error');
  });

  try {
    await launcher.start();
    await launcher.stopRequested;
  } catch (error) {
    if (!(error instanceof StopRequested)) {
      process.stderr.write(`platen: ${messageOf(error)}\n`);
      exitCode = 1;
    }
  }
  await launcher.cleanUp();
  say('stopped');
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`platen: ${messageOf(error)}\n`);
    process.exit(1);
  },
);
