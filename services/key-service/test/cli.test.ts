import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { apiKeySummarySchema } from '@platen/contracts';
import { createDb, type Database } from '@platen/db';
import { CHANNELS, channelName } from '@platen/queue';
import {
  createTestDatabase,
  createTestRedis,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@platen/testing';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { runCli } from '../src/cli/run-cli.js';
import { createKeyVerifier } from '../src/key-verifier.js';
import { anyString, createTestClock, DEFAULT_LIMITS, KEY_PREFIX, matching, uniqueEmail } from './harness.js';

/** The fields a command printed, for tests that go on using them. */
function fieldsOf(run: CliRun): Record<'id' | 'key', string> & Record<string, unknown> {
  return run.json as Record<'id' | 'key', string>;
}

const run = promisify(execFile);
const REPO_ROOT = resolve(__dirname, '../../..');

let database: TestDatabase;
let testRedis: TestRedis;
let db: Kysely<Database>;
let env: Record<string, string>;
const clock = createTestClock(new Date());

beforeAll(async () => {
  database = await createTestDatabase('cli');
  testRedis = createTestRedis('cli');
  env = {
    DATABASE_URL: database.url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    LOG_LEVEL: 'silent',
  };
  db = createDb({ url: database.url, maxConnections: 2 });
});
afterAll(async () => {
  await db.destroy();
  await testRedis.cleanup();
  await database.drop();
});

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON object of the last stdout line. */
  json: Record<string, unknown>;
}

async function platen(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    clock,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  return { code, stdout, stderr, json: code === 0 ? (JSON.parse(last) as Record<string, unknown>) : {} };
}

async function rowCounts(): Promise<number[]> {
  const counts = [];
  for (const table of ['keys.accounts', 'keys.api_keys', 'keys.credit_ledger', 'keys.users'] as const) {
    const { n } = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts.push(Number(n));
  }
  return counts;
}

async function fails(argv: string[], code: number, message: RegExp): Promise<void> {
  const before = await rowCounts();
  const result = await platen(...argv);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^platen: [^\n]+\n$/);
  expect(result.stderr).toMatch(message);
  expect(await rowCounts()).toEqual(before);
}

