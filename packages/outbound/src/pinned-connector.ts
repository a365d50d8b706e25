// Opens the socket for a request to an address that has already been checked, never to a name: this pinning is
// what makes DNS rebinding useless. The hostname only travels as TLS SNI (and, above this layer, the Host header).
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { ResolvedAddress } from './host-resolver.js';

export interface ConnectTarget extends ResolvedAddress {
  port: number;
  protocol: 'http:' | 'https:';
  /** The URL's hostname for TLS SNI and certificate checks; undefined when the URL names an IP. */
  servername: string | undefined;
}

/** Resolves with a connected socket (TLS already negotiated for https). Injectable so tests never open one. */
export type Connector = (target: ConnectTarget) => Promise<Socket>;

/** The real connector: TCP, or TLS with certificate verification against `servername`. */
export function createSocketConnector({ timeoutMs }: { timeoutMs: number }): Connector {
  const connect = buildConnector({ timeout: timeoutMs });
  return (target) =>
    new Promise<Socket>((resolve, reject) => {
      connect(
        {
          hostname: target.address,
          host: target.servername ?? target.address,
          protocol: target.protocol,
          port: String(target.port),
          ...(target.servername === undefined ? {} : { servername: target.servername }),
        },
        (error, socket) => (error === null ? resolve(socket) : reject(error)),
      );
    });
}
