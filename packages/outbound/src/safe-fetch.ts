// The outbound HTTP client for artwork and webhooks. Every hop guards the URL, resolves the host, refuses it if ANY
// address is forbidden, then connects only to a checked address (pinned: no second lookup, so no DNS rebinding).
// Redirects are followed by hand and each is checked again; size and time are capped on every call.
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Client } from 'undici';
import { createAddressCheck } from './address-check.js';
import { createAddressPolicy } from './address-policy.js';
import { systemResolver } from './host-resolver.js';
import type { ResolvedAddress, Resolver } from './host-resolver.js';
import { OutboundError, fromTransportError } from './outbound-error.js';
import { createSocketConnector } from './pinned-connector.js';
import type { Connector } from './pinned-connector.js';
import { guardUrl } from './url-guard.js';
import type { GuardedUrl } from './url-guard.js';

export const OUTBOUND_DEFAULTS = {
  maxBytes: 25 * 1024 * 1024,
  connectTimeoutMs: 5000,
  totalTimeoutMs: 30_000,
  maxRedirects: 3,
} as const;

export interface OutboundClientOptions {
  /** OUTBOUND_ALLOW entries: hostnames, IPs or CIDRs reachable despite the address policy. */
  allow: readonly string[];
  userAgent: string;
  resolve?: Resolver;
  connect?: Connector;
  maxBytes?: number;
  connectTimeoutMs?: number;
  /** Deadline for the whole call: lookups, connects, every redirect and the body. */
  totalTimeoutMs?: number;
  maxRedirects?: number;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Only buffered bodies, so a 307/308 redirect can send it again. */
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Asset fetches follow redirects; webhook deliveries pass false and get the 3xx back as it is. */
  followRedirects?: boolean;
  maxBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface OutboundClient {
  /** Resolves for 1xx-3xx answers; rejects with an OutboundError for everything else, HTTP 4xx/5xx included. */
  fetch(url: string | URL, request?: OutboundRequest): Promise<OutboundResponse>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another.
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
// Every address is checked; trying a few in turn covers a dead IPv6 or IPv4 path without unbounded retries.
const MAX_CONNECT_ATTEMPTS = 3;

interface Message {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const maxBytes = options.maxBytes ?? OUTBOUND_DEFAULTS.maxBytes;
  const connectTimeoutMs = options.connectTimeoutMs ?? OUTBOUND_DEFAULTS.connectTimeoutMs;
  const totalTimeoutMs = options.totalTimeoutMs ?? OUTBOUND_DEFAULTS.totalTimeoutMs;
  const maxRedirects = options.maxRedirects ?? OUTBOUND_DEFAULTS.maxRedirects;
  const policy = createAddressPolicy(options.allow);
  const resolve = options.resolve ?? systemResolver;
  const connect = options.connect ?? createSocketConnector({ timeoutMs: connectTimeoutMs });
  const checkedAddresses = createAddressCheck({ policy, resolve });

  async function connectPinned(
    addresses: ResolvedAddress[],
    target: GuardedUrl,
    signal: AbortSignal,
  ): Promise<Socket> {
    const { url, hostname, ipVersion } = target;
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const port = url.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(url.port);
    // SNI carries names only, never IPs, and no trailing dot.
    const servername = ipVersion === 0 ? hostname.replace(/\.$/, '') : undefined;
    let lastError: unknown;
    for (const resolved of addresses.slice(0, MAX_CONNECT_ATTEMPTS)) {
      signal.throwIfAborted();
      try {
        return await withConnectTimeout(
          connect({ address: resolved.address, family: resolved.family, port, protocol, servername }),
          connectTimeoutMs,
        );
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  /** One request to one URL, on a connection of its own that is closed before returning. */
  async function send(
    target: GuardedUrl,
    message: Message,
    signal: AbortSignal,
    limits: { maxBytes: number; followRedirects: boolean },
  ): Promise<OutboundResponse> {
    const addresses = await checkedAddresses(target, signal);
    const client = new Client(target.url.origin, {
      connect: (_ignoredHost, callback) => {
        connectPinned(addresses, target, signal).then(
          (socket) => callback(null, socket),
          // Passed on as is: errors from Node internals may fail `instanceof Error` across realms (e.g. under jest).
          (error: unknown) => callback(error as Error, null),
        );
      },
      headersTimeout: totalTimeoutMs,
      bodyTimeout: totalTimeoutMs,
    });
    try {
      const response = await client.request({
        path: `${target.url.pathname}${target.url.search}`,
        method: message.method,
        headers: message.headers,
        body: message.body ?? null,
        signal,
      });
      const status = response.statusCode;
      const headers = toHeaders(response.headers);
      const url = target.url.href;
      if (status >= 400) {
        throw new OutboundError('FETCH_FAILED', `${target.url.host} answered HTTP ${status}`, { status });
      }
      if (limits.followRedirects && REDIRECT_STATUSES.has(status)) {
        return { status, headers, body: Buffer.alloc(0), url };
      }
      const declared = message.method === 'HEAD' ? 0 : Number(headers.get('content-length') ?? 0);
      if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
      return { status, headers, body: await readCapped(response.body, limits.maxBytes), url };
    } finally {
      await client.destroy();
    }
  }

  async function follow(input: string | URL, request: OutboundRequest, signal: AbortSignal) {
    const followRedirects = request.followRedirects ?? true;
    const limits = { maxBytes: request.maxBytes ?? maxBytes, followRedirects };
    let target = guardUrl(input);
    let message: Message = {
      method: (request.method ?? 'GET').toUpperCase(),
      headers: requestHeaders(options.userAgent, request.headers),
      body: request.body,
    };
    for (let redirects = 0; ; redirects++) {
      const response = await send(target, message, signal, limits);
      if (!followRedirects || !REDIRECT_STATUSES.has(response.status)) return response;
      if (redirects >= maxRedirects) {
        throw new OutboundError('FETCH_FAILED', `more than ${maxRedirects} redirects`, { transient: false });
      }
      const location = response.headers.get('location');
      if (location === null) {
        throw new OutboundError('FETCH_FAILED', `HTTP ${response.status} without a Location header`, {
          transient: false,
        });
      }
      const next = guardUrl(location, target.url);
      message = redirectedMessage(message, response.status, next.url.origin !== target.url.origin);
      target = next;
    }
  }

  return {
    async fetch(input, request = {}) {
      const deadline = AbortSignal.timeout(totalTimeoutMs);
      const signal = request.signal === undefined ? deadline : AbortSignal.any([request.signal, deadline]);
      try {
        return await follow(input, request, signal);
      } catch (error) {
        if (error instanceof OutboundError) throw error;
        if (deadline.aborted) {
          throw new OutboundError('TIMEOUT', `no complete response within ${totalTimeoutMs} ms`, {
            cause: error,
          });
        }
        if (request.signal?.aborted) throw abortedByCaller(request.signal.reason);
        throw fromTransportError(error);
      }
    },
  };
}

function requestHeaders(userAgent: string, headers: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = { 'user-agent': userAgent };
  for (const [name, value] of Object.entries(headers)) {
    // The Host header always names the URL that was checked.
    if (name.toLowerCase() !== 'host') result[name.toLowerCase()] = value;
  }
  return result;
}

/** Browser semantics: 303 (and 301/302 after a POST) turn into a bodiless GET; 307/308 resend as they were. */
function redirectedMessage(message: Message, status: number, crossOrigin: boolean): Message {
  const toGet = status === 303 ? message.method !== 'HEAD' : status <= 302 && message.method === 'POST';
  const dropped = [...(crossOrigin ? CREDENTIAL_HEADERS : []), ...(toGet ? BODY_HEADERS : [])];
  const headers = Object.fromEntries(
    Object.entries(message.headers).filter(([name]) => !dropped.includes(name)),
  );
  return toGet ? { method: 'GET', headers, body: undefined } : { ...message, headers };
}

async function withConnectTimeout(attempt: Promise<Socket>, timeoutMs: number): Promise<Socket> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new OutboundError('TIMEOUT', `could not connect within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([attempt, timedOut]);
  } catch (error) {
    // A socket that arrives after we gave up must not linger.
    attempt.then(
      (socket) => socket.destroy(),
      () => undefined,
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early destroys the stream, which aborts the transfer.
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): OutboundError {
  return new OutboundError('TOO_LARGE', `the response is larger than ${maxBytes} bytes`);
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, item);
  }
  return headers;
}

function abortedByCaller(reason: unknown): OutboundError {
  if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return new OutboundError('TIMEOUT', 'the caller’s deadline passed', { cause: reason });
  }
  // Cancelled by the caller (e.g. a worker shutting down): nothing wrong with the resource, so worth retrying.
  return new OutboundError('FETCH_FAILED', 'the request was aborted', { transient: true, cause: reason });
}
