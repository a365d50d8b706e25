// The one rule for a key's status, compared in milliseconds against the injected clock:
// revoked once its (effective) revocation time has come, else expired once expires_at has come.
import type { KeyStatus } from '@platen/contracts';

export interface KeyLifetime {
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export function keyStatus({ expiresAt, revokedAt }: KeyLifetime, now: Date): KeyStatus {
  if (revokedAt && revokedAt.getTime() <= now.getTime()) return 'revoked';
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Disabling an account revokes all its keys: the earlier of the key's own revocation and the disable. */
export function effectiveRevokedAt(keyRevokedAt: Date | null, accountDisabledAt: Date | null): Date | null {
  if (!keyRevokedAt) return accountDisabledAt;
  if (!accountDisabledAt) return keyRevokedAt;
  return keyRevokedAt.getTime() <= accountDisabledAt.getTime() ? keyRevokedAt : accountDisabledAt;
}
