// `account create|show` and `credits add`: accounts are named by email on the command line.
import type { Account } from '@platen/contracts';
import type { Stores } from '../stores.js';
import { CommandError, type PreparedCommand } from './command.js';
import { emailFlag, integerFlag, parseFlags, requiredFlag } from './flags.js';

const MAX_CREDITS = 1_000_000_000;

export async function accountByEmail(stores: Stores, email: string): Promise<Account> {
  const account = await stores.accounts.findByEmail(email);
  if (!account) throw new CommandError(`no account with email ${email}`);
  return account;
}

export function accountCreate(args: string[]): PreparedCommand {
  const flags = parseFlags(args, ['email', 'credits']);
  const email = emailFlag(flags.email, 'email');
  const credits =
    flags.credits === undefined ? 0 : integerFlag(flags.credits, 'credits', { min: 0, max: MAX_CREDITS });
  return {
    publishes: false,
    async run({ stores }) {
      const account = await stores.accounts.create({ email, credits });
      return { id: account.id, email: account.email, credits: account.credits };
    },
  };
}

export function accountShow(args: string[]): PreparedCommand {
  const email = emailFlag(parseFlags(args, ['email']).email, 'email');
  return {
    publishes: false,
    async run({ stores }) {
      const account = await accountByEmail(stores, email);
      const keys = await stores.keys.count(account.id);
      return { id: account.id, email: account.email, credits: account.credits, keys };
    },
  };
}

export function creditsAdd(args: string[]): PreparedCommand {
  const flags = parseFlags(args, ['account', 'amount']);
  const email = emailFlag(flags.account, 'account');
  const amount = integerFlag(requiredFlag(flags.amount, 'amount'), 'amount', { min: 1, max: MAX_CREDITS });
  return {
    publishes: false,
    async run({ stores }) {
      const account = await accountByEmail(stores, email);
      const { balance } = await stores.credits.grant(account.id, { amount, note: 'platen credits add' });
      return { email: account.email, credits: balance };
    },
  };
}
