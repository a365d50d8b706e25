// What each containerised process reads (its schema in packages/config) and what a container must set
// although the schema has a default: the defaults are right for `npm start` on one machine only.
import {
  ConfigError,
  gatewayConfigSchema,
  keyServiceConfigSchema,
  localStackConfigSchema,
  parseEnv,
  renderWorkerConfigSchema,
} from '@platen/config';

/** The processes the images run; `migrate` is the key-service image running the operator CLI. */
export const PROCESSES = ['gateway', 'key-service', 'render-worker', 'migrate'] as const;
export type ProcessName = (typeof PROCESSES)[number];

const SCHEMAS = {
  gateway: gatewayConfigSchema,
  'key-service': keyServiceConfigSchema,
  'render-worker': renderWorkerConfigSchema,
  migrate: localStackConfigSchema,
} as const;

/** A variable a container must set, and what its value must look like there. */
interface ContainerRequirement {
  pattern: RegExp;
  why: string;
}

const KEY_SERVICE_URL: ContainerRequirement = {
  pattern: /^http:\/\/key-service:8081$/,
  why: 'the default 127.0.0.1:8081 is the container itself',
};
const SHARED_STORAGE: ContainerRequirement = {
  pattern: /^s3$/,
  why: 'a local directory is not shared between containers',
};

export const CONTAINER_REQUIREMENTS: Record<ProcessName, Record<string, ContainerRequirement>> = {
  gateway: { KEY_SERVICE_URL, STORAGE_DRIVER: SHARED_STORAGE },
  'render-worker': { KEY_SERVICE_URL, STORAGE_DRIVER: SHARED_STORAGE },
  'key-service': {
    KEY_SERVICE_HOST: {
      pattern: /^0\.0\.0\.0$/,
      why: 'the default 127.0.0.1 is unreachable from other containers',
    },
  },
  migrate: {
    DATABASE_URL: { pattern: /^postgres(ql)?:\/\//, why: 'without it the CLI starts an embedded Postgres' },
  },
};

/**
 * The render-worker's variables a container may leave at their default, each with why. Any other
 * variable of its schema must be set: its slots and caches (WORKER_*, ARTWORK_CACHE_BYTES) size the
 * pod's resources, and a variable added to the schema later becomes a choice made here, not a
 * default nobody chose for containers.
 */
export const WORKER_DEFAULTS_KEPT: Record<string, string> = {
  NODE_ENV: 'production comes from the image (ENV) or common.env',
  DATA_DIR: 'nothing is written locally with S3 storage',
  STORAGE_DIR: 'local storage only',
  S3_ENDPOINT: 'unset means AWS S3; set for another S3-compatible store',
  S3_REGION: 'ignored by MinIO; set for AWS',
  S3_FORCE_PATH_STYLE: 'false suits AWS; MinIO needs it true',
  S3_KEY_PREFIX: 'a bucket of its own needs none',
  S3_ACCESS_KEY_ID: 'optional: the pod identity (IRSA, Workload Identity) serves instead',
  S3_SECRET_ACCESS_KEY: 'optional: the pod identity serves instead',
  RESULT_URL_TTL_SECONDS: 'the documented 24 h',
  PUBLIC_BASE_URL: 'signs local-storage URLs only; S3 URLs are presigned',
  KEY_PREFIX: 'the API key prefix, sm_ everywhere unless changed everywhere',
  REDIS_PREFIX: 'platen everywhere unless changed everywhere (KEDA watches it)',
  LOG_LEVEL: 'info',
  OUTBOUND_ALLOW: 'empty: the SSRF guard lets nothing private through',
  METRICS_HOST: '0.0.0.0, what a container needs',
  METRICS_PORT: '9464, what the probes and the scrape annotation use',
  MOCKUP_MAX_PIXELS: 'the gateway reads it too and they must agree: both keep the default',
};

/**
 * The keys of the Secret `platen-secrets` that Kubernetes operators create (infra/k8s/README.md),
 * each with a stand-in value of the right shape, so a container's env can be parsed in full.
 */
export const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://platen:stand-in@postgres.example:5432/platen',
  REDIS_URL: 'redis://:stand-in@redis.example:6379',
  REDIS_PASSWORD: 'stand-in',
  SERVICE_JWT_SECRET: 'stand-in-secret-of-at-least-32-characters',
  S3_ACCESS_KEY_ID: 'stand-in-access-key',
  S3_SECRET_ACCESS_KEY: 'stand-in-secret-key',
};

/** Variables the dynamic loader and libc read, not the process's config (the worker image's jemalloc). */
const READ_BY_THE_RUNTIME: ReadonlySet<string> = new Set(['LD_PRELOAD', 'MALLOC_ARENA_MAX']);

export function variablesRead(processName: ProcessName): string[] {
  return Object.keys(SCHEMAS[processName].shape);
}

export function reads(processName: ProcessName, variable: string): boolean {
  return variablesRead(processName).includes(variable);
}

/**
 * Everything wrong with handing `env` to `processName`: variables it does not read, what its schema
 * refuses (missing or malformed), and container requirements not met. Empty when all is well.
 */
export function configProblems(
  processName: ProcessName,
  env: Record<string, string>,
  where: string,
): string[] {
  const problems: string[] = [];
  const known = new Set(variablesRead(processName));
  for (const name of Object.keys(env).sort()) {
    if (!known.has(name) && !READ_BY_THE_RUNTIME.has(name)) {
      problems.push(`${where}: ${name} is set but ${processName} does not read it`);
    }
  }
  try {
    parseEnv(SCHEMAS[processName], env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(
      ...error.problems.map((problem) => `${where}: ${processName} refuses its config: ${problem}`),
    );
  }
  if (processName === 'render-worker') {
    for (const name of variablesRead(processName)) {
      if (env[name] === undefined && !(name in WORKER_DEFAULTS_KEPT)) {
        problems.push(
          `${where}: ${name} is left at its default: set it, or say why not in WORKER_DEFAULTS_KEPT`,
        );
      }
    }
  }
  for (const [name, { pattern, why }] of Object.entries(CONTAINER_REQUIREMENTS[processName])) {
    const value = env[name];
    if (value === undefined || !pattern.test(value)) {
      problems.push(`${where}: ${name} must match ${String(pattern)} (got ${value ?? 'nothing'}): ${why}`);
    }
  }
  return problems;
}
