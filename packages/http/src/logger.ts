// pino JSON logs. Secrets are removed by path, so a key, password or token cannot reach a log
// even when a whole object is logged by mistake.
import { pino, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'key',
  '*.key',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(options: { name: string; level: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
