// Where the services listen under `npm start`: the gateway on HOST:PORT (the one public listener,
// 127.0.0.1 unless HOST says otherwise); the key-service and the render-worker's metrics on 127.0.0.1,
// at the port the operator named or else a free one, so two npm starts (different PORT and DATA_DIR)
// never collide on a default.
import type { LocalStackConfig } from '@platen/config';
import { freePorts, isPortFree } from './free-port.js';

type ListenerConfig = Pick<LocalStackConfig, 'HOST' | 'PORT' | 'KEY_SERVICE_PORT' | 'METRICS_PORT'>;

export interface Listeners {
  host: string;
  gateway: number;
  keyService: number;
  workerMetrics: number;
}

function namedPorts(config: ListenerConfig): Array<[string, number]> {
  const named: Array<[string, number | undefined]> = [
    ['PORT', config.PORT],
    ['KEY_SERVICE_PORT', config.KEY_SERVICE_PORT],
    ['METRICS_PORT', config.METRICS_PORT],
  ];
  return named.filter((entry): entry is [string, number] => entry[1] !== undefined);
}

/** Before anything starts: the named ports are fixed, distinct and free (not left to a crash loop). */
export async function checkNamedPorts(config: ListenerConfig): Promise<void> {
  if (config.PORT === 0) throw new Error('PORT must be a fixed port for npm start, not 0');
  const named = namedPorts(config);
  for (const [name, port] of named) {
    const other = named.find(([otherName, otherPort]) => otherName !== name && otherPort === port);
    if (other) throw new Error(`${name} and ${other[0]} must differ (both ${port})`);
    if (!(await isPortFree(port)))
      throw new Error(`port ${port} (${name}) is already in use: stop what holds it, or set ${name}`);
  }
}

/** Call once Postgres and Redis listen, so a free port picked here cannot be theirs. */
export async function resolveListeners(config: ListenerConfig): Promise<Listeners> {
  const taken = new Set(namedPorts(config).map(([, port]) => port));
  const free = (await freePorts(4)).filter((port) => !taken.has(port));
  const pick = () => {
    const port = free.shift();
    if (port === undefined) throw new Error('no free TCP port on 127.0.0.1');
    return port;
  };
  return {
    host: config.HOST,
    gateway: config.PORT,
    keyService: config.KEY_SERVICE_PORT ?? pick(),
    workerMetrics: config.METRICS_PORT ?? pick(),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

/** Where this machine reaches the gateway (its readiness probe). */
export function gatewayProbeHost(host: string): string {
  if (EVERY_INTERFACE.has(host) || LOOPBACK.has(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Printed once ready: every URL this npm start serves, and which of them other machines can reach. */
export function listenerLines(
  listeners: Listeners,
  options: { workerRuns: boolean; metricsTokenFrom: string },
): string[] {
  const reach = LOOPBACK.has(listeners.host)
    ? 'this machine only'
    : `HOST=${listeners.host}: reachable from other machines`;
  const lines = [
    `gateway        http://localhost:${listeners.gateway}  (${reach})`,
    `  /metrics     http://localhost:${listeners.gateway}/metrics  (Authorization: Bearer <${options.metricsTokenFrom}>)`,
    `key-service    http://127.0.0.1:${listeners.keyService}  (internal)`,
  ];
  if (options.workerRuns)
    lines.push(`render-worker  http://127.0.0.1:${listeners.workerMetrics}/metrics  (and /healthz)`);
  return lines;
}
