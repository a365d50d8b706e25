// `user set-password`: gives an account its dashboard login (an account made by the CLI has none), or
// a new password. The password goes through the dashboard sign-up's rule and hasher; a new password
// ends every dashboard session of the user (gateways are told on Redis).
import { ApiError } from '@platen/contracts';
import { ACCOUNT_FLAG } from './account-commands.js';
import { CommandError, type CommandSpec } from './command.js';
import { emailFlag, UsageError } from './flags.js';
import { PASSWORD_FLAGS, readPassword } from './password-input.js';

export const userSetPassword: CommandSpec = {
  name: 'user set-password',
  summary: "set the dashboard password of an account's user, creating the user if the account has none",
  flags: [ACCOUNT_FLAG, ...PASSWORD_FLAGS],
  prints: '{"email", "user_id", "created"}   (created: the account had no dashboard user before)',
  notes: [
    'Without --password or --password-stdin the CLI asks for the password (stdin must be a terminal).',
    'A new password signs the user out of every dashboard session (gateways are told on Redis).',
  ],
  async prepare(flags, input) {
    const email = emailFlag(flags, 'account');
    const password = await readPassword(flags, input, email);
    if (password === undefined) {
      throw new UsageError('no password: stdin is not a terminal, so give --password-stdin (or --password)');
    }
    return {
      publishes: true,
      async run({ stores }) {
        try {
          const user = await stores.users.setPassword({ email, password });
          return { email: user.email, user_id: user.user_id, created: user.created };
        } catch (error) {
          if (error instanceof ApiError && error.code === 'NOT_FOUND') {
            throw new CommandError(`no account with email ${email}`);
          }
          throw error;
        }
      },
    };
  },
};
