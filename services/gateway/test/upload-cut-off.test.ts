// A PSD upload that ends early, however it ends, leaves nothing behind: the client closing the socket
// before the PSD header, mid-file or just before the closing boundary (API key and dashboard route,
// local storage and S3 via s3rver), or the body timeout cutting off a trickle. Each time: no temporary
// file, no descriptor the gateway still holds (its process's /proc/self/fd, the gateway runs in this
// process), no mockup row, and one log line saying how it ended.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Database } from '@platen/db';
import { freePort, waitFor } from '@platen/testing';
import type { Kysely } from 'kysely';
import S3rver from 's3rver';
import { captureLogs, type CapturedLogs } from './support/capture-logs.js';
import { Browser } from './support/dashboard-browser.js';
import { psdHeader } from './support/multipart.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(120_000);

const stack = new TestStack('gw-upload-cut-off');
const MB = 1024 * 1024;
const BOUNDARY = 'cut-off-boundary-5e2a';
const ENDED_LINE = 'psd upload ended without a mockup';
/** How long the clean-up after a cut-off may take before the test calls it a leak. */
const CLEAN_UP_WITHIN_MS = 5_000;

let db: Kysely<Database>;

interface Route {
  label: string;
  path: string;
  /** Credentials for the account the upload is for, and that account's id. */
  auth: () => Promise<{ headers: Record<string, string>; accountId: string }>;
}

