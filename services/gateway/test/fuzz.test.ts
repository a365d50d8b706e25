// Property-based fuzzing of every public route (API key and dashboard session alike): bodies, query
// strings, path ids and headers generated from each route's own zod schemas by fast-check, shaped,
// mutated and junk, with the hostile kinds that once were 500s: NUL and unpaired surrogates in
// strings, JSON nested thousands deep, malformed percent-encoding in path ids, Content-Encoding
// claims a body does not meet. Properties: never a 5xx; every answer in the envelope (errors with error,
// detail, code and request_id); and nothing written for a rejected request: the renders, webhook
// endpoints and keys the account has are exactly those some 2xx answer created. The number of cases
// run is printed (and recorded in infra/bench/RESULTS.md).
import { randomUUID } from 'node:crypto';
import { createDb } from '@platen/db';
import type { AnyRouteSpec } from '@platen/http';
import fc from 'fast-check';
import { TINY_PNG } from './support/api-client.js';
import { Browser } from './support/dashboard-browser.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { inputArbitrary, queryArbitrary, unstorableText } from './support/schema-arbitrary.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(600_000);

const stack = new TestStack('gw-fuzz');
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 40);
/** Routes whose effect would end the fuzzing itself (the session), or that serve no JSON. */
const SKIPPED = new Set(['POST /dashboard/api/logout']);
const SESSION_STARTING = new Set(['POST /dashboard/api/signup', 'POST /dashboard/api/login']);
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  undefined,
];

/** Real ids and well-formed values, so generated requests also reach the handlers behind validation. */
const HINTS = {
  mockup_uuid: fc.constantFrom(...BUILTIN_MOCKUPS.map((mockup) => mockup.uuid)),
  template_id: fc.constantFrom(...BUILTIN_MOCKUPS.flatMap((mockup) => [mockup.uuid, mockup.slug])),
  uuid: fc.constantFrom(...BUILTIN_MOCKUPS.flatMap((mockup) => mockup.smart_objects.map((so) => so.uuid))),
  url: fc.constantFrom(
    'https://example.com/art.png',
    'http://127.0.0.1:9/x.png',
    'https://hooks.example.com/in',
  ),
  artwork_url: fc.constant('https://example.com/art.png'),
  data: fc.constant(TINY_PNG.toString('base64')),
  name: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), unstorableText),
  expires_at: fc.constantFrom(null, new Date(Date.now() + 86_400_000).toISOString()),
  events: fc.constantFrom(['render.succeeded'], ['render.failed', 'render.succeeded']),
};

/** Path ids sent as they are, not encoded: malformed percent-encoding (`%ZZ`, a cut-off or surrogate UTF-8 sequence). */
const MALFORMED_PATH_IDS = ['%ZZ', '%', 'a%2', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%00'];
/** Content-Encoding claims; the body is sent as plain text whatever the claim. */
const CONTENT_ENCODINGS = ['br', 'gzip', 'deflate', 'zstd', 'identity', 'gzip, br'];
/** JSON text nested `levels` deep, written out (JSON.stringify overflows long before 5,000 levels in jest). */
const deepJson = (levels: number) => `${'{"a":['.repeat(levels)}1${']}'.repeat(levels)}`;

let gateway: TestGateway;
let accountId: string;
let apiKey: string;
let browser: Browser;
let casesRun = 0;
/** Answers by status class, to see that generated input reaches the handlers, not only validation. */
const statuses = new Map<string, number>();
const created = { renders: new Set<string>(), webhooks: new Set<string>(), keys: new Set<string>() };

function fuzzedRoutes(): AnyRouteSpec[] {
  return gateway
    .documentedRoutes()
    .filter((spec) => spec.security === 'apiKey' || spec.path.startsWith('/dashboard/api/'))
    .filter((spec) => !SKIPPED.has(`${spec.method.toUpperCase()} ${spec.path}`));
}

/** Records what a 2xx answer created, to compare with the database at the end. */
function noteCreation(spec: AnyRouteSpec, status: number, data: unknown): void {
  if (status < 200 || status >= 300 || spec.method === 'get' || typeof data !== 'object' || data === null)
    return;
  const record = data as { uuid?: unknown; id?: unknown; key?: unknown };
  if (/renders$|generate$/.test(spec.path) && typeof record.uuid === 'string')
    created.renders.add(record.uuid);
  if (spec.path.endsWith('/webhooks') && typeof record.id === 'string') created.webhooks.add(record.id);
  if (
    /keys(\/\{id\}\/rotate)?$/.test(spec.path) &&
    typeof record.key === 'string' &&
    typeof record.id === 'string'
  ) {
    created.keys.add(record.id);
  }
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway({
    loginLimits: { perEmail: 1000, perAddress: 1000, signUpsPerAddress: 1000, windowSeconds: 60 },
  });
  browser = new Browser(gateway.url);
  const signup = await browser.post('/dashboard/api/signup', {
    email: `fuzz-${randomUUID().slice(0, 8)}@example.com`,
    password: 'a long enough password',
  });
  accountId = (signup.body.data as { account: { id: string } }).account.id;
  const key = await stack.admin.createKey(accountId, {
    rate_limits: { per_minute: 100_000, per_day: 1_000_000 },
  });
  apiKey = key.key;
  created.keys.add(key.id);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  console.log(
    `fuzz: ${casesRun} generated requests over ${fuzzedRoutes().length} routes; answers ${JSON.stringify(Object.fromEntries(statuses))}; created ${created.renders.size} renders, ${created.webhooks.size} endpoints, ${created.keys.size - 1} keys`,
  );
  await stack.teardown();
});

