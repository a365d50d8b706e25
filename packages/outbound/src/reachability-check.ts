// "May this URL be reached?" without sending anything: the URL guard and the address check the client itself uses,
// so a webhook URL the deliveries would refuse is refused when it is registered, not accepted and failed later.
import { createAddressCheck } from './address-check.js';
import { createAddressPolicy } from './address-policy.js';
import { systemResolver } from './host-resolver.js';
import type { Resolver } from './host-resolver.js';
import { OutboundError } from './outbound-error.js';
import { guardUrl } from './url-guard.js';

export interface ReachabilityCheckOptions {
  /** OUTBOUND_ALLOW entries, as for createOutboundClient. */
  allow: readonly string[];
  resolve?: Resolver;
  /** How long the lookup may take. */
  timeoutMs?: number;
}

/**
 * Resolves when the URL may be fetched; rejects with an OutboundError: BAD_URL, FORBIDDEN_ADDRESS, FETCH_FAILED
 * (the name does not resolve: not transient; the resolver failed for now: transient) or TIMEOUT.
 */
export type ReachabilityCheck = (url: string) => Promise<void>;

const DEFAULT_TIMEOUT_MS = 5_000;
// The name does not exist, or has no address of any kind: asking again will not change that soon.
const UNKNOWN_NAME_CODES = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

export function createReachabilityCheck(options: ReachabilityCheckOptions): ReachabilityCheck {
  const check = createAddressCheck({
    policy: createAddressPolicy(options.allow),
    resolve: options.resolve ?? systemResolver,
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return async (url) => {
    const target = guardUrl(url);
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      await check(target, deadline);
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      if (deadline.aborted) {
        throw new OutboundError(
          'TIMEOUT',
          `${target.hostname} could not be resolved within ${timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && UNKNOWN_NAME_CODES.has(code)) {
        throw new OutboundError('FETCH_FAILED', `${target.hostname} does not resolve to any address`, {
          transient: false,
          cause: error,
        });
      }
      throw new OutboundError('FETCH_FAILED', `${target.hostname} could not be resolved just now`, {
        transient: true,
        cause: error,
      });
    }
  };
}
