// `key create|list|revoke|rotate`: the full key appears in the output of create and rotate only.
import { ApiError, KEY_NAME_MAX, MAX_ROTATE_GRACE_SECONDS, type ApiKeySummary } from '@platen/contracts';
import { MAX_PAGE_SIZE } from '../page-cursor.js';
import { ACCOUNT_FLAG, accountByEmail } from './account-commands.js';
import { CommandError, type CommandSpec } from './command.js';
import { dateTimeFlag, emailFlag, integerFlag, UsageError, type FlagSpec } from './flags.js';

const KEY_ID_FLAG: FlagSpec = {
  name: 'id',
  type: 'string',
  value: '<key id>',
  required: true,
  help: 'the key\'s id (the "id" that key create and key list print)',
};

async function orNoSuchKey<T>(id: string, action: Promise<T>): Promise<T> {
  try {
    return await action;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND')
      throw new CommandError(`no key with id ${id}`);
    throw error;
  }
}

export const keyCreate: CommandSpec = {
  name: 'key create',
  summary: 'create an API key for an account; the key is printed this once',
  flags: [
    ACCOUNT_FLAG,
    {
      name: 'name',
      type: 'string',
      value: '<name>',
      required: true,
      help: `up to ${KEY_NAME_MAX} characters`,
    },
    {
      name: 'expires',
      type: 'string',
      value: '<ISO-8601>',
      help: 'when it stops working: 2026-12-31T23:59:59Z, …+02:00, or a date (its 00:00 UTC); default never',
    },
  ],
  prints: '{"id", "name", "key", "key_hint", "expires_at"}',
  prepare(flags) {
    const email = emailFlag(flags, 'account');
    const name = flags.required('name').trim();
    if (name.length > KEY_NAME_MAX) throw new UsageError(`--name is longer than ${KEY_NAME_MAX} characters`);
    const expiresAt = dateTimeFlag(flags, 'expires');
    return {
      publishes: false,
      async run({ stores, clock }) {
        if (expiresAt && new Date(expiresAt).getTime() <= clock.now().getTime()) {
          throw new UsageError(`${flags.label('expires')} is in the past`);
        }
        const account = await accountByEmail(stores, email);
        const created = await stores.keys.create(account.id, { name, expires_at: expiresAt });
        return {
          id: created.id,
          name: created.name,
          key: created.key,
          key_hint: created.key_hint,
          expires_at: created.expires_at,
        };
      },
    };
  },
};

export const keyList: CommandSpec = {
  name: 'key list',
  summary: "list an account's keys, newest first (never the keys themselves)",
  flags: [ACCOUNT_FLAG],
  prints: '{"keys": [ApiKeySummary, ...]}',
  prepare(flags) {
    const email = emailFlag(flags, 'account');
    return {
      publishes: false,
      async run({ stores }) {
        const account = await accountByEmail(stores, email);
        const keys: ApiKeySummary[] = [];
        let cursor: string | undefined;
        do {
          const page = await stores.keys.list(account.id, { limit: MAX_PAGE_SIZE, cursor });
          keys.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return { keys };
      },
    };
  },
};

export const keyRevoke: CommandSpec = {
  name: 'key revoke',
  summary: 'revoke a key at once (gateways are told on Redis)',
  flags: [KEY_ID_FLAG],
  prints: '{"id", "status": "revoked"}',
  prepare(flags) {
    const id = flags.required('id').trim();
    return {
      publishes: true,
      async run({ stores }) {
        const revoked = await orNoSuchKey(id, stores.keys.revoke(id));
        return { id: revoked.id, status: revoked.status };
      },
    };
  },
};

export const keyRotate: CommandSpec = {
  name: 'key rotate',
  summary: 'replace a key by a new one; the old one works for the grace period',
  flags: [
    KEY_ID_FLAG,
    {
      name: 'grace-seconds',
      type: 'string',
      value: '<s>',
      help: `how long the old key keeps working, 0 to ${MAX_ROTATE_GRACE_SECONDS} (default 0)`,
    },
  ],
  prints: '{"id", "key", "name", ..., "replaced": {"id", "revoked_at"}}',
  prepare(flags) {
    const id = flags.required('id').trim();
    const graceSeconds = integerFlag(flags, 'grace-seconds', {
      min: 0,
      max: MAX_ROTATE_GRACE_SECONDS,
      fallback: 0,
    });
    return {
      publishes: true,
      async run({ stores }) {
        const { key, replaced } = await orNoSuchKey(
          id,
          stores.keys.rotate(id, { grace_seconds: graceSeconds }),
        );
        const { id: newId, key: fullKey, ...fields } = key;
        return {
          id: newId,
          key: fullKey,
          ...fields,
          replaced: { id: replaced.id, revoked_at: replaced.revoked_at },
        };
      },
    };
  },
};
