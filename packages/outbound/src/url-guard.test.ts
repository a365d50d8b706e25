import { OutboundError } from './outbound-error.js';
import { guardUrl } from './url-guard.js';

function refusal(input: string, base?: URL): OutboundError {
  try {
    guardUrl(input, base);
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw error;
  }
  throw new Error(`expected ${input} to be refused`);
}

describe('guardUrl', () => {
  it.each([
    ['http://2130706433/', 'decimal'],
    ['http://0x7f000001/', 'hexadecimal'],
    ['http://0177.0.0.1/', 'octal'],
    ['http://127.1/', 'shortened'],
    ['http://0x7f.0.0.1/', 'hexadecimal first octet'],
    ['http://127.0.0.1./', 'trailing dot'],
  ])('normalises the %s loopback spelling to the IP literal 127.0.0.1 (%s)', (input) => {
    const guarded = guardUrl(input);
    expect(guarded.hostname).toBe('127.0.0.1');
    expect(guarded.ipVersion).toBe(4);
  });

  it('reads http://0/ as the unspecified address 0.0.0.0', () => {
    expect(guardUrl('http://0/')).toMatchObject({ hostname: '0.0.0.0', ipVersion: 4 });
  });

  it('unwraps IPv6 literals and normalises IPv4-mapped ones', () => {
    expect(guardUrl('http://[::ffff:127.0.0.1]:8080/x')).toMatchObject({
      hostname: '::ffff:7f00:1',
      ipVersion: 6,
    });
    expect(guardUrl('https://[::1]/')).toMatchObject({ hostname: '::1', ipVersion: 6 });
  });

  it('lowercases hostnames and keeps names as names', () => {
    const guarded = guardUrl('HTTPS://LOCALHOST./A?b=1#frag');
    expect(guarded).toMatchObject({ hostname: 'localhost.', ipVersion: 0 });
    expect(guarded.url.href).toBe('https://localhost./A?b=1');
  });

  it('keeps the port and drops the fragment', () => {
    expect(guardUrl('http://assets.example.test:8443/a.png#x').url.href).toBe(
      'http://assets.example.test:8443/a.png',
    );
  });

  it('resolves a relative redirect location against the URL that sent it', () => {
    const base = new URL('https://cdn.example.test/a/b.png');
    expect(guardUrl('../c.png', base).url.href).toBe('https://cdn.example.test/c.png');
    expect(guardUrl('//other.example.test/d', base).url.href).toBe('https://other.example.test/d');
  });

  it.each([
    ['ftp://example.com/a.png'],
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['data:image/png;base64,AAAA'],
    ['gopher://127.0.0.1:6379/_FLUSHALL'],
    ['ws://example.com/'],
  ])('refuses %s with BAD_URL: only http and https', (input) => {
    const error = refusal(input);
    expect(error.code).toBe('BAD_URL');
    expect(error.transient).toBe(false);
    expect(error.message).toBe('only http and https URLs can be fetched');
  });

  it.each([
    ['http://user:pass@example.com/'],
    ['http://user@example.com/'],
    ['https://:secret@example.com/'],
  ])('refuses %s with BAD_URL: credentials in the URL', (input) => {
    expect(refusal(input)).toMatchObject({ code: 'BAD_URL', message: 'URLs with credentials are refused' });
  });

  it.each([
    ['not a url'],
    [''],
    ['http://'],
    ['http://exa mple.com/'],
    ['http://1.2.3.4.5/'],
    ['http://[::1/'],
  ])('refuses the unparseable %j with BAD_URL', (input) => {
    expect(refusal(input).code).toBe('BAD_URL');
  });

  it('refuses a URL longer than 8192 characters', () => {
    expect(refusal(`https://example.com/${'a'.repeat(8200)}`).code).toBe('BAD_URL');
  });
});
