// Turns a guarded URL's hostname into the IP addresses it may be connected to. IP literals and localhost names
// never reach DNS; the resolver itself is injectable so tests and callers can answer without the network.
import { lookup } from 'node:dns/promises';
import type { GuardedUrl } from './url-guard.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operating system's resolver, in the order it prefers (verbatim), every address. */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

// RFC 6761: localhost and *.localhost are loopback by definition, whatever a resolver would say about them.
const LOCALHOST = /^(.+\.)?localhost\.?$/i;

export async function resolveHost(
  target: GuardedUrl,
  resolve: Resolver,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  signal.throwIfAborted();
  if (target.ipVersion !== 0) return [{ address: target.hostname, family: target.ipVersion }];
  if (LOCALHOST.test(target.hostname)) return [{ address: '127.0.0.1', family: 4 }];
  return untilAborted(resolve(target.hostname), signal);
}

// DNS lookups cannot be cancelled; stop waiting for one once the request is aborted.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
