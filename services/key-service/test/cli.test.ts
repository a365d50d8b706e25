import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { apiKeySummarySchema } from '@platen/contracts';
import { createDb, type Database } from '@platen/db';
import {
  createLogger,
  createServiceTokenSigner,
  createSessionTokens,
  listen,
  type RunningServer,
} from '@platen/http';
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
import { createApp } from '../src/app.js';
import type { CliInput } from '../src/cli/cli-io.js';
import { COMMANDS } from '../src/cli/commands.js';
import { runCli } from '../src/cli/run-cli.js';
import { createKeyVerifier } from '../src/key-verifier.js';
import { createReadinessCheck } from '../src/readiness.js';
import { createSilentRevocationPublisher } from '../src/revocation-publisher.js';
import { createStores } from '../src/stores.js';
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

async function platenWith(
  options: { stdin?: CliInput; onStderr?: (chunk: string) => void },
  ...argv: string[]
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    clock,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        options.onStderr?.(chunk);
      },
    },
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  const json = code === 0 && last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : {};
  return { code, stdout, stderr, json };
}

/** The CLI with no stdin at all (as when it is not a terminal and nothing is piped). */
function platen(...argv: string[]): Promise<CliRun> {
  return platenWith({}, ...argv);
}

/** stdin piped from a file or another program: not a terminal. */
function piped(text: string): CliInput {
  return { isTTY: false, open: () => Readable.from([text]) };
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

async function fails(
  argv: string[],
  code: number,
  message: RegExp,
  options: { stdin?: CliInput } = {},
): Promise<CliRun> {
  const before = await rowCounts();
  const result = await platenWith(options, ...argv);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^platen: [^\n]+\n$/);
  expect(result.stderr).toMatch(message);
  expect(await rowCounts()).toEqual(before);
  return result;
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
    expect(result.stderr).toBe(
      `note: no dashboard password set (stdin is not a terminal); its owner can log in once you run: npm run platen -- user set-password --account ${email}\n`,
    );
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
      await fails(['account', 'create'], 2, /missing --account or --email/);
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

  describe('--help', () => {
    // What each command's help must list: written out here, so a flag dropped from a command fails.
    const FLAGS: Record<string, string[]> = {
      'account create': [
        '--account, --email <email>',
        '--credits <n>',
        '--password <password>',
        '--password-stdin',
      ],
      'account show': ['--account, --email <email>'],
      'credits add': ['--account, --email <email>', '--amount <n>'],
      'key create': ['--account, --email <email>', '--name <name>', '--expires <ISO-8601>'],
      'key list': ['--account, --email <email>'],
      'key revoke': ['--id <key id>'],
      'key rotate': ['--id <key id>', '--grace-seconds <s>'],
      'user set-password': ['--account, --email <email>', '--password <password>', '--password-stdin'],
      migrate: [],
    };

    it('has a help text for every command', () => {
      expect(COMMANDS.map((command) => command.name).sort()).toEqual(Object.keys(FLAGS).sort());
    });

    it.each(Object.entries(FLAGS))(
      '`%s --help` exits 0 and lists its flags, without configuration or a database',
      async (name, flags) => {
        const saved = env;
        env = { DATABASE_URL: 'mysql://not-even-postgres/x' };
        try {
          for (const argv of [
            [...name.split(' '), '--help'],
            [...name.split(' '), '-h'],
            ['help', ...name.split(' ')],
          ]) {
            const result = await platen(...argv);
            expect(result).toMatchObject({ code: 0, stderr: '' });
            expect(result.stdout).toMatch(new RegExp(`^Usage: platen ${name}( |\\n)`));
            for (const flag of [...flags, '-h, --help']) expect(result.stdout).toContain(`  ${flag}  `);
            expect(result.stdout).toContain('Prints (the last line on stdout): {');
          }
        } finally {
          env = saved;
        }
      },
    );

    it('answers --help even after other flags, bad ones included, and changes nothing', async () => {
      const before = await rowCounts();
      const result = await platen('account', 'create', '--email', uniqueEmail('help'), '--bogus', '--help');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: platen account create --account <email> \[--credits <n>\]/);
      expect(await rowCounts()).toEqual(before);
    });

    it('`platen --help` and `platen help` list every command; `platen key --help` the key commands', async () => {
      for (const argv of [['--help'], ['help'], ['-h']]) {
        const result = await platen(...argv);
        expect(result.code).toBe(0);
        for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command.name}  `);
      }
      const group = await platen('key', '--help');
      expect(group.code).toBe(0);
      expect(group.stdout).toContain('  key create  ');
      expect(group.stdout).toContain('  key rotate  ');
      expect(group.stdout).not.toContain('account create');
    });
  });

  describe('--account everywhere an account is named, --email the same flag', () => {
    it('takes --account for account create and show, --email for key and credits commands', async () => {
      const email = uniqueEmail('alias');
      const created = await platen('account', 'create', '--account', email);
      expect(created.json).toEqual({ id: anyString(), email, credits: 0 });
      expect((await platen('credits', 'add', '--email', email, '--amount', '7')).json).toEqual({
        email,
        credits: 7,
      });
      const key = fieldsOf(await platen('key', 'create', '--email', email, '--name', 'aliased'));
      const { json } = await platen('key', 'list', '--email', email.toUpperCase());
      expect(json.keys).toEqual([expect.objectContaining({ id: key.id, name: 'aliased' })]);
      expect((await platen('account', 'show', '--account', email)).json).toEqual({
        id: created.json.id,
        email,
        credits: 7,
        keys: 1,
      });
    });

    it('names the flag as it was typed when its value is bad, and refuses both spellings at once', async () => {
      await fails(['key', 'list', '--email', 'nope'], 2, /^platen: --email is not an email address\n$/);
      await fails(['key', 'list', '--account', 'nope'], 2, /^platen: --account is not an email address\n$/);
      const email = uniqueEmail('both');
      await fails(
        ['account', 'create', '--account', email, '--email', email],
        2,
        /--account and --email are the same option; give one/,
      );
    });

    it("lists the command's own options when one is unknown", async () => {
      await fails(
        ['credits', 'add', '--account', uniqueEmail('x'), '--credits', '5'],
        2,
        /unknown option --credits; "credits add" takes --account\/--email, --amount \(see --help\)/,
      );
      await fails(['migrate', '--force'], 2, /unknown option --force; "migrate" takes no options/);
    });

    it('says which action is missing after a group', async () => {
      await fails(['account'], 2, /missing action after "account"; one of: create, show/);
      await fails(['user'], 2, /missing action after "user"; one of: set-password/);
    });
  });

  describe('dashboard passwords', () => {
    const SECRET = 'cli-test-service-secret-of-32-characters!';
    const sign = createServiceTokenSigner(SECRET, 'gateway');
    let server: RunningServer;
    let redis: Redis;

    beforeAll(async () => {
      redis = new Redis(testRedis.url, { maxRetriesPerRequest: 1 });
      const app = createApp({
        stores: createStores({
          db,
          clock,
          keyPrefix: KEY_PREFIX,
          publisher: createSilentRevocationPublisher(),
        }),
        verifier: createKeyVerifier({ db, clock, keyPrefix: KEY_PREFIX, defaultLimits: DEFAULT_LIMITS }),
        readiness: createReadinessCheck({ db, redis }),
        serviceJwtSecret: SECRET,
        sessions: createSessionTokens(SECRET, { ttlSeconds: 1_800 }),
        signupCredits: 0,
        defaultLimits: DEFAULT_LIMITS,
        clock,
        logger: createLogger({ name: 'cli-test', level: 'silent' }),
      });
      server = await listen(app, 0, '127.0.0.1');
    });
    afterAll(async () => {
      await server.close();
      redis.disconnect();
    });

    /** The dashboard's login: the gateway posts exactly this to the key-service. */
    async function logIn(email: string, password: string): Promise<number> {
      const response = await fetch(`http://127.0.0.1:${server.port}/internal/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await sign()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      await response.body?.cancel();
      return response.status;
    }

    const PASSWORD = 'an operator-chosen password';

    it('account create --password: the owner logs into the dashboard with it at once', async () => {
      const email = uniqueEmail('pw');
      const result = await platen(
        'account',
        'create',
        '--email',
        email,
        '--credits',
        '3',
        '--password',
        PASSWORD,
      );
      expect(result).toMatchObject({ code: 0, stderr: '', json: { id: anyString(), email, credits: 3 } });
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      expect(await logIn(email, PASSWORD)).toBe(201);
      expect(await logIn(email, `${PASSWORD}?`)).toBe(401);
    });

    it('account create --password-stdin reads the first line of a pipe, newline not included', async () => {
      const email = uniqueEmail('stdin');
      const result = await platenWith(
        { stdin: piped(`${PASSWORD}\n`) },
        'account',
        'create',
        '--account',
        email,
        '--password-stdin',
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(await logIn(email, PASSWORD)).toBe(201);
    });

    it('user set-password gives a CLI-made account its login, then changes it', async () => {
      const email = uniqueEmail('later');
      await platen('account', 'create', '--email', email);
      expect(await logIn(email, PASSWORD)).toBe(401);
      const first = await platenWith(
        { stdin: piped(PASSWORD) },
        'user',
        'set-password',
        '--email',
        email,
        '--password-stdin',
      );
      expect(first).toMatchObject({ code: 0, json: { email, user_id: anyString(), created: true } });
      expect(await logIn(email, PASSWORD)).toBe(201);

      const changed = await platen(
        'user',
        'set-password',
        '--account',
        email.toUpperCase(),
        '--password',
        `new ${PASSWORD}`,
      );
      expect(changed).toMatchObject({
        code: 0,
        json: { email, user_id: first.json.user_id, created: false },
      });
      expect(await logIn(email, PASSWORD)).toBe(401);
      expect(await logIn(email, `new ${PASSWORD}`)).toBe(201);
    });

    it('asks twice without echo when stdin is a terminal, and sets what was typed', async () => {
      const email = uniqueEmail('tty');
      const terminal = new PassThrough();
      const rawModes: boolean[] = [];
      Object.assign(terminal, { setRawMode: (mode: boolean) => rawModes.push(mode) });
      const result = await platenWith(
        {
          stdin: { isTTY: true, open: () => terminal },
          // Types the answer once the question is on screen, backspace included.
          onStderr: (chunk) => {
            if (/password/i.test(chunk) && !chunk.startsWith('\n')) terminal.write(`${PASSWORD}x\u007f\r`);
          },
        },
        'account',
        'create',
        '--email',
        email,
      );
      expect(result).toMatchObject({ code: 0, json: { email } });
      expect(result.stderr).toContain(`Dashboard password for ${email}`);
      expect(result.stderr).toContain('The same password again');
      expect(result.stderr).not.toContain(PASSWORD.slice(0, 8));
      expect(rawModes).toEqual([true, false, true, false]);
      expect(await logIn(email, PASSWORD)).toBe(201);
    });

    it('refuses a password shorter than the dashboard allows (12), from any source, creating nothing', async () => {
      const email = uniqueEmail('short');
      await fails(
        ['account', 'create', '--email', email, '--password', 'elevenchars'],
        2,
        /--password must be 12 to 1024 characters/,
      );
      await fails(
        ['account', 'create', '--email', email, '--password-stdin'],
        2,
        /the password on stdin must be 12/,
        {
          stdin: piped('elevenchars\n'),
        },
      );
      await platen('account', 'create', '--email', email);
      await fails(
        ['user', 'set-password', '--account', email, '--password', 'short'],
        2,
        /--password must be 12/,
      );
      expect(await logIn(email, 'elevenchars')).toBe(401);
    });

    it('refuses two different typed passwords, a missing one without a terminal, and both flags at once', async () => {
      const email = uniqueEmail('refused');
      const terminal = new PassThrough();
      Object.assign(terminal, { setRawMode: () => undefined });
      let asked = 0;
      const before = await rowCounts();
      const differ = await platenWith(
        {
          stdin: {
            isTTY: true,
            open: () => {
              // Each question gets a different answer.
              terminal.on('resume', () => terminal.write(`${PASSWORD} ${++asked}\r`));
              return terminal;
            },
          },
        },
        'account',
        'create',
        '--email',
        email,
      );
      expect(differ.code).toBe(2);
      expect(asked).toBe(2);
      expect(differ.stderr).toMatch(/\nplaten: the two passwords differ; nothing changed\n$/);
      expect(differ.stderr).not.toContain(PASSWORD);
      expect(await rowCounts()).toEqual(before);
      await platen('account', 'create', '--email', email);
      await fails(
        ['user', 'set-password', '--account', email],
        2,
        /no password: stdin is not a terminal, so give --password-stdin/,
      );
      const both = await fails(
        ['user', 'set-password', '--account', email, '--password', PASSWORD, '--password-stdin'],
        2,
        /give --password or --password-stdin, not both/,
        { stdin: piped(PASSWORD) },
      );
      expect(both.stderr).not.toContain(PASSWORD);
      const stray = await fails(
        ['user', 'set-password', '--account', email, '--password-stdin', PASSWORD],
        2,
        /--password-stdin takes no value/,
      );
      expect(stray.stderr).not.toContain(PASSWORD);
      await fails(
        ['user', 'set-password', '--account', uniqueEmail('nobody'), '--password', PASSWORD],
        1,
        /no account with email/,
      );
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

    it('prints help on --help with exit 0', async () => {
      const { stdout, stderr } = await run('node', [cli(), 'user', 'set-password', '--help'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH },
      });
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^Usage: platen user set-password --account <email>/);
      expect(stdout).toContain('--password-stdin');
    });

    it('reads --password-stdin from the process stdin and exits once the pipe closes', async () => {
      const email = uniqueEmail('spawn');
      const child = spawn('node', [cli(), 'account', 'create', '--email', email, '--password-stdin'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end('a piped password, long enough\n');
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({ email });
      const user = await db
        .selectFrom('keys.users')
        .select('email')
        .where('email', '=', email)
        .executeTakeFirst();
      expect(user).toEqual({ email });
    }, 30_000);
  });
});
