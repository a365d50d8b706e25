// Asks for a secret on a terminal without echoing it: stdin in raw mode, one line, backspace works,
// Ctrl-C cancels. The typed characters are never written anywhere.
import type { CliInputStream, CliOutput } from './cli-io.js';
import { CommandError } from './command.js';

/** A typed line longer than this is cut off: bounds the memory one prompt can take. */
const MAX_TYPED = 4096;

export function promptHidden(input: CliInputStream, output: CliOutput, question: string): Promise<string> {
  output.write(question);
  input.setRawMode?.(true);
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = () => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
    };
    const onEnd = () => {
      finish();
      resolve(typed.join(''));
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n' || char === '\u0004') return onEnd();
        if (char === '\u0003') {
          finish();
          return reject(new CommandError('cancelled'));
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ' && typed.length < MAX_TYPED) typed.push(char);
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
