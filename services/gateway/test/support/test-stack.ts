// One suite's world: its own Postgres database and Redis prefix, the real key-service process on
// them, and any number of in-process gateways (startGateway: listen(createApp(deps))).
// teardown() cleans up whatever start() got to, even when start() failed or timed out.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayConfigSchema, parseEnv } from '@platen/config';
import type { Resolver } from '@platen/outbound';
import {
  createKeyServiceAdmin,
  createTestDatabase,
  createTestRedis,
  waitFor,
  type KeyServiceAdmin,
  type TestDatabase,
  type TestRedis,
} from '@platen/testing';
import { pino } from 'pino';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway.js';
import { startKeyService, type KeyServiceProcess } from './key-service-process.js';
import { installSampleMockups } from './mockup-rows.js';

export const KEY_PREFIX = 'sm_';
/** What every name resolves to unless a test hands its gateway a resolver of its own: public, never contacted. */
export const STUB_PUBLIC_ADDRESS = '93.184.215.14';

/** Webhook URLs are resolved when registered: no test asks real DNS (the gateway never connects to them). */
export const publicStubResolver: Resolver = () =>
  Promise.resolve([{ address: STUB_PUBLIC_ADDRESS, family: 4 }]);

/**
 * A resolver answering `answers[name]`: addresses, `'ENOTFOUND'` (no such name) or `'EAI_AGAIN'` (DNS failing for
 * now); any other name resolves to STUB_PUBLIC_ADDRESS. `calls` lists the names asked.
 */
export function stubResolver(
  answers: Record<string, string[] | 'ENOTFOUND' | 'EAI_AGAIN'>,
): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve: Resolver = (hostname) => {
    calls.push(hostname);
    const answer = answers[hostname] ?? [STUB_PUBLIC_ADDRESS];
    if (typeof answer === 'string') {
      return Promise.reject(Object.assign(new Error(`getaddrinfo ${answer} ${hostname}`), { code: answer }));
    }
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}
/** Starting the stack may include building the key-service: slow on a busy machine. */
export const STACK_START_TIMEOUT_MS = 300_000;

export interface TestGateway extends RunningGateway {
  url: string;
}

export interface GatewayOverrides extends Partial<GatewayOptions> {
  /** Redis for this gateway only (e.g. a private redis-server the test kills). */
  redisUrl?: string;
  keyServiceUrl?: string;
  /** More environment for the gateway's config (e.g. MOCKUP_UPLOAD_MAX_BYTES). */
  env?: Record<string, string>;
}

export class TestStack {
  readonly redis: TestRedis;
  readonly serviceSecret = randomBytes(24).toString('hex');
  private databaseOrUndefined: TestDatabase | undefined;
  private keyServiceOrUndefined: KeyServiceProcess | undefined;
  private adminOrUndefined: KeyServiceAdmin | undefined;
  private readonly gateways: RunningGateway[] = [];
  private storageDirOrUndefined: string | undefined;

  constructor(readonly label: string) {
    this.redis = createTestRedis(label);
  }

  get database(): TestDatabase {
    if (!this.databaseOrUndefined) throw new Error('stack not started');
    return this.databaseOrUndefined;
  }

  get keyService(): KeyServiceProcess {
    if (!this.keyServiceOrUndefined) throw new Error('stack not started');
    return this.keyServiceOrUndefined;
  }

  /** One client per suite, so the accounts it creates are numbered apart. */
  get admin(): KeyServiceAdmin {
    this.adminOrUndefined ??= createKeyServiceAdmin(this.keyService.url, this.serviceSecret, {
      issuer: 'gateway-tests',
    });
    return this.adminOrUndefined;
  }

  /** The local storage root every gateway of this suite shares. */
  get storageDir(): string {
    if (!this.storageDirOrUndefined) throw new Error('stack not started');
    return this.storageDirOrUndefined;
  }

  async start(): Promise<void> {
    this.storageDirOrUndefined = await mkdtemp(join(tmpdir(), `platen-${this.label}-`));
    this.databaseOrUndefined = await createTestDatabase(this.label);
    await installSampleMockups(this.database.url);
    this.keyServiceOrUndefined = await startKeyService({
      databaseUrl: this.database.url,
      redisUrl: this.redis.url,
      redisPrefix: this.redis.prefix,
      serviceSecret: this.serviceSecret,
      keyPrefix: KEY_PREFIX,
    });
  }

  /** Starts a gateway and waits until it is subscribed to revocations (its key cache is in use). */
  async startGateway(overrides: GatewayOverrides = {}): Promise<TestGateway> {
    const { redisUrl, keyServiceUrl, env = {}, ...options } = overrides;
    const config = parseEnv(gatewayConfigSchema, {
      DATABASE_URL: this.database.url,
      REDIS_URL: redisUrl ?? this.redis.url,
      REDIS_PREFIX: this.redis.prefix,
      SERVICE_JWT_SECRET: this.serviceSecret,
      KEY_SERVICE_URL: keyServiceUrl ?? this.keyService.url,
      KEY_PREFIX,
      HOST: '127.0.0.1',
      PORT: '0',
      STORAGE_DIR: this.storageDir,
      ...env,
    });
    const gateway = await startGateway(config, {
      drainMs: 1_000,
      // The sample rows are installed by start(); generating the real samples takes tens of seconds.
      builtInSamples: () => Promise.resolve([]),
      resolve: publicStubResolver,
      ...options,
      logger: options.logger ?? pino({ level: 'silent' }),
    });
    this.gateways.push(gateway);
    await waitFor(() => gateway.revocationsSubscribed || undefined, {
      timeoutMs: 10_000,
      what: 'gateway subscribed to revocations',
    });
    return Object.assign(gateway, { url: `http://127.0.0.1:${gateway.port}` });
  }

  async teardown(): Promise<void> {
    await Promise.all(this.gateways.map((gateway) => gateway.close()));
    await this.keyServiceOrUndefined?.stop();
    await this.redis.cleanup();
    await this.databaseOrUndefined?.drop();
    if (this.storageDirOrUndefined) await rm(this.storageDirOrUndefined, { recursive: true, force: true });
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** GET with the headers given; the body parsed as JSON. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, body };
}
