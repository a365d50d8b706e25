// A pass-through stream that fails once more than `maxBytes` have gone through it, so an upload is
// cut off at the limit while it streams instead of after it was stored.
import { Transform } from 'node:stream';

export class ByteLimitExceededError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
    this.name = 'ByteLimitExceededError';
  }
}

export function limitBytes(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new ByteLimitExceededError(maxBytes));
      else callback(null, chunk);
    },
  });
}
