export * from './object-storage.js';
export * from './url-signer.js';
export * from './local-storage.js';
export * from './s3-storage.js';
export * from './storage-keys.js';
export * from './create-storage.js';
export * from './byte-limit.js';
