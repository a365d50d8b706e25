// One schema per process. Every variable any Platen process reads is named here and nowhere else.
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
/** A port the user names, or none (the launcher then picks a free one). */
const namedPort = z.coerce.number().int().min(1).max(65535).optional();
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with protocol ${protocols.join(' or ')}`,
  );

const keyPrefix = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,11}_$/, 'must be lowercase letters/digits ending in "_", e.g. sm_')
  .default('sm_');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** OUTBOUND_ALLOW=n8n.internal,10.1.0.0/16: hosts or CIDRs outbound fetches may reach despite the SSRF guard. */
const outboundAllow = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );

const common = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: logLevel,
  DATA_DIR: z.string().default('.data'),
  KEY_PREFIX: keyPrefix,
  /** Namespaces every Redis key and channel, so several deployments or test suites share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .default('platen'),
};

const serviceSecret = z.string().min(32, 'must be at least 32 characters');

/** Bearer token for /metrics; unset leaves /metrics open (a container's network policy guards it). */
const metricsToken = z.string().min(16, 'must be at least 16 characters').optional();

/** Where template assets and render outputs live: a local directory (default) or an S3-compatible bucket. */
const storage = {
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  /** Local driver root; defaults to <DATA_DIR>/storage. */
  STORAGE_DIR: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  S3_KEY_PREFIX: z.string().default(''),
  /** How long a render's result.url stays valid. */
  RESULT_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
  /** Public base URL of the gateway, used in signed local-storage URLs. */
  PUBLIC_BASE_URL: url(['http:', 'https:']).default('http://localhost:8080'),
};

/** Largest canvas (width × height) an uploaded PSD or manifest may declare: a bomb is refused before it is decoded. */
const mockupMaxPixels = z.coerce.number().int().min(1_000_000).max(1_000_000_000).default(100_000_000);

const requireBucketForS3 = (
  config: { STORAGE_DRIVER: string; S3_BUCKET?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (config.STORAGE_DRIVER === 's3' && !config.S3_BUCKET) {
    ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE_DRIVER=s3' });
  }
};

/**
 * One account alone must be able to fill every compose slot, yet leave fetch slots for the others:
 * that is what keeps a slow artwork host from stalling everyone's renders.
 */
const requireFetchSlotsForOthers = (slots: RenderWorkerSlots, ctx: z.RefinementCtx) => {
  if (slots.perAccount < slots.compose) {
    ctx.addIssue({
      code: 'custom',
      path: ['WORKER_ACCOUNT_JOBS'],
      message: 'must be at least WORKER_CONCURRENCY (one account alone may use every compose slot)',
    });
  }
  if (slots.perAccount >= slots.jobs) {
    ctx.addIssue({
      code: 'custom',
      path: ['WORKER_ACCOUNT_JOBS'],
      message: 'must be below WORKER_FETCH_CONCURRENCY (other accounts need a slot)',
    });
  }
};

export const keyServiceConfigSchema = z.object({
  ...common,
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  SERVICE_JWT_SECRET: serviceSecret,
  KEY_SERVICE_HOST: z.string().default('127.0.0.1'),
  KEY_SERVICE_PORT: port(8081),
  DEFAULT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(100),
  DEFAULT_RATE_LIMIT_PER_DAY: z.coerce.number().int().positive().default(10_000),
  /** Lifetime of one dashboard session token; use refreshes it, up to 12 h after the password check. */
  DASHBOARD_SESSION_TTL_SECONDS: z.coerce.number().int().min(10).max(43_200).default(1_800),
  /** Starter credits of an account made by dashboard sign-up (a ledger grant); 0 gives none. */
  SIGNUP_CREDITS: z.coerce.number().int().min(0).max(1_000_000_000).default(100),
  /** Active (not revoked, not expired) API keys one account may hold; creating one more is 409. */
  MAX_ACTIVE_KEYS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(25),
  /** Password hashes (argon2, ~100 ms and 32 MiB each) computed at once; about the number of cores. */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Password hashes that may wait for a slot; past that, sign-up and log-in answer 503 with Retry-After. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
});
export type KeyServiceConfig = z.infer<typeof keyServiceConfigSchema>;

export const gatewayConfigSchema = z
  .object({
    ...common,
    ...storage,
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    REDIS_URL: url(['redis:', 'rediss:']),
    SERVICE_JWT_SECRET: serviceSecret,
    /** Containers bind every interface; `npm start` passes its own HOST (default 127.0.0.1). */
    HOST: z.string().default('0.0.0.0'),
    PORT: port(8080),
    METRICS_TOKEN: metricsToken,
    KEY_SERVICE_URL: url(['http:', 'https:']).default('http://127.0.0.1:8081'),
    OUTBOUND_ALLOW: outboundAllow,
    /** Largest PSD/PSB upload (`POST /api/v1/mockups`), streamed to storage, never held in memory: 300 MB. */
    MOCKUP_UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(4 * 1024 ** 3)
      .default(300 * 1024 ** 2),
    MOCKUP_MAX_PIXELS: mockupMaxPixels,
    /**
     * A request body (and the headers before it) must keep arriving: each window this long must bring
     * at least 64 KiB or the end of the body, or the request is cut off with 408. A trickle of a byte
     * every few seconds held a connection (and a file) open for minutes. 30 s.
     */
    BODY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /**
     * How long an idle kept-alive connection stays open. Longer than clients' and proxies' own idle
     * timeouts (typically 60 s), so the client, not the gateway, closes it: when the gateway closes
     * first (Node's default is 5 s), a client reusing the socket at that moment gets ECONNRESET. 65 s.
     */
    KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(65_000),
    /** Requests per minute of one account, all its keys and dashboard renders together (beside each key's own limit). */
    ACCOUNT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(300),
    /** Manual webhook redeliveries of one render per hour (POST /api/v1/renders/{uuid}/webhook/redeliver). */
    WEBHOOK_REDELIVERIES_PER_RENDER_PER_HOUR: z.coerce.number().int().min(1).max(1_000).default(5),
  })
  .superRefine(requireBucketForS3);
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const renderWorkerConfigSchema = z
  .object({
    ...common,
    ...storage,
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    REDIS_URL: url(['redis:', 'rediss:']),
    SERVICE_JWT_SECRET: serviceSecret,
    KEY_SERVICE_URL: url(['http:', 'https:']).default('http://127.0.0.1:8081'),
    OUTBOUND_ALLOW: outboundAllow,
    /** Renders compositing at once per process (CPU-bound: a few per core). */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** Render jobs in hand per process (fetching artwork or waiting for a compose slot): I/O-bound. Default max(16, 2 × WORKER_CONCURRENCY). */
    WORKER_FETCH_CONCURRENCY: z.coerce.number().int().min(2).max(256).optional(),
    /** One account's render jobs in hand per process; more are deferred. Default max(4, WORKER_CONCURRENCY). */
    WORKER_ACCOUNT_JOBS: z.coerce.number().int().min(1).max(255).optional(),
    METRICS_PORT: port(9464),
    /** Interface of the metrics listener (/metrics, /healthz); `npm start` passes 127.0.0.1. */
    METRICS_HOST: z.string().default('0.0.0.0'),
    MOCKUP_MAX_PIXELS: mockupMaxPixels,
    /** Decoded artwork kept in memory by content (bytes of pixels; 0: off): renders repeating an artwork decode it once. */
    ARTWORK_CACHE_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(64 * 1024 ** 3)
      .default(256 * 1024 ** 2),
    /**
     * Smart objects' warped layers kept in memory (bytes of pixels; 0: off): renders of one artwork in
     * one template (product colours, a batch's repeats) warp it once. A few MB per layer at 1000–2000 px.
     */
    WARPED_LAYER_CACHE_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(64 * 1024 ** 3)
      .default(128 * 1024 ** 2),
  })
  .superRefine(requireBucketForS3)
  .superRefine((config, ctx) => requireFetchSlotsForOthers(renderWorkerSlots(config), ctx));
export type RenderWorkerConfig = z.infer<typeof renderWorkerConfigSchema>;

export interface RenderWorkerSlots {
  /** WORKER_CONCURRENCY: renders compositing at once. */
  compose: number;
  /** WORKER_FETCH_CONCURRENCY: render jobs in hand (the BullMQ concurrency). */
  jobs: number;
  /** WORKER_ACCOUNT_JOBS: one account's render jobs in hand. */
  perAccount: number;
}

/** The worker's slots with their defaults filled in (the defaults follow WORKER_CONCURRENCY). */
export function renderWorkerSlots(
  config: Pick<RenderWorkerConfig, 'WORKER_CONCURRENCY' | 'WORKER_FETCH_CONCURRENCY' | 'WORKER_ACCOUNT_JOBS'>,
): RenderWorkerSlots {
  const compose = config.WORKER_CONCURRENCY;
  return {
    compose,
    jobs: config.WORKER_FETCH_CONCURRENCY ?? Math.max(16, 2 * compose),
    perAccount: config.WORKER_ACCOUNT_JOBS ?? Math.max(4, compose),
  };
}

/** The one-machine launcher (`npm start`) and the operator CLI: databases are optional, started if unset. */
export const localStackConfigSchema = z.object({
  ...common,
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  SERVICE_JWT_SECRET: serviceSecret.optional(),
  PORT: port(8080),
  /** Interface of the gateway; the other listeners always bind 127.0.0.1 under npm start. */
  HOST: z.string().default('127.0.0.1'),
  /** Unset: a free port, so two npm starts (different PORT and DATA_DIR) never collide. */
  KEY_SERVICE_PORT: namedPort,
  /** The render-worker's /metrics and /healthz; unset: a free port. */
  METRICS_PORT: namedPort,
  /** Bearer token for the gateway's /metrics; unset: one generated and kept in DATA_DIR/metrics.token. */
  METRICS_TOKEN: metricsToken,
  /** Base of signed result URLs; defaults to http://localhost:<PORT>. */
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
  OUTBOUND_ALLOW: z.string().default(''),
  /** Port for the embedded Postgres when DATABASE_URL is unset; 0 picks a free one. */
  EMBEDDED_POSTGRES_PORT: port(0),
  /** Port for the child redis-server when REDIS_URL is unset; 0 picks a free one. */
  EMBEDDED_REDIS_PORT: port(0),
  REDIS_SERVER_BIN: z.string().default('redis-server'),
});
export type LocalStackConfig = z.infer<typeof localStackConfigSchema>;

/** platen-mcp (packages/mcp-server): an MCP server that calls a Platen gateway with one API key. */
export const mcpServerConfigSchema = z.object({
  PLATEN_API_KEY: z.string({ error: 'is required: an API key (sm_…)' }),
  PLATEN_BASE_URL: url(['http:', 'https:']).default('http://localhost:8080'),
  /** stdio (what MCP hosts start) or http (streamable HTTP on PLATEN_MCP_HOST:PLATEN_MCP_PORT, path /mcp). */
  PLATEN_MCP_TRANSPORT: z.enum(['stdio', 'http']).default('stdio'),
  PLATEN_MCP_HOST: z.string().default('127.0.0.1'),
  PLATEN_MCP_PORT: port(3333),
});
export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;
