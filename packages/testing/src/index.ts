export * from './test-postgres.js';
export * from './test-redis.js';
export * from './free-port.js';
export * from './wait-for.js';
export * from './workspace-build.js';
export * from './key-service-process.js';
export * from './key-service-admin.js';
export * from './hostile-images.js';