function routesOf(gateway: () => TestGateway): Route[] {
  return [
    {
      label: 'POST /api/v1/mockups',
      path: '/api/v1/mockups',
      auth: async () => {
        const accountId = await stack.admin.createAccount(10);
        const { key } = await stack.admin.createKey(accountId, {
          rate_limits: { per_minute: 10_000, per_day: 100_000 },
        });
        return { headers: { 'x-api-key': key }, accountId };
      },
    },
    {
      label: 'POST /dashboard/api/mockups',
      path: '/dashboard/api/mockups',
      auth: async () => {
        const browser = new Browser(gateway().url);
        const signup = await browser.post('/dashboard/api/signup', {
          email: `cut-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
          password: 'a long enough password',
        });
        expect(signup.status).toBe(201);
        const accountId = (signup.body.data as { account: { id: string } }).account.id;
        const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
        return {
          headers: { cookie, origin: gateway().url, 'x-csrf-token': browser.csrf },
          accountId,
        };
      },
    },
  ];
}

const filePartHead = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="cut.psd"\r\n` +
    'Content-Type: image/vnd.adobe.photoshop\r\n\r\n',
);
const closing = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** The whole multipart body of a PSD upload of `fileBytes` bytes. */
function wholeBody(fileBytes: number): Buffer {
  const file = Buffer.concat([psdHeader(1200, 800), Buffer.alloc(fileBytes - 26, 7)]);
  return Buffer.concat([filePartHead, file, closing]);
}

/** Where the client stops: a count of body bytes it sends before closing the socket. */
const CUT_POINTS: [string, (body: Buffer) => number][] = [
  ['before the PSD header', () => filePartHead.length + 10],
  ['mid-file', (body) => Math.floor(body.length / 2)],
  ['just before the end', (body) => body.length - closing.length + 2],
];

/** Opens a raw connection and sends the request head announcing the whole body's length. */
function openUpload(gateway: TestGateway, path: string, headers: Record<string, string>, length: number) {
  const socket = connect(gateway.port, '127.0.0.1');
  socket.on('error', () => undefined);
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${gateway.port}`,
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    `Content-Length: ${length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  return socket;
}

const write = (socket: Socket, bytes: Buffer) =>
  new Promise<void>((resolve, reject) => socket.write(bytes, (error) => (error ? reject(error) : resolve())));

/** What this process (and so the in-process gateway) holds open. */
async function openDescriptors(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  return Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => 'gone')));
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const rowsOf = (accountId: string) =>
  db.selectFrom('renders.mockups').select('id').where('account_id', '=', accountId).execute();

const endedLines = (logs: CapturedLogs) =>
  logs
    .text()
    .split('\n')
    .filter((line) => line.includes(ENDED_LINE))
    .map((line) => JSON.parse(line) as { code: string; duration_ms: number });

/**
 * Sends `cutAt` bytes of an upload, waits until the gateway holds its temporary file (local) or a
 * moment (S3), closes the socket, and asserts what must hold within CLEAN_UP_WITHIN_MS. Returns how
 * long the clean-up took after the close.
 */
async function cutOffAndCheck(options: {
  gateway: TestGateway;
  route: Route;
  logs: CapturedLogs;
  fileBytes: number;
  cutAt: (body: Buffer) => number;
  /** Resolves once the upload is under way in storage. */
  underWay: () => Promise<unknown>;
  leftovers: () => Promise<string[]>;
}): Promise<number> {
  const { gateway, route, logs } = options;
  const { headers, accountId } = await route.auth();
  const body = wholeBody(options.fileBytes);
  const linesBefore = endedLines(logs).length;
  const descriptorsBefore = await openDescriptors();

  const socket = openUpload(gateway, route.path, headers, body.length);
  await write(socket, body.subarray(0, options.cutAt(body)));
  await options.underWay();
  const closedAt = Date.now();
  socket.destroy();

  await waitFor(
    async () => {
      const open = await openDescriptors();
      const holdsUpload = open.some((target) => target.startsWith(stack.storageDir));
      return !holdsUpload &&
        open.length <= descriptorsBefore.length &&
        (await options.leftovers()).length === 0
        ? true
        : undefined;
    },
    { timeoutMs: CLEAN_UP_WITHIN_MS, what: 'temporary file removed and its descriptor closed' },
  );
  const cleanedUpMs = Date.now() - closedAt;
  await waitFor(() => (endedLines(logs).length > linesBefore ? true : undefined), {
    timeoutMs: CLEAN_UP_WITHIN_MS,
    what: 'the upload logged how it ended',
  });
  const lines = endedLines(logs).slice(linesBefore);
  expect(lines).toHaveLength(1);
  expect(lines[0]!.code).toBe('VALIDATION_ERROR');
  expect(await rowsOf(accountId)).toEqual([]);
  return cleanedUpMs;
}

const cleanUpTimes: string[] = [];

beforeAll(async () => {
  await stack.start();
  db = createDb({ url: stack.database.url, maxConnections: 2 });
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  console.log(`clean-up after a cut-off upload: ${cleanUpTimes.join('; ')}`);
  await db?.destroy();
  await stack.teardown();
});

describe('a PSD upload the client cuts off (local storage)', () => {
  let gateway: TestGateway;
  const logs = captureLogs();
  const importsDir = () => join(stack.storageDir, 'imports');

  beforeAll(async () => {
    gateway = await stack.startGateway({ logger: logs.logger });
  });

  describe.each(routesOf(() => gateway))('$label', (route) => {
    it.each(CUT_POINTS)(
      'cut %s: no temporary file, no open descriptor, no row, one log line',
      async (point, cutAt) => {
        const took = await cutOffAndCheck({
          gateway,
          route,
          logs,
          fileBytes: 3 * MB,
          cutAt,
          underWay: () =>
            waitFor(
              async () =>
                (await filesUnder(importsDir())).some((file) => file.endsWith('.tmp')) ? true : undefined,
              { timeoutMs: 10_000, what: 'the temporary file to be written' },
            ),
          leftovers: () => filesUnder(importsDir()),
        });
        cleanUpTimes.push(`local ${route.label} ${point}: ${took} ms`);
      },
    );
  });
});

describe('a PSD upload the client cuts off (S3 storage, s3rver)', () => {
  let gateway: TestGateway;
  let server: S3rver;
  let s3Dir: string;
  const logs = captureLogs();

  beforeAll(async () => {
    s3Dir = await mkdtemp(join(tmpdir(), 'platen-cut-off-s3-'));
    const port = await freePort();
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: 'platen', configs: [] }],
    });
    await server.run();
    gateway = await stack.startGateway({
      logger: logs.logger,
      env: {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'platen',
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
      },
    });
  });

  afterAll(async () => {
    await server?.close();
    if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
  });

  /** Stored objects (s3rver keeps an object's bytes in `<key>._S3rver_object`). */
  const storedObjects = async () =>
    (await filesUnder(join(s3Dir, 'platen'))).filter((file) => file.endsWith('._S3rver_object'));

  /** Part files s3rver holds (it keeps them even after AbortMultipartUpload). */
  const partOnes = async () =>
    (await filesUnder(join(s3Dir, 'platen'))).filter((file) => /_S3rver_uploads\/.+\/1$/.test(file));

  /** Cut points on a 20 MB file: part 1 (8 MB) is sent once the cut is past it. */
  const S3_CUT_POINTS: [string, (body: Buffer) => number, boolean][] = [
    ['before the PSD header', () => filePartHead.length + 10, false],
    ['mid-file, after multipart part 1', (body) => Math.floor(body.length / 2) + 3, true],
    ['just before the end', (body) => body.length - closing.length + 2, true],
  ];

  describe.each(routesOf(() => gateway))('$label', (route) => {
    it.each(S3_CUT_POINTS)(
      'cut %s: no object, no open descriptor, no row, one log line',
      async (point, cutAt, partSent) => {
        const partsBefore = new Set(await partOnes());
        const took = await cutOffAndCheck({
          gateway,
          route,
          logs,
          fileBytes: 20 * MB,
          cutAt,
          underWay: () =>
            partSent
              ? waitFor(
                  async () => ((await partOnes()).some((file) => !partsBefore.has(file)) ? true : undefined),
                  { timeoutMs: 10_000, what: 'multipart part 1 to be sent' },
                )
              : new Promise((resolve) => setTimeout(resolve, 300)),
          leftovers: storedObjects,
        });
        cleanUpTimes.push(`s3 ${route.label} ${point}: ${took} ms`);
      },
    );
  });
});

