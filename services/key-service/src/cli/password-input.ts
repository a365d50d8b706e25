// Where a command's dashboard password comes from: --password (visible in shell history and `ps`),
// --password-stdin (one line piped in), or a prompt without echo when stdin is a terminal. It is
// checked with the dashboard sign-up's own rule (signUpRequestSchema) and never printed or logged.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, signUpRequestSchema } from '@platen/contracts';
import type { CliInputStream } from './cli-io.js';
import type { CommandInput } from './command.js';
import { UsageError, type Flags, type FlagSpec } from './flags.js';
import { promptHidden } from './password-prompt.js';

export const PASSWORD_FLAGS: readonly FlagSpec[] = [
  {
    name: 'password',
    type: 'string',
    value: '<password>',
    help: `the dashboard password (${PASSWORD_MIN_LENGTH}+ characters); stays in shell history, so prefer --password-stdin`,
  },
  {
    name: 'password-stdin',
    type: 'boolean',
    help: 'read the password from stdin (its first line), e.g. `printf %s "$PW" | platen ...`',
  },
];

/** A piped password is one line; more than this is not a password. */
const MAX_STDIN_BYTES = 8 * 1024;

async function readFirstLine(stream: CliInputStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (Buffer.byteLength(text) > MAX_STDIN_BYTES) {
      throw new UsageError(`--password-stdin: stdin holds more than ${MAX_STDIN_BYTES} bytes`);
    }
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function checked(password: string, source: string): string {
  if (!signUpRequestSchema.shape.password.safeParse(password).success) {
    throw new UsageError(
      `${source} must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters (as on dashboard sign-up)`,
    );
  }
  return password;
}

/**
 * The password the flags (or the person at the terminal) give, checked; undefined when none was given
 * and stdin is not a terminal (the caller decides whether that is an error).
 */
export async function readPassword(
  flags: Flags,
  { stdin, stderr }: CommandInput,
  email: string,
): Promise<string | undefined> {
  const inline = flags.optional('password');
  if (inline !== undefined && flags.boolean('password-stdin')) {
    throw new UsageError('give --password or --password-stdin, not both');
  }
  if (inline !== undefined) return checked(inline, '--password');
  if (flags.boolean('password-stdin')) {
    if (!stdin) throw new UsageError('--password-stdin: no stdin to read');
    return checked(await readFirstLine(stdin.open()), 'the password on stdin');
  }
  if (!stdin?.isTTY) return undefined;
  const terminal = stdin.open();
  const first = await promptHidden(
    terminal,
    stderr,
    `Dashboard password for ${email} (${PASSWORD_MIN_LENGTH}+ characters, not shown): `,
  );
  checked(first, 'the password');
  const again = await promptHidden(terminal, stderr, 'The same password again: ');
  if (again !== first) throw new UsageError('the two passwords differ; nothing changed');
  return first;
}
