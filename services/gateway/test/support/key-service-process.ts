// The gateway's tests run against the REAL key-service process; the launcher is shared (packages/testing).
export { startKeyServiceProcess as startKeyService, type KeyServiceProcess } from '@platen/testing';
