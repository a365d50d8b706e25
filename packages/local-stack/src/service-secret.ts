// Secrets `npm start` makes when the operator named none, kept in DATA_DIR (0600) so every restart,
// and the operator CLI, use the same one: the services' SERVICE_JWT_SECRET and the gateway's
// METRICS_TOKEN.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { LocalStackConfig } from '@platen/config';
import { dataDirLayout } from './data-dir.js';

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readOrCreate(
  root: string,
  file: string,
  bytes: number,
  minLength: number,
  variable: string,
): string {
  let secret = readSecret(file);
  if (secret === undefined) {
    mkdirSync(root, { recursive: true });
    try {
      // 'wx': if another process created it a moment ago, keep theirs.
      writeFileSync(file, `${randomBytes(bytes).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    secret = readSecret(file) ?? '';
  }
  if (secret.length < minLength)
    throw new Error(
      `${file} holds a secret shorter than ${minLength} characters: delete it to have a new one made, or set ${variable}`,
    );
  return secret;
}

export function readOrCreateServiceSecret(
  config: Pick<LocalStackConfig, 'SERVICE_JWT_SECRET' | 'DATA_DIR'>,
): string {
  if (config.SERVICE_JWT_SECRET) return config.SERVICE_JWT_SECRET;
  const { root, serviceSecretFile } = dataDirLayout(config.DATA_DIR);
  return readOrCreate(root, serviceSecretFile, 48, 32, 'SERVICE_JWT_SECRET');
}

/** The bearer token the gateway's /metrics asks for under npm start. */
export function readOrCreateMetricsToken(
  config: Pick<LocalStackConfig, 'METRICS_TOKEN' | 'DATA_DIR'>,
): string {
  if (config.METRICS_TOKEN) return config.METRICS_TOKEN;
  const { root, metricsTokenFile } = dataDirLayout(config.DATA_DIR);
  return readOrCreate(root, metricsTokenFile, 24, 16, 'METRICS_TOKEN');
}
