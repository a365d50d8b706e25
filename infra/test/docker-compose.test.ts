// docker-compose.yml and .env.example, checked without docker: the stack's shape, start order by health,
// and each service's environment against its config schema. With a docker daemon and the compose
// plugin, `docker compose config` runs too; without them that part is skipped and says why.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  asList,
  dependencies,
  interpolate,
  loadCompose,
  serviceEnvironment,
  variableReferences,
  type ComposeFile,
} from './support/compose-file.js';
import { dockerCompose } from './support/docker-cli.js';
import { imageEnv, readDockerfile } from './support/dockerfile.js';
import { readEnvFile } from './support/env-file.js';
import { LONGEST_RENDER_SECONDS } from './support/k8s-checks.js';
import { COMPOSE_FILE, DOCKERFILE, ENV_EXAMPLE, REPO_ROOT } from './support/paths.js';
import { configProblems, type ProcessName } from './support/service-config.js';

const example = readEnvFile(ENV_EXAMPLE);
const compose = loadCompose(COMPOSE_FILE, example);
const services = compose.services;

/** Which Platen process each compose service runs, and from which image target. */
const PLATEN_SERVICES: Record<string, { process: ProcessName; target: string }> = {
  migrate: { process: 'migrate', target: 'key-service' },
  'key-service': { process: 'key-service', target: 'key-service' },
  gateway: { process: 'gateway', target: 'gateway' },
  'render-worker': { process: 'render-worker', target: 'render-worker' },
};

const ONE_SHOTS = ['minio-init', 'migrate'];

const seconds = (duration: string | undefined) => {
  const match = /^(\d+)(s|m)$/.exec(duration ?? '');
  return match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : 10; // compose's default grace is 10 s
};

const stages = readDockerfile(DOCKERFILE);

