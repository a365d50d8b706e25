// Prometheus metrics of one gateway app, on a registry of its own (never prom-client's global one),
// so several apps in one process (tests, two replicas) count separately.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** hit: answered from the verified-key cache; miss: the key-service was asked. Ratio in PromQL. */
  authCacheLookups: Counter<'result'>;
  rateLimitRejections: Counter<'window'>;
  /** Dashboard log-ins sent on to the key-service's password check (each costs one argon2 verify). */
  passwordChecks: Counter;
  rendersAccepted: Counter;
}

export interface MetricsDeps {
  /** Waiting + active render jobs; read on each scrape. Rejects or hangs → the gauge keeps its last value. */
  queueDepth?: () => Promise<number>;
  queueDepthTimeoutMs?: number;
}

export function createMetrics({ queueDepth, queueDepthTimeoutMs = 500 }: MetricsDeps = {}): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (queueDepth) {
    new Gauge({
      name: 'render_queue_depth',
      help: 'Render jobs waiting or running (BullMQ counts, read at scrape time)',
      registers: [registry],
      async collect() {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), queueDepthTimeoutMs);
        });
        const depth = await Promise.race([queueDepth().catch(() => undefined), timeout]);
        clearTimeout(timer);
        if (depth !== undefined) this.set(depth);
      },
    });
  }
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to response end, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    authCacheLookups: new Counter({
      name: 'auth_cache_lookups_total',
      help: 'API key lookups in the verified-key cache (hit) or at the key-service (miss)',
      labelNames: ['result'],
      registers: [registry],
    }),
    rateLimitRejections: new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests refused with 429, by the window that was full (60s, 1d or account:60s)',
      labelNames: ['window'],
      registers: [registry],
    }),
    passwordChecks: new Counter({
      name: 'dashboard_password_checks_total',
      help: 'Dashboard log-ins that passed the login throttle and reached the password check',
      registers: [registry],
    }),
    rendersAccepted: new Counter({
      name: 'renders_accepted_total',
      help: 'Renders accepted (charged and queued); idempotent replays are not counted',
      registers: [registry],
    }),
  };
}

/**
 * Counts every answer when it is sent. The route label is the matched route pattern (routes are
 * registered with their full path), or `unmatched`: raw paths would make the label set unbounded.
 */
export function metricsMiddleware(metrics: GatewayMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const labels = {
        route: typeof route === 'string' ? route : 'unmatched',
        method: req.method,
        status: String(res.statusCode),
      };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}
