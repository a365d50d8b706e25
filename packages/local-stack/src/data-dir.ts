// Where everything `npm start` keeps lives under DATA_DIR; this is the one place that names the paths,
// so the launcher and the operator CLI always agree on them.
import { resolve } from 'node:path';

export interface DataDirLayout {
  root: string;
  /** The Postgres cluster (owned by the `postgres` user when run as root). */
  postgres: string;
  /** redis-server's working dir: AOF files, its pid file and the port file we write. */
  redis: string;
  redisPidFile: string;
  redisPortFile: string;
  /** Output of the embedded Postgres and redis-server (kept off the console). */
  logs: string;
  postgresLog: string;
  redisLog: string;
  serviceSecretFile: string;
  /** Generated METRICS_TOKEN: the bearer token of the gateway's /metrics. */
  metricsTokenFile: string;
  /** Pid of the running `npm start`, so a second one on the same DATA_DIR is refused. */
  launcherPidFile: string;
  /** Pids of the services it runs, so a launcher that died does not leave them behind for good. */
  servicePidsFile: string;
}

/** Relative DATA_DIRs are resolved against the working directory (the repository root under npm). */
export function dataDirLayout(dataDir: string): DataDirLayout {
  const root = resolve(dataDir);
  const redis = resolve(root, 'redis');
  const logs = resolve(root, 'logs');
  return {
    root,
    postgres: resolve(root, 'postgres'),
    redis,
    redisPidFile: resolve(redis, 'redis.pid'),
    redisPortFile: resolve(redis, 'redis.port'),
    logs,
    postgresLog: resolve(logs, 'postgres.log'),
    redisLog: resolve(logs, 'redis.log'),
    serviceSecretFile: resolve(root, 'service-jwt.secret'),
    metricsTokenFile: resolve(root, 'metrics.token'),
    launcherPidFile: resolve(root, 'local-stack.pid'),
    servicePidsFile: resolve(root, 'services.pids'),
  };
}
