// How a balance is topped up on a self-hosted Platen: its operator runs the CLI's `credits add` for
// the account (there is no payment flow). The Credits page shows the exact command to send them.
import { shellSingleQuote } from './curl.js';

const SHELL_SAFE = /^[A-Za-z0-9_.+@-]+$/;

/** The operator command that adds `amount` credits to the account with this email. */
export function topUpCommand(email: string, amount = 100): string {
  const account = SHELL_SAFE.test(email) ? email : shellSingleQuote(email);
  return `npm run platen -- credits add --account ${account} --amount ${amount}`;
}
