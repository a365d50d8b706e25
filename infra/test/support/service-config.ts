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
    if (!known.has(name)) problems.push(`${where}: ${name} is set but ${processName} does not read it`);
  }
  try {
    parseEnv(SCHEMAS[processName], env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(
      ...error.problems.map((problem) => `${where}: ${processName} refuses its config: ${problem}`),
    );
  }
  for (const [name, { pattern, why }] of Object.entries(CONTAINER_REQUIREMENTS[processName])) {
    const value = env[name];
    if (value === undefined || !pattern.test(value)) {
      problems.push(`${where}: ${name} must match ${String(pattern)} (got ${value ?? 'nothing'}): ${why}`);
    }
  }
  return problems;
}
