// PSD/PSB → the compositor's template model. Pure: no network, no database, no storage.
export { importPsd, DEFAULT_MAX_PIXELS } from './psd-importer.js';
export type { ImportedPsd, ImportPsdOptions, ImportWarning } from './psd-importer.js';
export { readPsdHeader, PSD_HEADER_BYTES } from './psd-header.js';
export type { PsdHeader } from './psd-header.js';
export { PsdImportError } from './psd-import-error.js';
export type { PsdImportErrorCode } from './psd-import-error.js';
export { makeTestPsd, solidPixels } from './test-psd.js';
export type { TestPsdOptions, TestSmartObject, Rgb } from './test-psd.js';
