// The render worker's configuration for a harness, parsed by the same schema main.ts uses.
import { parseEnv, renderWorkerConfigSchema, type RenderWorkerConfig } from '@platen/config';
import { SERVICE_SECRET, type Harness } from './harness.js';

export function serviceConfig(harness: Harness): RenderWorkerConfig {
  return parseEnv(renderWorkerConfigSchema, {
    DATABASE_URL: harness.databaseUrl,
    REDIS_URL: harness.testRedis.url,
    REDIS_PREFIX: harness.testRedis.prefix,
    SERVICE_JWT_SECRET: SERVICE_SECRET,
    KEY_SERVICE_URL: harness.keyService.url,
    OUTBOUND_ALLOW: '127.0.0.1/32',
    STORAGE_DIR: harness.storageRoot,
    METRICS_PORT: '0',
    WORKER_CONCURRENCY: '1',
  });
}
