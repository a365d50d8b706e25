// PLACEHOLDER (being replaced): only the "URL configured" paths work yet.
import type { LocalStackConfig } from '@platen/config';

export interface OpenedService {
  url: string;
  /** Stops what this call started; a no-op when it attached to something already running. */
  close(): Promise<void>;
}

export function openPostgres(config: LocalStackConfig, _log: (line: string) => void): Promise<OpenedService> {
  if (config.DATABASE_URL)
    return Promise.resolve({ url: config.DATABASE_URL, close: () => Promise.resolve() });
  return Promise.reject(new Error('embedded Postgres is not implemented yet: set DATABASE_URL'));
}

/** Undefined when REDIS_URL is unset and no embedded Redis of this DATA_DIR is running (the CLI then skips publishing). */
export function openRedis(
  config: LocalStackConfig,
  _log: (line: string) => void,
  _options: { startIfAbsent: boolean } = { startIfAbsent: false },
): Promise<OpenedService | undefined> {
  if (config.REDIS_URL) return Promise.resolve({ url: config.REDIS_URL, close: () => Promise.resolve() });
  return Promise.resolve(undefined);
}

export function readOrCreateServiceSecret(config: LocalStackConfig): string {
  if (config.SERVICE_JWT_SECRET) return config.SERVICE_JWT_SECRET;
  throw new Error('SERVICE_JWT_SECRET file generation is not implemented yet');
}
