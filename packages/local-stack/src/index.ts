// The one-machine runtime used by `npm start` and the operator CLI: Postgres and Redis are
// attached when configured (or already running under DATA_DIR) and started embedded otherwise.
export { dataDirLayout, type DataDirLayout } from './data-dir.js';
export { openPostgres } from './embedded-postgres.js';
export { openRedis, REDIS_NOT_FOUND, type OpenRedisOptions } from './embedded-redis.js';
export type { AttachOptions, OpenedService } from './opened-service.js';
export { readOrCreateServiceSecret } from './service-secret.js';
export { answersOn, openTestServices, type TestServices, type TestServicesOptions } from './test-services.js';
export { workerAllocatorEnv } from './worker-allocator.js';
