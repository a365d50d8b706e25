export * from './object-storage.js';
export * from './url-signer.js';
export * from './local-storage.js';
export * from './s3-storage.js';
