export * from './logger.js';
export * from './request-id.js';
export * from './error-handler.js';
export * from './json-body.js';
export * from './validate.js';
export * from './serve.js';
export * from './service-token.js';
