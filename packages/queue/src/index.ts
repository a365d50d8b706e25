export * from './names.js';
export * from './events.js';
