// Parses and normalises a URL before anything is resolved or sent: http/https only, no credentials, bounded length.
// WHATWG parsing turns numeric host spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) into dotted IPv4, so the
// address policy always sees the address a client would really connect to.
import { isIP } from 'node:net';
import { OutboundError } from './outbound-error.js';

const MAX_URL_LENGTH = 8192;
const SCHEMES = new Set(['http:', 'https:']);

export interface GuardedUrl {
  /** The normalised URL, without fragment. Its `host` is what the Host header carries. */
  url: URL;
  /** The hostname as looked up in DNS: no IPv6 brackets. */
  hostname: string;
  /** 4 or 6 if the hostname is an IP literal (no DNS lookup), otherwise 0. */
  ipVersion: 0 | 4 | 6;
}

/** `base` resolves relative redirect locations against the URL that answered with them. */
export function guardUrl(input: string | URL, base?: URL): GuardedUrl {
  const text = String(input);
  if (text.length > MAX_URL_LENGTH) throw badUrl(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text, base);
  } catch (error) {
    throw badUrl('the URL is not valid', error);
  }
  if (!SCHEMES.has(url.protocol)) throw badUrl('only http and https URLs can be fetched');
  if (url.username !== '' || url.password !== '') throw badUrl('URLs with credentials are refused');
  if (url.hostname === '') throw badUrl('the URL has no host');
  url.hash = '';

  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { url, hostname, ipVersion: isIP(hostname) as 0 | 4 | 6 };
}

function badUrl(message: string, cause?: unknown): OutboundError {
  return new OutboundError('BAD_URL', message, { cause });
}
