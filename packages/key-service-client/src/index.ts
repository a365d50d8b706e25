export {
  createKeyServiceClient,
  type AccountService,
  type AccountView,
  type BreakerOptions,
  type CreditsClient,
  type KeyServiceClient,
  type KeyServiceClientOptions,
  type KeyVerifier,
  type Paged,
  type RefundOutcome,
  type RetryOptions,
  type Timeouts,
} from './key-service-client.js';
export { KeyServiceUnavailableError, RefundFailedError } from './errors.js';
