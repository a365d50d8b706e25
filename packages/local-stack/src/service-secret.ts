// The secret services sign internal tokens with: SERVICE_JWT_SECRET if set, else a random one kept in
// DATA_DIR (0600) so every restart, and the operator CLI, use the same one.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { LocalStackConfig } from '@platen/config';
import { dataDirLayout } from './data-dir.js';

const MIN_LENGTH = 32;

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function readOrCreateServiceSecret(
  config: Pick<LocalStackConfig, 'SERVICE_JWT_SECRET' | 'DATA_DIR'>,
): string {
  if (config.SERVICE_JWT_SECRET) return config.SERVICE_JWT_SECRET;
  const { root, serviceSecretFile } = dataDirLayout(config.DATA_DIR);
  let secret = readSecret(serviceSecretFile);
  if (secret === undefined) {
    mkdirSync(root, { recursive: true });
    try {
      // 'wx': if another process created it a moment ago, keep theirs.
      writeFileSync(serviceSecretFile, `${randomBytes(48).toString('base64url')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    secret = readSecret(serviceSecretFile) ?? '';
  }
  if (secret.length < MIN_LENGTH)
    throw new Error(
      `${serviceSecretFile} holds a secret shorter than ${MIN_LENGTH} characters: delete it to have a new one made, or set SERVICE_JWT_SECRET`,
    );
  return secret;
}