function startOrderProblems(file: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    for (const [dependency, { condition }] of Object.entries(dependencies(service))) {
      const target = file.services[dependency];
      if (!target) problems.push(`${name} depends on ${dependency}, which does not exist`);
      else if (condition === 'service_healthy' && !target.healthcheck?.test) {
        problems.push(`${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
      } else if (condition === 'service_completed_successfully' && !ONE_SHOTS.includes(dependency)) {
        problems.push(`${name} waits for ${dependency} to complete, but ${dependency} is not a one-shot`);
      } else if (condition !== 'service_healthy' && condition !== 'service_completed_successfully') {
        problems.push(
          `${name} starts after ${dependency} merely started (condition: ${condition ?? 'none'})`,
        );
      }
    }
    const commands = [...asList(service.command), ...asList(service.entrypoint)].join('\n');
    if (/\bsleep\b/.test(commands)) problems.push(`${name} sleeps instead of waiting on health`);
  }
  return problems;
}

describe('docker-compose.yml', () => {
  it('runs postgres, redis, minio with its bucket init, the migration, and the three services', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'gateway',
        'key-service',
        'migrate',
        'minio',
        'minio-init',
        'postgres',
        'redis',
        'render-worker',
      ].sort(),
    );
  });

  it('pins Postgres to a major version and keeps its data in a volume, checked by pg_isready', () => {
    const postgres = services.postgres!;
    expect(postgres.image).toMatch(/^postgres:\d+(-[\w.]+)?$/);
    expect(postgres.volumes).toContainEqual(expect.stringMatching(/^[\w-]+:\/var\/lib\/postgresql\/data$/));
    expect(asList(postgres.healthcheck?.test).join(' ')).toContain('pg_isready');
  });

  it('runs Redis with AOF persistence and noeviction, data in a volume, a password and a ping healthcheck', () => {
    const redis = services.redis!;
    const command = asList(redis.command).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toContain(`--requirepass ${example.REDIS_PASSWORD}`);
    expect(redis.volumes).toContainEqual(expect.stringMatching(/^[\w-]+:\/data$/));
    expect(asList(redis.healthcheck?.test)).toContain('ping');
  });

  it('creates the bucket in MinIO once it is healthy, with its own access key for the services', () => {
    const init = services['minio-init']!;
    expect(dependencies(init)).toEqual({ minio: { condition: 'service_healthy' } });
    const script = asList(init.command).join('\n');
    expect(script).toMatch(/mc mb --ignore-existing "platen\/\$S3_BUCKET"/);
    expect(script).toMatch(/mc admin user add platen "\$S3_ACCESS_KEY_ID"/);
    expect(services.minio!.volumes).toContainEqual(expect.stringMatching(/^[\w-]+:\/data$/));
  });

  it('migrates every schema with the operator CLI before any service starts', () => {
    expect(asList(services.migrate!.command)).toEqual([
      'node',
      'services/key-service/dist/cli.js',
      'migrate',
    ]);
    for (const name of ['key-service', 'gateway', 'render-worker']) {
      expect(dependencies(services[name]!).migrate).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('runs one-shots once: they never restart', () => {
    for (const name of ONE_SHOTS) expect(services[name]!.restart).toBe('no');
  });

  it('builds every Platen service from infra/docker/Dockerfile, at the target for its process', () => {
    for (const [name, { target }] of Object.entries(PLATEN_SERVICES)) {
      expect({ name, build: services[name]!.build }).toEqual({
        name,
        build: { context: '.', dockerfile: 'infra/docker/Dockerfile', target },
      });
    }
  });

  it('publishes only the gateway (and MinIO on loopback); the key-service stays internal', () => {
    const published = Object.entries(services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['gateway', 'minio']);
    expect(services.gateway!.ports).toEqual([`${example.GATEWAY_PORT}:8080`]);
    expect(services.minio!.ports).toEqual([expect.stringMatching(/^127\.0\.0\.1:/)]);
  });

  it('lets render-worker scale with --scale: no container name, no host port', () => {
    const worker = services['render-worker']!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
  });

  it(`gives a stopping render worker longer than the longest render (${LONGEST_RENDER_SECONDS} s)`, () => {
    expect(seconds(services['render-worker']!.stop_grace_period)).toBeGreaterThan(LONGEST_RENDER_SECONDS);
  });

  it('starts each service only after its dependencies are healthy or done, never after a sleep', () => {
    expect(startOrderProblems(compose)).toEqual([]);
  });

  it('catches a dependency that is only started, and one on a service without a healthcheck', () => {
    const broken = structuredClone(compose);
    broken.services.gateway!.depends_on = { redis: {}, minio: { condition: 'service_healthy' } };
    delete broken.services.minio!.healthcheck;
    expect(startOrderProblems(broken).sort()).toEqual([
      'gateway starts after redis merely started (condition: none)',
      'gateway waits for minio to be healthy, but minio has no healthcheck',
      'minio-init waits for minio to be healthy, but minio has no healthcheck',
    ]);
  });

  describe.each(Object.entries(PLATEN_SERVICES))('the %s service', (name, { process, target }) => {
    // The image's own ENV counts too: the process reads it like any other variable.
    const env = { ...imageEnv(stages, target), ...serviceEnvironment(services[name]!) };

    it(`gets exactly the variables ${process} reads, and a config its schema accepts`, () => {
      expect(configProblems(process, env, `docker-compose.yml ${name}`)).toEqual([]);
    });
  });

  it('refuses a variable the service does not read, and notices a required one missing', () => {
    const env: Record<string, string> = {
      ...imageEnv(stages, 'key-service'),
      ...serviceEnvironment(services['key-service']!),
    };
    delete env.SERVICE_JWT_SECRET;
    const problems = configProblems('key-service', { ...env, S3_BUCKET: 'stray' }, 'key-service').join('\n');
    expect(problems).toMatch(/S3_BUCKET is set but key-service does not read it/);
    expect(problems).toMatch(/SERVICE_JWT_SECRET/);
  });
});

describe('.env.example', () => {
  const raw = readFileSync(COMPOSE_FILE, 'utf8');
  const references = variableReferences(raw);

  it('defines every variable docker-compose.yml requires, and nothing it does not use', () => {
    const required = [...new Set(references.filter((r) => r.form !== 'default').map((r) => r.name))];
    expect(required.filter((name) => !(name in example))).toEqual([]);
    const used = new Set(references.map((r) => r.name));
    expect(Object.keys(example).filter((name) => !used.has(name))).toEqual([]);
  });

  it('holds no real secret: every password, secret and key is an obvious change-me placeholder', () => {
    const secrets = Object.entries(example).filter(([name]) => /PASSWORD|SECRET/.test(name));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expect(secrets.filter(([, value]) => !value.startsWith('change-me'))).toEqual([]);
  });

  it('gives no secret a default in docker-compose.yml, so a missing .env stops compose instead', () => {
    const defaulted = references.filter((r) => /PASSWORD|SECRET/.test(r.name) && r.form !== 'required');
    expect(defaulted).toEqual([]);
    expect(() => interpolate('${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}', {})).toThrow(/REDIS_PASSWORD/);
  });
});

const composePlugin = dockerCompose();
describe('docker compose itself', () => {
  if (!composePlugin.available) {
    it.skip(`accepts the file (docker compose config) (skipped: ${composePlugin.reason})`, () => undefined);
    return;
  }
  it('accepts the file (docker compose config) with the example environment', () => {
    const result = spawnSync(
      'docker',
      ['compose', '--env-file', ENV_EXAMPLE, '-f', COMPOSE_FILE, 'config', '--quiet'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
