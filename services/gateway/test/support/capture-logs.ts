// A pino logger with the gateway's redaction rules that keeps every line it writes, so a test can
// read exactly what would have gone to the log.
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from '@platen/http';
import { pino, type Logger } from 'pino';

export interface CapturedLogs {
  logger: Logger;
  text(): string;
}

export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino(
    { name: 'gateway', level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    sink,
  );
  return { logger, text: () => lines.join('') };
}
