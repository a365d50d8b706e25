// The OpenAPI document the gateway serves at /openapi.json, built in-process from the built gateway
// (services/gateway/dist): createApp with inert dependencies declares every route (it does no I/O
// while doing so), and the docs route's own builder turns them into the document. No network.
import { fileURLToPath, URL } from 'node:url';

const GATEWAY_DIST = fileURLToPath(new URL('../../../services/gateway/dist/', import.meta.url));
/** The version app.ts hands registerDocsRoutes; the real-stack test checks the served one matches. */
const DOCUMENT_VERSION = '1.0.0';

/** A stand-in for a dependency createApp only keeps for later: any property or call gives another. */
function inert(name) {
  return new Proxy(function inertDependency() {}, {
    get: (_target, property) =>
      typeof property === 'symbol' || property === 'then' ? undefined : inert(`${name}.${property}`),
    apply: () => inert(`${name}()`),
  });
}

export async function servedOpenApiDocument() {
  const { createApp } = await import(`${GATEWAY_DIST}app.js`);
  const { buildGatewayDocument } = await import(`${GATEWAY_DIST}routes/docs.js`);
  const logger = inert('logger');
  const { documentedRoutes } = createApp({
    logger,
    clock: { now: () => new Date() },
    keyPrefix: 'sm_',
    redisPrefix: 'openapi',
    db: inert('db'),
    redis: inert('redis'),
    keyService: inert('keyService'),
    keyCache: inert('keyCache'),
    storage: inert('storage'),
    urlSigner: inert('urlSigner'),
    resultUrlTtlSeconds: 86_400,
    credits: inert('credits'),
    queue: inert('queue'),
    webhookQueue: inert('webhookQueue'),
    enqueue: inert('enqueue'),
    enqueueImport: inert('enqueueImport'),
    uploadLimits: { maxBytes: 300_000_000, maxPixels: 100_000_000 },
    bodyTimeoutMs: 30_000,
    waiter: inert('waiter'),
    sessionTokens: inert('sessionTokens'),
    accounts: inert('accounts'),
    dashboardWebRoot: fileURLToPath(new URL('../../dashboard/dist/web', import.meta.url)),
    outboundAllow: [],
    accountRateLimitPerMinute: 300,
    redeliveriesPerRenderPerHour: 5,
  });
  return buildGatewayDocument(documentedRoutes(), DOCUMENT_VERSION);
}
