export * from './names.js';
export * from './events.js';
export * from './usage.js';
export * from './render-queue.js';
export * from './import-queue.js';
export * from './webhook-jobs.js';
export * from './job-worker.js';
