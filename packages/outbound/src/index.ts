// SSRF-safe outbound HTTP for artwork fetches and webhook deliveries; see README.md for what is refused and why.
export { createOutboundClient, OUTBOUND_DEFAULTS } from './safe-fetch.js';
export type {
  OutboundClient,
  OutboundClientOptions,
  OutboundRequest,
  OutboundResponse,
} from './safe-fetch.js';
export { OutboundError, isTransientStatus } from './outbound-error.js';
export type { OutboundErrorCode } from './outbound-error.js';
export { createAddressPolicy } from './address-policy.js';
export type { AddressPolicy } from './address-policy.js';
export { createReachabilityCheck } from './reachability-check.js';
export type { ReachabilityCheck, ReachabilityCheckOptions } from './reachability-check.js';
export { guardUrl } from './url-guard.js';
export type { GuardedUrl } from './url-guard.js';
export { systemResolver } from './host-resolver.js';
export type { Resolver, ResolvedAddress } from './host-resolver.js';
export { createSocketConnector } from './pinned-connector.js';
export type { Connector, ConnectTarget } from './pinned-connector.js';