describe('the body timeout (BODY_TIMEOUT_MS)', () => {
  let gateway: TestGateway;
  const logs = captureLogs();
  const importsDir = () => join(stack.storageDir, 'imports');

  beforeAll(async () => {
    gateway = await stack.startGateway({ logger: logs.logger, env: { BODY_TIMEOUT_MS: '600' } });
  });

  /** Reads the answer on a raw socket (status line and JSON body), or what the socket got before it closed. */
  function answerOf(socket: Socket): Promise<{ status: number; body: Record<string, unknown>; at: number }> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString();
        const [head = '', body = ''] = text.split('\r\n\r\n');
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
          body: body ? (JSON.parse(body) as Record<string, unknown>) : {},
          at: Date.now(),
        });
      });
    });
  }

  /** Sends one byte every `everyMs` until the socket closes; returns a stopper. */
  function trickle(socket: Socket, everyMs: number): () => void {
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write('x');
    }, everyMs);
    socket.once('close', () => clearInterval(timer));
    return () => clearInterval(timer);
  }

  it('answers 408 REQUEST_TIMEOUT in the envelope and closes a JSON body that trickles', async () => {
    const accountId = await stack.admin.createAccount(10);
    const { key } = await stack.admin.createKey(accountId);
    const socket = connect(gateway.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const answer = answerOf(socket);
    const started = Date.now();
    socket.write(
      [
        'POST /api/v1/renders HTTP/1.1',
        `Host: 127.0.0.1:${gateway.port}`,
        `X-API-KEY: ${key}`,
        'Content-Type: application/json',
        'Content-Length: 5000',
        '',
        '{"mockup_uuid":',
      ].join('\r\n'),
    );
    const stop = trickle(socket, 200);
    const { status, body, at } = await answer;
    stop();
    expect(status).toBe(408);
    expect(body).toMatchObject({ success: false, code: 'REQUEST_TIMEOUT' });
    expect(typeof body.request_id).toBe('string');
    // Cut off within two windows, not after the 5,000 bytes would have trickled in (1,000 s).
    expect(at - started).toBeLessThan(3_000);
  });

  it('cuts off a PSD upload that trickles: 408, no temporary file, no row, one log line saying so', async () => {
    const [route] = routesOf(() => gateway);
    const { headers, accountId } = await route!.auth();
    const body = wholeBody(MB);
    const linesBefore = endedLines(logs).length;
    const socket = openUpload(gateway, route!.path, headers, body.length);
    const answer = answerOf(socket);
    await write(socket, body.subarray(0, filePartHead.length + 100));
    trickle(socket, 200);
    const { status, body: envelope } = await answer;
    expect(status).toBe(408);
    expect(envelope).toMatchObject({ success: false, code: 'REQUEST_TIMEOUT' });
    await waitFor(async () => ((await filesUnder(importsDir())).length === 0 ? true : undefined), {
      timeoutMs: CLEAN_UP_WITHIN_MS,
      what: 'temporary file removed',
    });
    await waitFor(() => (endedLines(logs).length > linesBefore ? true : undefined), {
      timeoutMs: CLEAN_UP_WITHIN_MS,
      what: 'the upload logged how it ended',
    });
    expect(
      endedLines(logs)
        .slice(linesBefore)
        .map((line) => line.code),
    ).toEqual(['REQUEST_TIMEOUT']);
    expect(await rowsOf(accountId)).toEqual([]);
  });

  it('lets a slow but steady upload through (64 KiB per window is progress)', async () => {
    const [route] = routesOf(() => gateway);
    const { headers, accountId } = await route!.auth();
    const body = wholeBody(MB);
    const socket = openUpload(gateway, route!.path, headers, body.length);
    const answer = answerOf(socket);
    // 1 MB in 128 KiB steps every 300 ms: about 3 s, five times the timeout, never a stall.
    for (let offset = 0; offset < body.length; offset += 128 * 1024) {
      await write(socket, body.subarray(offset, offset + 128 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    setTimeout(() => socket.end(), 2_000);
    const { status } = await answer;
    expect(status).toBe(202);
    expect(await rowsOf(accountId)).toHaveLength(1);
  });
});