describe('platen CLI', () => {
  it('migrates a fresh database, then reports nothing left to migrate', async () => {
    const first = await platen('migrate');
    expect(first.code).toBe(0);
    expect(first.json.migrated).toContain('keys/0001_initial');
    expect(await platen('migrate')).toMatchObject({ code: 0, json: { migrated: [] } });
  });

  it('creates an account and prints {id, email, credits}', async () => {
    const email = uniqueEmail('cli');
    const result = await platen('account', 'create', '--email', email, '--credits', '25');
    expect(result.code).toBe(0);
    expect(result.json).toEqual({ id: anyString(), email, credits: 25 });
    expect(result.stderr).toBe('');
  });

  it('shows an account with its key count and adds credits to it', async () => {
    const email = uniqueEmail('cli');
    const account = fieldsOf(await platen('account', 'create', '--email', email));
    await platen('key', 'create', '--account', email, '--name', 'one');
    expect((await platen('account', 'show', '--email', email.toUpperCase())).json).toEqual({
      id: account.id,
      email,
      credits: 0,
      keys: 1,
    });
    expect((await platen('credits', 'add', '--account', email, '--amount', '40')).json).toEqual({
      email,
      credits: 40,
    });
  });

  it('creates a key shown once as {id, name, key, key_hint, expires_at}, and the key verifies', async () => {
    const email = uniqueEmail('cli');
    await platen('account', 'create', '--email', email);
    const expires = new Date(clock.now().getTime() + 86_400_000).toISOString();
    const result = await platen('key', 'create', '--account', email, '--name', 'ci', '--expires', expires);
    expect(result.code).toBe(0);
    const json = fieldsOf(result);
    expect(Object.keys(json).sort()).toEqual(['expires_at', 'id', 'key', 'key_hint', 'name']);
    expect(json).toMatchObject({ name: 'ci', expires_at: expires, key_hint: json.key.slice(0, 11) });
    const verifier = createKeyVerifier({ db, clock, keyPrefix: KEY_PREFIX, defaultLimits: DEFAULT_LIMITS });
    expect(await verifier.verify(json.key)).toMatchObject({ valid: true, key_id: json.id, status: 'active' });
  });

  it('lists keys with the dashboard fields and never the key', async () => {
    const email = uniqueEmail('cli');
    await platen('account', 'create', '--email', email);
    const created = fieldsOf(await platen('key', 'create', '--account', email, '--name', 'listed'));
    const { json } = await platen('key', 'list', '--account', email);
    const keys = apiKeySummarySchema.strict().array().parse(json.keys);
    expect(keys).toEqual([expect.objectContaining({ id: created.id, status: 'active' })]);
    expect(JSON.stringify(json)).not.toContain(created.key);
  });

  it('revokes a key, prints {id, status: "revoked"} and tells the gateways on Redis', async () => {
    const subscriber = new Redis(testRedis.url);
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(channelName(testRedis.prefix, CHANNELS.keyRevoked));
    try {
      const email = uniqueEmail('cli');
      await platen('account', 'create', '--email', email);
      const created = fieldsOf(await platen('key', 'create', '--account', email, '--name', 'doomed'));
      expect((await platen('key', 'revoke', '--id', created.id)).json).toEqual({
        id: created.id,
        status: 'revoked',
      });
      const message = await waitFor(() => messages[0], { timeoutMs: 5_000, what: 'the revocation event' });
      expect(JSON.parse(message)).toEqual({ key_id: created.id, reason: 'revoked' });
    } finally {
      subscriber.disconnect();
    }
  });

  it('rotates a key: prints the new key once and when the old one stops working', async () => {
    const email = uniqueEmail('cli');
    await platen('account', 'create', '--email', email);
    const old = fieldsOf(await platen('key', 'create', '--account', email, '--name', 'rotating'));
    const result = await platen('key', 'rotate', '--id', old.id, '--grace-seconds', '60');
    expect(result.code).toBe(0);
    const json = result.json;
    expect(json).toMatchObject({
      id: anyString(),
      key: matching(/^sm_/),
      name: 'rotating',
      status: 'active',
      replaced: { id: old.id, revoked_at: new Date(clock.now().getTime() + 60_000).toISOString() },
    });
    expect(json.id).not.toBe(old.id);
  });

  it('works without Redis: revoking with no REDIS_URL skips the event and still revokes', async () => {
    const email = uniqueEmail('cli');
    await platen('account', 'create', '--email', email);
    const created = fieldsOf(await platen('key', 'create', '--account', email, '--name', 'offline'));
    const saved = env;
    env = { DATABASE_URL: database.url, DATA_DIR: `/tmp/platen-cli-test-${randomUUID()}` };
    try {
      expect(await platen('key', 'revoke', '--id', created.id)).toMatchObject({
        code: 0,
        json: { status: 'revoked' },
      });
    } finally {
      env = saved;
    }
  });

  describe('refuses bad input with one line on stderr, a non-zero exit and no change', () => {
    let email: string;
    beforeAll(async () => {
      email = uniqueEmail('bad');
      await platen('account', 'create', '--email', email, '--credits', '5');
    });

    it('an unknown account (exit 1)', async () => {
      await fails(
        ['key', 'create', '--account', 'nobody@example.com', '--name', 'x'],
        1,
        /no account with email nobody@example.com/,
      );
      await fails(['credits', 'add', '--account', 'nobody@example.com', '--amount', '5'], 1, /no account/);
      await fails(['account', 'show', '--email', 'nobody@example.com'], 1, /no account/);
    });

    it('a malformed date (exit 2)', async () => {
      await fails(
        ['key', 'create', '--account', email, '--name', 'x', '--expires', '31/12/2030'],
        2,
        /--expires must be an ISO-8601/,
      );
      await fails(
        ['key', 'create', '--account', email, '--name', 'x', '--expires', '2030-02-30T00:00:00Z'],
        2,
        /--expires/,
      );
    });

    it('an expiry in the past (exit 2)', async () => {
      await fails(
        ['key', 'create', '--account', email, '--name', 'x', '--expires', '2001-01-01T00:00:00Z'],
        2,
        /--expires is in the past/,
      );
    });

    it('a missing flag or value (exit 2)', async () => {
      await fails(['key', 'create', '--account', email], 2, /missing --name/);
      await fails(['account', 'create'], 2, /missing --email/);
      await fails(['credits', 'add', '--account', email], 2, /missing --amount/);
      await fails(['key', 'revoke', '--id'], 2, /--id needs a value/);
    });

    it('a bad value (exit 2)', async () => {
      await fails(['account', 'create', '--email', 'not-an-email'], 2, /--email is not an email address/);
      await fails(
        ['credits', 'add', '--account', email, '--amount', '0'],
        2,
        /--amount must be a whole number/,
      );
      await fails(['credits', 'add', '--account', email, '--amount', '1.5'], 2, /--amount/);
      await fails(['key', 'rotate', '--id', randomUUID(), '--grace-seconds', '604801'], 2, /--grace-seconds/);
    });

    it('an unknown command or option (exit 2)', async () => {
      await fails([], 2, /missing command/);
      await fails(['key', 'destroy'], 2, /unknown command "key destroy"/);
      await fails(['toString'], 2, /unknown command/);
      await fails(
        ['account', 'create', '--email', uniqueEmail('x'), '--bogus', '1'],
        2,
        /unknown option --bogus/,
      );
      await fails(['migrate', 'now'], 2, /unexpected argument/);
    });

    it('a taken email or an unknown key id (exit 1)', async () => {
      await fails(['account', 'create', '--email', email.toUpperCase()], 1, /email is already registered/);
      await fails(['key', 'revoke', '--id', randomUUID()], 1, /no key with id/);
      await fails(['key', 'rotate', '--id', 'not-a-uuid'], 1, /no key with id not-a-uuid/);
    });

    it('a bad configuration (exit 1), naming the variable', async () => {
      const saved = env;
      env = { ...env, DATABASE_URL: 'mysql://localhost/x' };
      try {
        await fails(['account', 'show', '--email', email], 1, /invalid configuration: DATABASE_URL/);
      } finally {
        env = saved;
      }
    });
  });

  describe('the built entry point', () => {
    // Builds this workspace only (incremental); its dependencies' dist comes from `npm run build`.
    beforeAll(async () => {
      await run('npx', ['tsc', '-p', 'services/key-service/tsconfig.build.json'], { cwd: REPO_ROOT });
    }, 180_000);

    const cli = () => resolve(REPO_ROOT, 'services/key-service/dist/cli.js');

    it('runs as `node services/key-service/dist/cli.js` and prints the JSON as its last stdout line', async () => {
      const email = uniqueEmail('spawn');
      const { stdout } = await run('node', [cli(), 'account', 'create', '--email', email], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, ...env },
      });
      expect(JSON.parse(stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({ email, credits: 0 });
    });

    it('exits 2 with one stderr line on a usage error', async () => {
      const failure = await run('node', [cli(), 'key', 'create', '--account', 'a@example.com'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, ...env },
      }).then(
        () => undefined,
        (error: { code: number; stderr: string; stdout: string }) => error,
      );
      expect(failure).toMatchObject({ code: 2, stdout: '', stderr: 'platen: missing --name\n' });
    });
  });
});
