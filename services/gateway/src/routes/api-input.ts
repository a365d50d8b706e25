// What every authenticated /api/v1 handler reads from the request: the account and key that
// authenticate() established.
import type { Request } from 'express';
import type { AuthContext } from '../auth/authenticate.js';

export function authOf(req: Request): AuthContext {
  if (!req.auth) throw new Error('/api/v1 routes run only after authenticate');
  return req.auth;
}
