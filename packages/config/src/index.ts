export * from './parse-env.js';
export * from './schemas.js';
