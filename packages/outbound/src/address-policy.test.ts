import { createAddressPolicy } from './address-policy.js';

const strict = createAddressPolicy([]);

describe('the default address policy', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network (0/8)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'link-local cloud metadata'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['192.0.0.8', 'IETF protocol assignments 192.0.0/24'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'IPv6 unspecified'],
    ['::1', 'IPv6 loopback'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fec0::1', 'deprecated site-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex spelling'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:0:a00:1', 'SIIT (rfc6145) private'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::a00:1', 'IPv4-compatible private'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4 embedding loopback'],
    ['2002:c0a8:101::1', '6to4 embedding 192.168.1.1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:2::1', 'IPv6 benchmarking'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['3fff::1', 'IPv6 documentation (RFC 9637)'],
    ['100::1', 'discard-only'],
  ])('refuses %s (%s)', (ip) => {
    expect(strict.isAllowedAddress(ip)).toBe(false);
  });

  it.each([
    ['93.184.215.14'],
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['100.63.255.255'], // just below CGNAT
    ['100.128.0.0'], // just above CGNAT
    ['172.32.0.1'], // just above 172.16/12
    ['198.20.0.1'], // just above benchmarking
    ['223.255.255.254'],
    ['2606:4700:4700::1111'],
    ['2a00:1450:4001:82b::200e'],
    ['::ffff:8.8.8.8'], // IPv4-mapped public
    ['64:ff9b::808:808'], // NAT64 of 8.8.8.8
    ['2002:808:808::1'], // 6to4 of 8.8.8.8
  ])('allows the public address %s', (ip) => {
    expect(strict.isAllowedAddress(ip)).toBe(true);
  });

  it.each([['localhost'], ['example.com'], ['127.1'], ['2130706433'], ['0x7f000001'], ['0177.0.0.1'], ['']])(
    'refuses %j, which is not a canonical IP address',
    (value) => {
      expect(strict.isAllowedAddress(value)).toBe(false);
    },
  );

  it('allows no hostname by name', () => {
    expect(strict.isAllowedHost('localhost')).toBe(false);
    expect(strict.isAllowedHost('example.com')).toBe(false);
  });
});

describe('operator allow entries', () => {
  it('allows addresses inside an allowed IPv4 CIDR and nothing next to it', () => {
    const policy = createAddressPolicy(['10.1.0.0/16']);
    expect(policy.isAllowedAddress('10.1.200.3')).toBe(true);
    expect(policy.isAllowedAddress('10.2.0.1')).toBe(false);
    expect(policy.isAllowedAddress('127.0.0.1')).toBe(false);
  });

  it('applies an allowed IPv4 CIDR to the IPv4-mapped and NAT64 forms of its addresses', () => {
    const policy = createAddressPolicy(['10.1.0.0/16']);
    expect(policy.isAllowedAddress('::ffff:10.1.2.3')).toBe(true);
    expect(policy.isAllowedAddress('64:ff9b::a01:203')).toBe(true);
    expect(policy.isAllowedAddress('::ffff:10.2.0.1')).toBe(false);
  });

  it('allows addresses inside an allowed IPv6 CIDR', () => {
    const policy = createAddressPolicy(['fd00:1::/32']);
    expect(policy.isAllowedAddress('fd00:1::5')).toBe(true);
    expect(policy.isAllowedAddress('fd00:2::5')).toBe(false);
    expect(policy.isAllowedAddress('10.0.0.1')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 CIDR as the IPv4 range it covers', () => {
    const policy = createAddressPolicy(['::ffff:10.0.0.0/104']);
    expect(policy.isAllowedAddress('10.9.9.9')).toBe(true);
    expect(policy.isAllowedAddress('11.0.0.1')).toBe(true); // public anyway
    expect(policy.isAllowedAddress('192.168.0.1')).toBe(false);
  });

  it('allows a single IP given without a prefix length', () => {
    const policy = createAddressPolicy(['127.0.0.1', '::1']);
    expect(policy.isAllowedAddress('127.0.0.1')).toBe(true);
    expect(policy.isAllowedAddress('::1')).toBe(true);
    expect(policy.isAllowedAddress('127.0.0.2')).toBe(false);
  });

  it('allows a named host exactly, case-insensitively and ignoring a trailing dot', () => {
    const policy = createAddressPolicy(['N8N.Internal.']);
    expect(policy.isAllowedHost('n8n.internal')).toBe(true);
    expect(policy.isAllowedHost('N8N.INTERNAL.')).toBe(true);
    expect(policy.isAllowedHost('evil.n8n.internal')).toBe(false);
    expect(policy.isAllowedHost('n8n.internal.evil.com')).toBe(false);
  });

  it('does not let a named host widen the address checks', () => {
    const policy = createAddressPolicy(['n8n.internal']);
    expect(policy.isAllowedAddress('10.0.0.1')).toBe(false);
  });

  it('compares international hostnames in their punycode form', () => {
    const policy = createAddressPolicy(['bücher.internal']);
    expect(policy.isAllowedHost('xn--bcher-kva.internal')).toBe(true);
  });

  it('ignores whitespace around entries', () => {
    const policy = createAddressPolicy([' 10.1.0.0/16 ', ' n8n.internal ']);
    expect(policy.isAllowedAddress('10.1.0.1')).toBe(true);
    expect(policy.isAllowedHost('n8n.internal')).toBe(true);
  });

  it.each([
    ['10.0.0.0/33'],
    ['10.0.0.0/'],
    ['10.0.0/8'],
    ['n8n.internal/16'],
    ['fd00::/129'],
    ['*.internal'],
    ['a b'],
    [''],
  ])('rejects the malformed entry %j at construction', (entry) => {
    expect(() => createAddressPolicy([entry])).toThrow(/invalid OUTBOUND_ALLOW entry/);
  });
});
