// The whole stack as real processes for a fault test: the built key-service, gateway and N
// render-workers on 127.0.0.1, one storage directory, attached to the Postgres and Redis the test
// names (private ones it restarts) or to the suite's own database and key prefix on the shared ones.
// Every process can be stopped, killed and started again on its port.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createKeyServiceAdmin,
  createTestDatabase,
  deleteKeysWithPrefix,
  ensureWorkspaceBuilt,
  freePort,
  TEST_REDIS_URL,
  type KeyServiceAdmin,
  type TestDatabase,
} from '@platen/testing';
import { createServiceProcess, type ServiceProcess } from './service-process.js';

export const SERVICE_SECRET = 'fault-tests-service-secret-of-32-chars!!';
const UNLIMITED_KEY = { per_minute: 1_000_000, per_day: 100_000_000 };
/** Building the three services when stale, plus starting them (the gateway installs the samples). */
export const STACK_START_TIMEOUT_MS = 600_000;

export interface FaultStackOptions {
  label: string;
  /** A private Postgres's URL; default: a database of the suite's own on the shared server. */
  databaseUrl?: string;
  /** A private Redis's URL; default: the shared Redis under a key prefix of the suite's own. */
  redisUrl?: string;
  workers?: number;
  workerConcurrency?: number;
}

export interface FaultStack {
  gatewayUrl: string;
  keyServiceUrl: string;
  storageDir: string;
  keyService: ServiceProcess;
  gateway: ServiceProcess;
  workers: ServiceProcess[];
  admin: KeyServiceAdmin;
  /** Starts one more render-worker and waits until it is up. */
  addWorker(): Promise<ServiceProcess>;
  /** Every process's recent output, for failure messages. */
  outputs(): string;
  teardown(): Promise<void>;
}

/** Builds the three services (and their packages) when their dist is older than their sources. */
export async function ensureServicesBuilt(): Promise<void> {
  for (const workspace of ['services/key-service', 'services/gateway', 'services/render-worker']) {
    await ensureWorkspaceBuilt({ workspace, timeoutMs: 300_000, tolerateFailureWhenBuilt: true });
  }
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  await ensureServicesBuilt();
  const redisPrefix = `platen-f-${options.label.replace(/[^A-Za-z0-9]/g, '-').slice(0, 20)}-${randomBytes(4).toString('hex')}`;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  let database: TestDatabase | undefined;
  if (!options.databaseUrl) database = await createTestDatabase(`faults-${options.label}`);
  const databaseUrl = options.databaseUrl ?? database!.url;
  const storageDir = mkdtempSync(path.join(tmpdir(), `platen-faults-storage-`));
  const [keyServicePort, gatewayPort] = [await freePort(), await freePort()];
  const keyServiceUrl = `http://127.0.0.1:${keyServicePort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const common = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    SERVICE_JWT_SECRET: SERVICE_SECRET,
    STORAGE_DIR: storageDir,
    PUBLIC_BASE_URL: gatewayUrl,
  };
  const keyService = createServiceProcess({
    name: 'key-service',
    workspace: 'services/key-service',
    env: { ...common, KEY_SERVICE_HOST: '127.0.0.1', KEY_SERVICE_PORT: String(keyServicePort) },
    readyUrl: `${keyServiceUrl}/healthz`,
  });
  const gateway = createServiceProcess({
    name: 'gateway',
    workspace: 'services/gateway',
    env: {
      ...common,
      HOST: '127.0.0.1',
      PORT: String(gatewayPort),
      KEY_SERVICE_URL: keyServiceUrl,
      // The fault tests' keys are unlimited; the per-account ceiling would cap their bursts instead.
      ACCOUNT_RATE_LIMIT_PER_MINUTE: '1000000000',
      // The gateway refuses a webhook_url the workers could not reach: the loopback receiver, unless allowed.
      OUTBOUND_ALLOW: '127.0.0.1/32',
    },
    // 200 also when degraded: what a load balancer keeps in rotation.
    readyUrl: `${gatewayUrl}/readyz`,
    readyTimeoutMs: 240_000,
  });
  const workers: ServiceProcess[] = [];

  async function addWorker(): Promise<ServiceProcess> {
    const metricsPort = await freePort();
    const worker = createServiceProcess({
      name: `render-worker ${workers.length + 1}`,
      workspace: 'services/render-worker',
      env: {
        ...common,
        KEY_SERVICE_URL: keyServiceUrl,
        METRICS_PORT: String(metricsPort),
        // The webhook receiver listens on loopback, which the SSRF guard refuses unless allowed.
        OUTBOUND_ALLOW: '127.0.0.1/32',
        WORKER_CONCURRENCY: String(options.workerConcurrency ?? 2),
      },
      readyUrl: `http://127.0.0.1:${metricsPort}/healthz`,
    });
    workers.push(worker);
    await worker.start();
    return worker;
  }

  const all = () => [keyService, gateway, ...workers];
  const stack: FaultStack = {
    gatewayUrl,
    keyServiceUrl,
    storageDir,
    keyService,
    gateway,
    workers,
    admin: createKeyServiceAdmin(keyServiceUrl, SERVICE_SECRET, {
      issuer: 'fault-tests',
      // Rate limits out of the way: the load is the point, not the limiter.
      keyDefaults: { name: 'fault tests', rate_limits: UNLIMITED_KEY },
    }),
    addWorker,
    outputs: () =>
      all()
        .map((proc) => `--- ${proc.name} ---\n${proc.output().slice(-4_000)}`)
        .join('\n'),
    async teardown() {
      await Promise.all(all().map((proc) => proc.stop().catch(() => undefined)));
      if (!options.redisUrl) await deleteKeysWithPrefix(redisUrl, redisPrefix).catch(() => undefined);
      await database?.drop().catch(() => undefined);
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
  try {
    await keyService.start();
    await gateway.start();
    for (let i = 0; i < (options.workers ?? 2); i++) await addWorker();
  } catch (error) {
    await stack.teardown();
    throw error;
  }
  return stack;
}
