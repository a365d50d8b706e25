// Decides which IP addresses and hosts outbound requests may reach: public unicast addresses only, plus what the
// operator allows (OUTBOUND_ALLOW). Invariant: anything not positively recognised as public is refused.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type IP = IPv4 | IPv6;
type Cidr<T> = [T, number];

export interface AddressPolicy {
  /** True if a connection to this IP address (canonical form, as DNS returns it) is permitted. */
  isAllowedAddress(ip: string): boolean;
  /** True if the operator allowed this exact hostname, whatever it resolves to. */
  isAllowedHost(hostname: string): boolean;
}

// ipaddr.js 1.x files these under `unicast`, but they are not public destinations.
const NON_PUBLIC_V4: Cidr<IPv4>[] = [ipaddr.IPv4.parseCIDR('198.18.0.0/15')]; // benchmarking (RFC 2544)
// Only 2000::/3 is allocated as global unicast; everything outside it (::/96 IPv4-compatible, 100::/64 discard,
// 64:ff9b:1::/48 local NAT64, fec0::/10 site-local, ...) is refused, as are these special blocks inside it.
const GLOBAL_UNICAST_V6: Cidr<IPv6> = ipaddr.IPv6.parseCIDR('2000::/3');
const NON_PUBLIC_V6: Cidr<IPv6>[] = [
  ipaddr.IPv6.parseCIDR('2001::/23'), // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ipaddr.IPv6.parseCIDR('2001:db8::/32'), // documentation
  ipaddr.IPv6.parseCIDR('3fff::/20'), // documentation (RFC 9637)
];

/**
 * `allow` entries (from OUTBOUND_ALLOW): a CIDR (`10.1.0.0/16`, `fd00::/8`) or a single IP allows those addresses;
 * anything else is a hostname allowed exactly (case-insensitive, trailing dot ignored). A malformed entry throws,
 * so a typo stops the process at start instead of silently allowing nothing.
 */
export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const ranges: Cidr<IP>[] = [];
  const hosts = new Set<string>();
  for (const entry of allow) {
    const parsed = parseAllowEntry(entry.trim());
    if (typeof parsed === 'string') hosts.add(parsed);
    else ranges.push(parsed);
  }

  const isAllowedV4 = (address: IPv4) => inAny(address, ranges) || isPublicV4(address);

  return {
    isAllowedAddress(ip) {
      const address = parseAddress(ip);
      if (address === undefined) return false;
      if (address.kind() === 'ipv4') return isAllowedV4(address as IPv4);
      const v6 = address as IPv6;
      if (inAny(v6, ranges)) return true;
      const embedded = embeddedIPv4(v6);
      if (embedded !== undefined) return isAllowedV4(embedded);
      return isPublicV6(v6);
    },
    isAllowedHost(hostname) {
      return hosts.has(normaliseHostname(hostname));
    },
  };
}

/** Lowercase, without IPv6 brackets or a trailing dot: the form hostnames are compared in. */
export function normaliseHostname(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.$/, '');
}

function isPublicV4(address: IPv4): boolean {
  return address.range() === 'unicast' && !inAny(address, NON_PUBLIC_V4);
}

function isPublicV6(address: IPv6): boolean {
  return address.range() === 'unicast' && address.match(GLOBAL_UNICAST_V6) && !inAny(address, NON_PUBLIC_V6);
}

/**
 * The IPv4 address a v6 address stands for, where the traffic really ends up there: IPv4-mapped (::ffff:a.b.c.d),
 * SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::). Teredo is not unpacked: it is
 * refused outright, since its relay decides the endpoint.
 */
function embeddedIPv4(address: IPv6): IPv4 | undefined {
  const parts = address.parts;
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return fromWords(parts[6], parts[7]);
    case '6to4':
      return fromWords(parts[1], parts[2]);
    default:
      return undefined;
  }
}

function fromWords(high: number | undefined, low: number | undefined): IPv4 | undefined {
  if (high === undefined || low === undefined) return undefined;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * Only canonical addresses (what a resolver returns); zone ids (`fe80::1%eth0`) are never public. Forms Node accepts
 * but ipaddr.js cannot read (e.g. `::127.0.0.1`) come back undefined, and so are refused.
 */
function parseAddress(ip: string): IP | undefined {
  const bare = normaliseHostname(ip);
  if (isIP(bare) === 0 || bare.includes('%')) return undefined;
  try {
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

/** A CIDR or IP becomes a range, anything else a normalised hostname. */
function parseAllowEntry(entry: string): Cidr<IP> | string {
  if (entry.includes('/')) return parseAllowedCidr(entry);
  // domainToASCII also turns numeric spellings such as 127.1 into the address they denote.
  const host = domainToASCII(normaliseHostname(entry));
  const address = parseAddress(entry) ?? parseAddress(host);
  if (address !== undefined)
    return address.kind() === 'ipv4' ? [address, 32] : toV4IfMapped([address as IPv6, 128]);
  if (host === '' || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host)) throw invalidEntry(entry);
  return host;
}

function parseAllowedCidr(entry: string): Cidr<IP> {
  const [address = '', bits = ''] = entry.split('/');
  if (!/^\d{1,3}$/.test(bits) || isIP(address) === 0) throw invalidEntry(entry);
  try {
    const range = ipaddr.parseCIDR(entry);
    return range[0].kind() === 'ipv4' ? range : toV4IfMapped(range as Cidr<IPv6>);
  } catch (error) {
    throw invalidEntry(entry, error);
  }
}

// An allowed ::ffff:10.0.0.0/104 means 10.0.0.0/8: mapped addresses are checked as their IPv4 form.
function toV4IfMapped([address, bits]: Cidr<IPv6>): Cidr<IP> {
  if (address.isIPv4MappedAddress() && bits >= 96) return [address.toIPv4Address(), bits - 96];
  return [address, bits];
}

function invalidEntry(entry: string, cause?: unknown): Error {
  return new Error(
    `invalid OUTBOUND_ALLOW entry "${entry}": expected a hostname, an IP address or a CIDR such as 10.1.0.0/16`,
    cause === undefined ? undefined : { cause },
  );
}

function inAny(address: IP, ranges: readonly Cidr<IP>[]): boolean {
  // ipaddr.js throws when matching across families, so compare only same-kind ranges.
  return ranges.some(
    ([network, bits]) => network.kind() === address.kind() && (address as IPv4).match(network as IPv4, bits),
  );
}
