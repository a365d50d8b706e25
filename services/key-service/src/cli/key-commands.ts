// `key create|list|revoke|rotate`: the full key appears in the output of create and rotate only.
import { ApiError, KEY_NAME_MAX, MAX_ROTATE_GRACE_SECONDS, type ApiKeySummary } from '@platen/contracts';
import { MAX_PAGE_SIZE } from '../page-cursor.js';
import { accountByEmail } from './account-commands.js';
import { CommandError, type PreparedCommand } from './command.js';
import { dateTimeFlag, emailFlag, integerFlag, parseFlags, requiredFlag, UsageError } from './flags.js';

async function orNoSuchKey<T>(id: string, action: Promise<T>): Promise<T> {
  try {
    return await action;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND')
      throw new CommandError(`no key with id ${id}`);
    throw error;
  }
}

export function keyCreate(args: string[]): PreparedCommand {
  const flags = parseFlags(args, ['account', 'name', 'expires']);
  const email = emailFlag(flags.account, 'account');
  const name = requiredFlag(flags.name, 'name').trim();
  if (name.length > KEY_NAME_MAX) throw new UsageError(`--name is longer than ${KEY_NAME_MAX} characters`);
  const expiresAt = flags.expires === undefined ? null : dateTimeFlag(flags.expires, 'expires');
  return {
    publishes: false,
    async run({ stores, clock }) {
      if (expiresAt && new Date(expiresAt).getTime() <= clock.now().getTime()) {
        throw new UsageError('--expires is in the past');
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
}

export function keyList(args: string[]): PreparedCommand {
  const email = emailFlag(parseFlags(args, ['account']).account, 'account');
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
}

export function keyRevoke(args: string[]): PreparedCommand {
  const id = requiredFlag(parseFlags(args, ['id']).id, 'id').trim();
  return {
    publishes: true,
    async run({ stores }) {
      const revoked = await orNoSuchKey(id, stores.keys.revoke(id));
      return { id: revoked.id, status: revoked.status };
    },
  };
}

export function keyRotate(args: string[]): PreparedCommand {
  const flags = parseFlags(args, ['id', 'grace-seconds']);
  const id = requiredFlag(flags.id, 'id').trim();
  const graceSeconds =
    flags['grace-seconds'] === undefined
      ? 0
      : integerFlag(flags['grace-seconds'], 'grace-seconds', { min: 0, max: MAX_ROTATE_GRACE_SECONDS });
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
}
