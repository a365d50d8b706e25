// `account create|show` and `credits add`: accounts are named by email (`--account`, or `--email`).
import type { Account } from '@platen/contracts';
import type { Stores } from '../stores.js';
import type { CliOutput } from './cli-io.js';
import { CommandError, type CommandSpec } from './command.js';
import { emailFlag, integerFlag, type FlagSpec } from './flags.js';
import { PASSWORD_FLAGS, readPassword } from './password-input.js';

const MAX_CREDITS = 1_000_000_000;

export const ACCOUNT_FLAG: FlagSpec = {
  name: 'account',
  aliases: ['email'],
  type: 'string',
  value: '<email>',
  required: true,
  help: "the account's email, in any case",
};

export async function accountByEmail(stores: Stores, email: string): Promise<Account> {
  const account = await stores.accounts.findByEmail(email);
  if (!account) throw new CommandError(`no account with email ${email}`);
  return account;
}

/** How a password is set later: printed when an account is made without one. */
export function setPasswordHint(email: string): string {
  return `npm run platen -- user set-password --account ${email}`;
}

function noteNoPassword(stderr: CliOutput, email: string): void {
  stderr.write(
    `note: no dashboard password set (stdin is not a terminal); its owner can log in once you run: ${setPasswordHint(email)}\n`,
  );
}

export const accountCreate: CommandSpec = {
  name: 'account create',
  summary: 'create an account, with a dashboard password if one is given',
  flags: [
    ACCOUNT_FLAG,
    {
      name: 'credits',
      type: 'string',
      value: '<n>',
      help: `starter credits, 0 to ${MAX_CREDITS} (default 0), a ledger grant`,
    },
    ...PASSWORD_FLAGS,
  ],
  prints: '{"id", "email", "credits"}',
  notes: [
    'Without --password or --password-stdin the CLI asks for the password when stdin is a terminal;',
    `otherwise the account has no dashboard login until \`${setPasswordHint('<email>')}\`.`,
  ],
  async prepare(flags, input) {
    const email = emailFlag(flags, 'account');
    const credits = integerFlag(flags, 'credits', { min: 0, max: MAX_CREDITS, fallback: 0 });
    const password = await readPassword(flags, input, email);
    return {
      publishes: false,
      async run({ stores }) {
        if (password === undefined) {
          const account = await stores.accounts.create({ email, credits });
          noteNoPassword(input.stderr, account.email);
          return { id: account.id, email: account.email, credits: account.credits };
        }
        // One transaction: the account, its grant and its dashboard user, or nothing.
        const identity = await stores.users.signUp({ email, password, credits });
        const account = await stores.accounts.get(identity.account_id);
        return { id: account.id, email: account.email, credits: account.credits };
      },
    };
  },
};

export const accountShow: CommandSpec = {
  name: 'account show',
  summary: 'show an account, its balance and how many keys it has',
  flags: [ACCOUNT_FLAG],
  prints: '{"id", "email", "credits", "keys": n}   (n = all keys of the account)',
  prepare(flags) {
    const email = emailFlag(flags, 'account');
    return {
      publishes: false,
      async run({ stores }) {
        const account = await accountByEmail(stores, email);
        const keys = await stores.keys.count(account.id);
        return { id: account.id, email: account.email, credits: account.credits, keys };
      },
    };
  },
};

export const creditsAdd: CommandSpec = {
  name: 'credits add',
  summary: "add credits to an account's balance (a ledger grant): how a balance is topped up",
  flags: [
    ACCOUNT_FLAG,
    { name: 'amount', type: 'string', value: '<n>', required: true, help: `1 to ${MAX_CREDITS}` },
  ],
  prints: '{"email", "credits"}   (credits = the new balance)',
  prepare(flags) {
    const email = emailFlag(flags, 'account');
    const amount = integerFlag(flags, 'amount', { min: 1, max: MAX_CREDITS });
    return {
      publishes: false,
      async run({ stores }) {
        const account = await accountByEmail(stores, email);
        const { balance } = await stores.credits.grant(account.id, { amount, note: 'platen credits add' });
        return { email: account.email, credits: balance };
      },
    };
  },
};