describe('every public route under generated input', () => {
  it('answers below 500, in the envelope, for every generated request', async () => {
    await stack.admin.grantCredits(accountId, 100_000);
    const failures: string[] = [];
    for (const spec of fuzzedRoutes()) {
      const route = `${spec.method.toUpperCase()} ${spec.path}`;
      const request = fc.record({
        body: spec.body ? inputArbitrary(spec.body, HINTS) : fc.constant(undefined),
        rawBody: fc.option(
          fc.oneof(
            { weight: 7, arbitrary: fc.string({ maxLength: 200 }) },
            { weight: 1, arbitrary: fc.constantFrom(5_000, 300, 65, 33).map(deepJson) },
          ),
          { freq: 8 },
        ),
        query: queryArbitrary(spec.query),
        // A NUL reaches a path parameter as %00 (a lone surrogate cannot be percent-encoded: see rawId).
        id: fc.oneof(
          fc.uuid(),
          fc.string({ minLength: 1, maxLength: 80 }),
          fc.string({ maxLength: 20 }).map((text) => `${text}\u0000`),
        ),
        // One request in eight each: most must still reach the handlers behind these checks.
        rawId: fc.oneof(
          { weight: 7, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_PATH_IDS) },
        ),
        contentEncoding: fc.oneof(
          { weight: 7, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(...CONTENT_ENCODINGS) },
        ),
        contentType: fc.oneof(
          { weight: 4, arbitrary: fc.constant('application/json') },
          fc.constantFrom(...CONTENT_TYPES),
        ),
        idempotencyKey: fc.option(fc.string({ maxLength: 300 }), { freq: 4 }),
      });
      await fc.assert(
        fc.asyncProperty(request, async (input) => {
          casesRun += 1;
          const path = spec.path.replace(/\{[a-z]+\}/g, input.rawId ?? encodeURIComponent(input.id));
          const search = new URLSearchParams(input.query).toString();
          const url = `${path}${search ? `?${search}` : ''}`;
          const sendsBody = spec.method !== 'get' && spec.method !== 'delete';
          const payload =
            input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
          const headers: Record<string, string> = {
            ...(sendsBody && input.contentType ? { 'content-type': input.contentType } : {}),
            ...(sendsBody && input.contentEncoding !== null
              ? { 'content-encoding': input.contentEncoding }
              : {}),
            ...(input.idempotencyKey !== null ? { 'idempotency-key': input.idempotencyKey } : {}),
          };
          let answer;
          try {
            // A sign-up or log-in that the generator got right would move the shared session to another
            // account, and later dashboard writes would land there: those go from a browser of their own.
            const session = SESSION_STARTING.has(route) ? new Browser(gateway.url) : browser;
            answer = url.startsWith('/dashboard/')
              ? await session.request(
                  spec.method.toUpperCase(),
                  url,
                  sendsBody ? (payload ?? '{}') : undefined,
                  headers,
                )
              : await fetch(`${gateway.url}${url}`, {
                  method: spec.method.toUpperCase(),
                  headers: { 'x-api-key': apiKey, ...headers },
                  ...(sendsBody && payload !== undefined ? { body: payload } : {}),
                  signal: AbortSignal.timeout(30_000),
                }).then(async (response) => ({
                  status: response.status,
                  body: JSON.parse(await response.text()) as Record<string, unknown>,
                }));
          } catch (error) {
            // Headers fetch itself refuses (e.g. a control character in Idempotency-Key) never leave.
            if (error instanceof TypeError && /header|Headers/i.test(error.message)) return;
            throw error;
          }
          const { status, body } = answer;
          const envelopeOk =
            status < 400
              ? body.success === true
              : body.success === false &&
                typeof body.error === 'string' &&
                typeof body.detail === 'string' &&
                typeof body.code === 'string' &&
                typeof body.request_id === 'string';
          if (status >= 500 || !envelopeOk) {
            failures.push(
              `${route} ${status} ${JSON.stringify(body).slice(0, 200)} for ${url} ${String(payload).slice(0, 200)}`,
            );
          }
          const statusClass = `${Math.floor(status / 100)}xx`;
          statuses.set(statusClass, (statuses.get(statusClass) ?? 0) + 1);
          noteCreation(spec, status, body.data);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
    }
    expect(failures).toEqual([]);
    expect(casesRun).toBeGreaterThan(fuzzedRoutes().length * RUNS_PER_ROUTE * 0.9);
  });

  it('kept the dashboard session on the account under test', async () => {
    const me = await browser.get('/dashboard/api/me');
    expect(me.status).toBe(200);
    expect((me.body.data as { account: { id: string } }).account.id).toBe(accountId);
  });

  it('wrote nothing for a rejected request: every row the account has, a 2xx answer created', async () => {
    const db = createDb({ url: stack.database.url, maxConnections: 1 });
    try {
      const renders = await db
        .selectFrom('renders.renders')
        .select('id')
        .where('account_id', '=', accountId)
        .execute();
      const webhooks = await db
        .selectFrom('renders.webhook_endpoints')
        .select('id')
        .where('account_id', '=', accountId)
        .execute();
      const keys = await db
        .selectFrom('keys.api_keys')
        .select('id')
        .where('account_id', '=', accountId)
        .execute();
      expect(new Set(renders.map((row) => row.id))).toEqual(created.renders);
      expect(new Set(webhooks.map((row) => row.id))).toEqual(created.webhooks);
      expect(new Set(keys.map((row) => row.id))).toEqual(created.keys);
    } finally {
      await db.destroy();
    }
  });
});
