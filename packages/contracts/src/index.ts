export * from './errors.js';
export * from './api-key-format.js';
export * from './internal-api.js';
export * from './public-api.js';
export * from './page-cursor.js';
export * from './storable-text.js';
export * from './dashboard-api.js';
export * from './artwork-placement.js';
