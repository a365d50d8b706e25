// Whether a guarded URL's host may be reached: resolve it (IP literals and localhost without DNS) and refuse it if
// ANY address is forbidden, unless the operator allowed the host by name. The one check every fetch and every
// registration-time check makes, so a URL accepted when registered is refused later only if its DNS changed.
import type { AddressPolicy } from './address-policy.js';
import { resolveHost } from './host-resolver.js';
import type { ResolvedAddress, Resolver } from './host-resolver.js';
import { OutboundError } from './outbound-error.js';
import type { GuardedUrl } from './url-guard.js';

/** The addresses the host may be connected to; rejects with FORBIDDEN_ADDRESS, or with the resolver's error. */
export type AddressCheck = (target: GuardedUrl, signal: AbortSignal) => Promise<ResolvedAddress[]>;

export function createAddressCheck({
  policy,
  resolve,
}: {
  policy: AddressPolicy;
  resolve: Resolver;
}): AddressCheck {
  return async (target, signal) => {
    const addresses = await resolveHost(target, resolve, signal);
    if (addresses.length === 0) {
      // Like an unknown name (ENOTFOUND): waiting will not give it an address.
      throw new OutboundError('FETCH_FAILED', `${target.hostname} has no address`, { transient: false });
    }
    const allowed =
      policy.isAllowedHost(target.hostname) ||
      addresses.every(({ address }) => policy.isAllowedAddress(address));
    if (!allowed) throw new OutboundError('FORBIDDEN_ADDRESS', forbiddenMessage(target));
    return addresses;
  };
}

// Names the setting, so a self-hoster whose receiver or artwork server is on their own network knows the way out.
function forbiddenMessage({ hostname, ipVersion }: GuardedUrl): string {
  const what = ipVersion === 0 ? `${hostname} resolves to an address` : `${hostname} is an address`;
  return (
    `${what} outbound requests may not reach (private, loopback, link-local or reserved); ` +
    'a self-hosted server can allow it with OUTBOUND_ALLOW'
  );
}
