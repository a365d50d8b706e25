// The one-machine runtime used by `npm start` and the operator CLI: Postgres and Redis are
// attached when configured (or already running under DATA_DIR) and started embedded otherwise.
export { openPostgres, openRedis, readOrCreateServiceSecret, type OpenedService } from './open-services.js';
